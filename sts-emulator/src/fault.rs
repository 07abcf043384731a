//! Faults the emulator injects into the next calls.

use std::time::Duration;

/// A fault applied to one call (see [`Emulator::inject`](crate::Emulator::inject)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answers `400 Throttling: Rate exceeded`, as STS throttles.
    Throttle,
    /// Answers this 5xx status with an STS error body (`500 InternalFailure`,
    /// `503 ServiceUnavailable`, others `InternalError`).
    ServerError(u16),
    /// Waits this long (on the tokio clock), then answers normally.
    Delay(Duration),
    /// Closes the connection without answering (the service fails with
    /// [`EmulatorError`](crate::EmulatorError)).
    DropConnection,
    /// Answers normally, but the body stops halfway (the declared length is
    /// the full one; the body then fails).
    TruncateBody,
    /// Answers 200 with a body of this many bytes (an unfinished XML
    /// document), streamed in chunks rather than held in memory.
    OversizeBody(u64),
    /// Sends the status, headers and half the body, then nothing, ever.
    StallBody,
    /// Answers 200 with the first half of the XML as the whole body
    /// (a well-formed HTTP response with a truncated document).
    CutXml,
    /// Answers 200 with an HTML page (a proxy's or load balancer's).
    Html,
    /// Answers 200 with an empty body.
    EmptyOk,
    /// Answers normally with this Content-Type (STS clients must not care).
    ContentType(&'static str),
}

impl Fault {
    /// A short name for the call record.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::ServerError(_) => "server-error",
            Fault::Delay(_) => "delay",
            Fault::DropConnection => "drop-connection",
            Fault::TruncateBody => "truncate-body",
            Fault::OversizeBody(_) => "oversize-body",
            Fault::StallBody => "stall-body",
            Fault::CutXml => "cut-xml",
            Fault::Html => "html",
            Fault::EmptyOk => "empty-200",
            Fault::ContentType(_) => "content-type",
        }
    }
}
