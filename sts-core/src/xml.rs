//! Reading STS XML responses with `quick-xml`, without building a tree.
//!
//! [`XmlReader`] walks a document element by element; generated decoders ask it
//! for the next known child ([`XmlReader::next_field`]), which skips unknown
//! elements, and read text with [`XmlReader::read_text`]. Names are compared by
//! local name, so any namespace prefix is accepted. Text is borrowed from the body
//! unless entities or line endings must be rewritten.
//!
//! Hostile input is refused, not followed: a document type declaration is an
//! error (so no entity tricks), unknown entities are an error, nesting deeper
//! than [`MAX_DEPTH`] is an error, and every failure is a [`DecodeError`].
//!
//! # Example
//!
//! ```
//! use sts_core::xml::XmlReader;
//!
//! let body = "<a xmlns='x'><skip><deep/></skip><b>one &amp; two</b></a>";
//! let mut r = XmlReader::new(body);
//! assert_eq!(r.root(&["a"])?, "a");
//! assert_eq!(r.next_field(&["b"])?, Some("b"));
//! assert_eq!(r.read_text()?, "one & two");
//! assert_eq!(r.next_field(&["b"])?, None);
//! # Ok::<(), sts_core::error::DecodeError>(())
//! ```

use std::borrow::Cow;
use std::time::SystemTime;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{DecodeError, Error, ServiceError};

/// The deepest element nesting accepted.
pub const MAX_DEPTH: u32 = 32;

/// A pull reader over one XML document.
#[derive(Debug)]
pub struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    depth: u32,
    /// The element last entered was `<x/>`: it has no content and no end event.
    entered_empty: bool,
}

impl<'a> XmlReader<'a> {
    /// A reader over `body`.
    pub fn new(body: &'a str) -> Self {
        Self::over(body.as_bytes())
    }

    /// A reader over `body`; bytes that are not UTF-8 are reported as malformed
    /// XML where the parser meets them.
    pub fn from_bytes(body: &'a [u8]) -> Self {
        Self::over(body)
    }

    fn over(body: &'a [u8]) -> Self {
        let mut reader = Reader::from_reader(body);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.trim_text(false);
        Self {
            reader,
            depth: 0,
            entered_empty: false,
        }
    }

    fn error(
        &self,
        context: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> DecodeError {
        DecodeError::new(context, message).at(self.reader.buffer_position())
    }

    fn event(&mut self) -> Result<Event<'a>, DecodeError> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => {
                Err(self.error("document", "document type declarations are not accepted"))
            }
            Ok(Event::Eof) => {
                Err(self.error("document", "unexpected end of document (truncated body?)"))
            }
            Ok(ev) => Ok(ev),
            Err(e) => Err(self.error("document", format!("malformed XML: {e}"))),
        }
    }

    fn enter(&mut self, empty: bool) -> Result<(), DecodeError> {
        self.entered_empty = empty;
        if !empty {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.error(
                    "document",
                    format!("elements nested deeper than {MAX_DEPTH}"),
                ));
            }
        }
        Ok(())
    }

    /// Reads up to the root element and returns which of `expected` it is.
    ///
    /// An unexpected root is an error that names it (an `<html>` page, say);
    /// an empty body is an error of its own.
    pub fn root<'f>(&mut self, expected: &[&'f str]) -> Result<&'f str, DecodeError> {
        loop {
            let ev = match self.reader.read_event() {
                Ok(Event::Eof) => return Err(self.error("document", "empty body: no root element")),
                Ok(ev) => ev,
                Err(e) => return Err(self.error("document", format!("malformed XML: {e}"))),
            };
            let (start, empty) = match ev {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::DocType(_) => {
                    return Err(
                        self.error("document", "document type declarations are not accepted")
                    );
                }
                Event::Text(t) if is_blank(&t) => continue,
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.error(
                        "document",
                        "text before the root element: not an XML document",
                    ));
                }
                _ => continue,
            };
            let local = start.local_name();
            let name = local.as_ref();
            match expected.iter().find(|n| **n == name) {
                Some(found) => {
                    self.enter(empty)?;
                    return Ok(found);
                }
                None => {
                    let shown: String = name.chars().take(64).collect();
                    return Err(
                        self.error("document", format!("unexpected root element <{shown}>"))
                    );
                }
            }
        }
    }

    /// Moves to the next child of the current element whose local name is one
    /// of `fields`, skipping the others; `None` once the current element ends.
    pub fn next_field<'f>(&mut self, fields: &[&'f str]) -> Result<Option<&'f str>, DecodeError> {
        if std::mem::take(&mut self.entered_empty) {
            return Ok(None);
        }
        loop {
            let (start, empty) = match self.event()? {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(None);
                }
                _ => continue,
            };
            let local = start.local_name();
            let name = local.as_ref();
            let found = fields.iter().find(|n| **n == name).copied();
            self.enter(empty)?;
            match found {
                Some(field) => return Ok(Some(field)),
                None => self.skip()?,
            }
        }
    }

    /// Skips the rest of the element last entered, children included.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        if std::mem::take(&mut self.entered_empty) {
            return Ok(());
        }
        let target = self.depth - 1;
        while self.depth > target {
            match self.event()? {
                Event::Start(_) => self.enter(false)?,
                Event::End(_) => self.depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// The text of the element last entered, through its end tag.
    ///
    /// Entities and character references are resolved, CDATA is kept verbatim,
    /// whitespace is kept as sent (as botocore does), line endings are normalised
    /// as XML requires. A child element inside is an error.
    pub fn read_text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        if std::mem::take(&mut self.entered_empty) {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        loop {
            match self.event()? {
                Event::Text(t) => append(&mut text, t.xml10_content()),
                Event::CData(c) => append(&mut text, c.xml10_content()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => match &*r {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            other => {
                                let shown: String = other.chars().take(32).collect();
                                return Err(self.error("text", format!("unknown entity &{shown};")));
                            }
                        },
                        Err(e) => {
                            return Err(self.error("text", format!("bad character reference: {e}")));
                        }
                    };
                    text.to_mut().push(resolved);
                }
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(text);
                }
                Event::Start(_) | Event::Empty(_) => {
                    return Err(self.error("text", "expected text, found a child element"));
                }
                _ => {}
            }
        }
    }

    /// [`read_text`](Self::read_text) into an owned `String`.
    pub fn read_string(&mut self) -> Result<String, DecodeError> {
        self.read_text().map(Cow::into_owned)
    }

    /// Reads an integer element named `field`.
    pub fn read_i32(&mut self, field: &'static str) -> Result<i32, DecodeError> {
        let text = self.read_text()?;
        text.trim()
            .parse()
            .map_err(|_| self.error(field, format!("not an integer: {:?}", truncate(&text))))
    }

    /// Reads a timestamp element named `field` (see [`parse_timestamp`]).
    pub fn read_timestamp(&mut self, field: &'static str) -> Result<SystemTime, DecodeError> {
        let text = self.read_text()?;
        parse_timestamp(text.trim()).map_err(|m| self.error(field, m))
    }

    /// Checks that nothing but whitespace, comments and processing instructions
    /// follows the root element.
    pub fn finish(mut self) -> Result<(), DecodeError> {
        loop {
            match self.reader.read_event() {
                Ok(Event::Eof) => return Ok(()),
                Ok(Event::Text(t)) if is_blank(&t) => {}
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(_) => return Err(self.error("document", "content after the root element")),
                Err(e) => return Err(self.error("document", format!("malformed XML: {e}"))),
            }
        }
    }
}

fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

/// Parses an ISO 8601 / RFC 3339 date-time as AWS sends them:
/// `2011-07-15T23:28:33Z`, with or without fractional seconds, with `Z` or an offset.
pub fn parse_timestamp(s: &str) -> Result<SystemTime, String> {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(s, &Rfc3339) {
        Ok(t) => {
            // An offset can push a printable local time out of range in UTC
            // (`9999-12-31T23:59:59-23:59`); `t.into()` would then panic.
            let utc = t.checked_to_offset(time::UtcOffset::UTC);
            let year = utc.map_or(if t.year() > 0 { 10_000 } else { -1 }, |u| u.year());
            let Some(utc) = utc.filter(|_| (1970..=9999).contains(&year)) else {
                return Err(format!(
                    "a timestamp outside 1970..=9999 in UTC (year {year}): {:?}",
                    truncate(s)
                ));
            };
            Ok(utc.into())
        }
        Err(e) => Err(format!(
            "not an ISO 8601 timestamp ({e}): {:?}",
            truncate(s)
        )),
    }
}

/// Formats a time as AWS does in XML and JSON: `2011-07-15T23:28:33Z`, with
/// milliseconds only when they are not zero.
///
/// A time outside 1970..=9999 (which no decoder of this project produces) is
/// printed as the nearest end of that range rather than failing.
pub fn format_timestamp(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(crate::check::clamp_timestamp(t));
    let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
    let (h, mi, s, ms) = (t.hour(), t.minute(), t.second(), t.millisecond());
    if ms == 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

/// The result element of an operation, decoded by generated code.
pub trait DecodeResult: Sized + Default {
    /// `AssumeRoleResponse`.
    const RESPONSE: &'static str;
    /// `AssumeRoleResult`.
    const RESULT: &'static str;
    /// Reads the children of the result element.
    fn decode_result(r: &mut XmlReader<'_>) -> Result<Self, DecodeError>;
    /// Stores the request id from `ResponseMetadata`.
    fn set_request_id(&mut self, request_id: String);
}

/// Decodes a successful response body of the operation whose output is `O`.
///
/// An `<ErrorResponse>` (sent with a 200, which some proxies do) becomes the
/// service error it describes.
pub fn decode_response<O: DecodeResult>(body: &[u8]) -> Result<O, Error> {
    let mut r = XmlReader::from_bytes(body);
    let root = r.root(&[O::RESPONSE, "ErrorResponse", "Response"])?;
    if root != O::RESPONSE {
        return Err(parse_error_response(body, None)?.into());
    }
    let mut out = O::default();
    while let Some(field) = r.next_field(&[O::RESULT, "ResponseMetadata"])? {
        if field == O::RESULT {
            out = O::decode_result(&mut r).map_err(|e| in_element(e, O::RESULT))?;
        } else {
            while r.next_field(&["RequestId"])?.is_some() {
                out.set_request_id(r.read_string()?);
            }
        }
    }
    r.finish()?;
    Ok(out)
}

fn in_element(e: DecodeError, element: &'static str) -> DecodeError {
    if e.context() == "document" {
        return e;
    }
    let message = e.message().to_owned();
    DecodeError::new(format!("{element}.{}", e.context()), message)
}

/// Parses an error body: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`,
/// the `<ErrorResponse><Errors><Error>...` variant, and EC2's
/// `<Response><Errors><Error>...</Errors><RequestID/>`, whatever the Content-Type.
pub fn parse_error_response(body: &[u8], status: Option<u16>) -> Result<ServiceError, DecodeError> {
    let mut r = XmlReader::from_bytes(body);
    r.root(&["ErrorResponse", "Response"])?;
    let mut parts = ErrorParts::default();
    while let Some(field) = r.next_field(&["Error", "Errors", "RequestId", "RequestID"])? {
        match field {
            "Error" => parts.read_error(&mut r)?,
            "Errors" => {
                while r.next_field(&["Error"])?.is_some() {
                    parts.read_error(&mut r)?;
                }
            }
            _ => parts.request_id = Some(r.read_string()?),
        }
    }
    r.finish()?;
    let Some(code) = parts.code else {
        return Err(DecodeError::new(
            "ErrorResponse",
            "no <Code> in the error response",
        ));
    };
    let mut err = ServiceError::new(code);
    if let Some(m) = parts.message {
        err = err.with_message(m);
    }
    if let Some(t) = parts.error_type {
        err = err.with_type(t);
    }
    if let Some(id) = parts.request_id {
        err = err.with_request_id(id);
    }
    if let Some(s) = status {
        err = err.with_status(s);
    }
    Ok(err)
}

#[derive(Default)]
struct ErrorParts {
    code: Option<String>,
    message: Option<String>,
    error_type: Option<String>,
    request_id: Option<String>,
}

impl ErrorParts {
    fn read_error(&mut self, r: &mut XmlReader<'_>) -> Result<(), DecodeError> {
        while let Some(field) = r.next_field(&["Code", "Message", "Type"])? {
            let text = r.read_string()?;
            match field {
                "Code" if self.code.is_none() => self.code = Some(text),
                "Message" if self.message.is_none() => self.message = Some(text),
                "Type" if self.error_type.is_none() => self.error_type = Some(text),
                _ => {}
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Writing (server side)

/// The XML namespace of STS responses.
pub const STS_XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Writes the XML of responses, as STS lays it out (server side: the emulator
/// and tests).
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
impl XmlWriter {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `<name>`.
    pub fn start(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
    }

    /// Closes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    /// Writes `<name>text</name>`, escaping the text.
    pub fn text(&mut self, name: &str, text: &str) {
        self.start(name);
        for c in text.chars() {
            match c {
                '&' => self.buf.push_str("&amp;"),
                '<' => self.buf.push_str("&lt;"),
                '>' => self.buf.push_str("&gt;"),
                '\r' => self.buf.push_str("&#xD;"),
                c => self.buf.push(c),
            }
        }
        self.end(name);
    }

    /// Writes `<name>123</name>`.
    pub fn int(&mut self, name: &str, value: i32) {
        self.text(name, &value.to_string());
    }

    /// Writes `<name>2011-07-15T23:28:33Z</name>`.
    pub fn timestamp(&mut self, name: &str, value: SystemTime) {
        self.text(name, &format_timestamp(value));
    }

    /// The document written so far.
    pub fn finish(self) -> String {
        self.buf
    }
}

/// The result element of an operation, written by generated code (server side).
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub trait EncodeResult: DecodeResult {
    /// Writes the children of the result element.
    fn write_result(&self, w: &mut XmlWriter);
}

/// The body of a successful response: `<XResponse xmlns=...><XResult>...</XResult>
/// <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></XResponse>`.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub fn encode_response<O: EncodeResult>(output: &O, request_id: &str) -> String {
    let mut w = XmlWriter::new();
    w.buf
        .push_str(&format!("<{} xmlns=\"{STS_XMLNS}\">\n  ", O::RESPONSE));
    w.start(O::RESULT);
    output.write_result(&mut w);
    w.end(O::RESULT);
    w.buf.push_str("\n  <ResponseMetadata>");
    w.text("RequestId", request_id);
    w.buf.push_str("</ResponseMetadata>\n");
    w.end(O::RESPONSE);
    w.buf.push('\n');
    w.finish()
}

/// The body of an error response as STS sends it: `<ErrorResponse xmlns=...>
/// <Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
/// `error_type` is `Sender` or `Receiver`.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub fn encode_error_response(
    error_type: &str,
    code: &str,
    message: &str,
    request_id: &str,
) -> String {
    let mut w = XmlWriter::new();
    w.buf
        .push_str(&format!("<ErrorResponse xmlns=\"{STS_XMLNS}\">\n  "));
    w.start("Error");
    w.text("Type", error_type);
    w.text("Code", code);
    w.text("Message", message);
    w.end("Error");
    w.buf.push_str("\n  ");
    w.text("RequestId", request_id);
    w.buf.push('\n');
    w.end("ErrorResponse");
    w.buf.push('\n');
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_outside_four_digit_utc_years_are_decode_errors() {
        for bad in [
            "9999-12-31T23:59:59-23:59",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00+00:01",
            "0000-01-01T00:00:00Z",
        ] {
            let err = parse_timestamp(bad).unwrap_err();
            assert!(err.contains("outside 1970..=9999"), "{bad}: {err}");
        }
        let last = parse_timestamp("9999-12-31T23:59:59+00:00").unwrap();
        assert_eq!(format_timestamp(last), "9999-12-31T23:59:59Z");
        assert_eq!(
            format_timestamp(parse_timestamp("1970-01-01T00:00:00Z").unwrap()),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn formatting_any_system_time_never_panics() {
        use std::time::{Duration, UNIX_EPOCH};
        let far = UNIX_EPOCH + Duration::from_secs(1 << 40);
        assert_eq!(format_timestamp(far), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            format_timestamp(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00Z"
        );
    }
}
