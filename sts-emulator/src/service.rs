//! The emulator as a `tower::Service`: usable directly as the client's transport.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Request, Response, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use sts_core::xml::encode_error_response;

use crate::body::EmulatorBody;
use crate::error::{ApiError, EmulatorError};
use crate::fault::Fault;
use crate::record::{Call, redact};
use crate::state::new_request_id;
use crate::{Emulator, MAX_REQUEST_BODY};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a request's body may take to arrive (a slow sender holds a task
/// and a connection meanwhile).
const REQUEST_BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
    <body><h1>Bad Gateway</h1><p>The proxy could not reach the server.</p></body></html>\n";

impl<B> tower::Service<Request<B>> for Emulator
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError> + Send,
{
    type Response = Response<EmulatorBody>;
    type Error = EmulatorError;
    type Future =
        Pin<Box<dyn Future<Output = Result<Response<EmulatorBody>, EmulatorError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), EmulatorError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let this = self.clone();
        // Handled in its own task: a client that gives up (a timeout, a
        // closed connection) does not cancel the handling, so every call
        // that arrived is in the record.
        let task = tokio::spawn(async move { this.serve(request).await });
        Box::pin(async move {
            task.await
                .unwrap_or_else(|e| Err(EmulatorError::body(Box::new(e))))
        })
    }
}

impl Emulator {
    fn next_fault(&self) -> Option<Fault> {
        let mut state = self.state();
        let (fault, left) = state.faults.front_mut()?;
        let fault = *fault;
        *left -= 1;
        if *left == 0 {
            state.faults.pop_front();
        }
        Some(fault)
    }

    async fn serve<B>(self, request: Request<B>) -> Result<Response<EmulatorBody>, EmulatorError>
    where
        B: http_body::Body,
        B::Error: Into<BoxError>,
    {
        let fault = self.next_fault();
        if let Some(Fault::Delay(d)) = fault {
            tokio::time::sleep(d).await;
        }
        let (parts, body) = request.into_parts();
        let request_id = new_request_id();
        let collect = Limited::new(body, MAX_REQUEST_BODY).collect();
        let body = match tokio::time::timeout(REQUEST_BODY_TIMEOUT, collect).await {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(e)) if e.is::<LengthLimitError>() => Err(ApiError::new(
                413,
                "RequestEntityTooLarge",
                format!("The request body is larger than {MAX_REQUEST_BODY} bytes"),
            )),
            Ok(Err(e)) => return Err(EmulatorError::body(e)),
            Err(_) => Err(ApiError::new(
                408,
                "RequestTimeout",
                format!(
                    "The request body did not arrive within {} s",
                    REQUEST_BODY_TIMEOUT.as_secs()
                ),
            )),
        };
        let now = self.now();
        let mut handled = match &body {
            Ok(body) => self.handle(&parts, body, now, &request_id),
            Err(e) => crate::ops::Handled {
                action: None,
                params: Vec::new(),
                access_key_id: None,
                caller_arn: None,
                result: Err(e.clone()),
            },
        };
        match fault {
            Some(Fault::Throttle) => {
                handled.result = Err(ApiError::new(400, "Throttling", "Rate exceeded"))
            }
            Some(Fault::ServerError(status)) => {
                let code = match status {
                    500 => "InternalFailure",
                    503 => "ServiceUnavailable",
                    _ => "InternalError",
                };
                handled.result = Err(ApiError::new(
                    status,
                    code,
                    "The STS emulator was told to fail this call.",
                ));
            }
            _ => {}
        }

        let (status, error_code, xml) = match &handled.result {
            Ok(xml) => (http::StatusCode::OK, None, xml.clone()),
            Err(e) => (
                e.status,
                Some(e.code.to_owned()),
                encode_error_response(e.error_type(), e.code, &e.message, &request_id),
            ),
        };
        let dropped = fault == Some(Fault::DropConnection);
        let mut state = self.state();
        state.record(Call {
            action: handled.action.take(),
            method: parts.method.clone(),
            access_key_id: handled.access_key_id.take(),
            caller_arn: handled.caller_arn.take(),
            params: redact(&handled.params),
            status: if dropped { 0 } else { status.as_u16() },
            error_code: if dropped { None } else { error_code },
            request_id: request_id.clone(),
            fault,
            received_at: now,
        });
        drop(state);
        if dropped {
            return Err(EmulatorError::dropped());
        }

        let mut content_type = "text/xml";
        let body = match fault {
            Some(Fault::TruncateBody) => EmulatorBody::truncated(Bytes::from(xml)),
            Some(Fault::StallBody) => EmulatorBody::stalled(Bytes::from(xml)),
            Some(Fault::OversizeBody(len)) => EmulatorBody::oversize(len),
            Some(Fault::CutXml) => {
                let cut = xml.len() / 2;
                EmulatorBody::full(Bytes::from(xml).slice(..cut))
            }
            Some(Fault::Html) => {
                content_type = "text/html";
                EmulatorBody::full(HTML_PAGE)
            }
            Some(Fault::EmptyOk) => EmulatorBody::full(Bytes::new()),
            Some(Fault::ContentType(ct)) => {
                content_type = ct;
                EmulatorBody::full(xml)
            }
            _ => EmulatorBody::full(xml),
        };
        let status = match fault {
            Some(Fault::OversizeBody(_) | Fault::CutXml | Fault::Html | Fault::EmptyOk) => {
                http::StatusCode::OK
            }
            _ => status,
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(content_type) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            headers.insert("x-amzn-requestid", v);
        }
        if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(now)) {
            headers.insert(header::DATE, v);
        }
        Ok(response)
    }
}
