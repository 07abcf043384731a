//! The response body: whole, cut short, or long and streamed.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::error::EmulatorError;

const CHUNK: usize = 64 * 1024;

/// The emulator's response body.
#[derive(Debug)]
pub struct EmulatorBody {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Full(Option<Bytes>),
    /// Sends `part`, then fails; declares `declared` bytes.
    Truncated {
        part: Option<Bytes>,
        declared: u64,
    },
    /// Sends `part`, then stays pending forever; declares `declared` bytes.
    Stall {
        part: Option<Bytes>,
        declared: u64,
    },
    /// Sends `prefix` then filler up to `remaining` bytes in all.
    Stream {
        prefix: Option<Bytes>,
        remaining: u64,
    },
}

impl EmulatorBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: Kind::Full(Some(bytes.into())),
        }
    }

    pub(crate) fn truncated(whole: Bytes) -> Self {
        let declared = whole.len() as u64;
        Self {
            kind: Kind::Truncated {
                part: Some(whole.slice(..whole.len() / 2)),
                declared,
            },
        }
    }

    pub(crate) fn stalled(whole: Bytes) -> Self {
        let declared = whole.len() as u64;
        Self {
            kind: Kind::Stall {
                part: Some(whole.slice(..whole.len() / 2)),
                declared,
            },
        }
    }

    pub(crate) fn oversize(len: u64) -> Self {
        Self {
            kind: Kind::Stream {
                prefix: Some(Bytes::from_static(
                    b"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">",
                )),
                remaining: len,
            },
        }
    }
}

static FILLER: [u8; CHUNK] = [b' '; CHUNK];

impl http_body::Body for EmulatorBody {
    type Data = Bytes;
    type Error = EmulatorError;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, EmulatorError>>> {
        let this = self.get_mut();
        Poll::Ready(match &mut this.kind {
            Kind::Stall { part, .. } => match part.take() {
                Some(b) => Some(Ok(Frame::data(b))),
                // Never woken: the body never ends.
                None => return Poll::Pending,
            },
            Kind::Full(bytes) => bytes.take().map(|b| Ok(Frame::data(b))),
            Kind::Truncated { part, .. } => match part.take() {
                Some(b) => Some(Ok(Frame::data(b))),
                None => Some(Err(EmulatorError::truncated())),
            },
            Kind::Stream { prefix, remaining } => {
                if *remaining == 0 {
                    None
                } else if let Some(p) = prefix.take() {
                    let p = if (p.len() as u64) > *remaining {
                        p.slice(..*remaining as usize)
                    } else {
                        p
                    };
                    *remaining -= p.len() as u64;
                    Some(Ok(Frame::data(p)))
                } else {
                    let n = (*remaining).min(CHUNK as u64) as usize;
                    *remaining -= n as u64;
                    Some(Ok(Frame::data(Bytes::from_static(&FILLER[..n]))))
                }
            }
        })
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(b) => b.is_none(),
            Kind::Truncated { .. } | Kind::Stall { .. } => false,
            Kind::Stream { remaining, .. } => *remaining == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Truncated { declared, .. } | Kind::Stall { declared, .. } => {
                SizeHint::with_exact(*declared)
            }
            Kind::Stream { remaining, prefix } => {
                let _ = prefix;
                SizeHint::with_exact(*remaining)
            }
        }
    }
}
