//! The response future of the body layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body_util::combinators::Collect;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use pin_project_lite::pin_project;
use sts_core::ErrorKind;
use sts_core::error::BoxError;

use super::BodyTooLarge;

pin_project! {
    /// Waits for the response head, then collects the body.
    pub struct ResponseFuture<F, B>
    where
        B: http_body::Body,
        B::Error: Into<BoxError>,
    {
        #[pin]
        state: State<F, B>,
        limit: usize,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B>
    where
        B: http_body::Body,
        B::Error: Into<BoxError>,
    {
        Head {
            #[pin]
            future: F,
        },
        Body {
            #[pin]
            collect: Collect<Limited<B>>,
            parts: Option<http::response::Parts>,
        },
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl<F, B> ResponseFuture<F, B>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    pub(crate) fn new(future: F, limit: usize) -> Self {
        Self {
            state: State::Head { future },
            limit,
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    type Output = Result<http::Response<Bytes>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Head { future } => {
                    let response = ready!(future.poll(cx)).map_err(Into::into)?;
                    let (parts, body) = response.into_parts();
                    let declared = parts
                        .headers
                        .get(http::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    if let Some(n) = declared.filter(|&n| n > *this.limit as u64) {
                        return Poll::Ready(Err(too_large(*this.limit, Some(n))));
                    }
                    let collect = Limited::new(body, *this.limit).collect();
                    this.state.set(State::Body {
                        collect,
                        parts: Some(parts),
                    });
                }
                StateProj::Body { collect, parts } => {
                    let body = match ready!(collect.poll(cx)) {
                        Ok(collected) => collected.to_bytes(),
                        Err(e) if e.is::<LengthLimitError>() => {
                            return Poll::Ready(Err(too_large(*this.limit, None)));
                        }
                        Err(e) => {
                            // A transport's read bound (an I/O `TimedOut` in
                            // the chain) is a timeout; anything else a dispatch error.
                            let timed_out = sts_core::error::find_source::<std::io::Error>(&*e)
                                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
                            let kind = if timed_out {
                                ErrorKind::Timeout
                            } else {
                                ErrorKind::Dispatch
                            };
                            return Poll::Ready(Err(Box::new(sts_core::Error::new(kind, e))));
                        }
                    };
                    let Some(parts) = parts.take() else {
                        return Poll::Ready(Err(
                            "body::ResponseFuture polled after completion".into()
                        ));
                    };
                    return Poll::Ready(Ok(http::Response::from_parts(parts, body)));
                }
            }
        }
    }
}

fn too_large(limit: usize, declared: Option<u64>) -> BoxError {
    Box::new(sts_core::Error::new(
        ErrorKind::Response,
        BodyTooLarge { limit, declared },
    ))
}
