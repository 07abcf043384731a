//! The response future of the signing layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use bytes::Bytes;
use pin_project_lite::pin_project;
use sts_core::error::BoxError;
use tower::Service;

use super::{SigV4Layer, sign_request};
use crate::shared::SigningRegion;

type CredentialsFuture =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'static>>;

pin_project! {
    /// Resolves credentials, signs, then runs the inner call.
    pub struct ResponseFuture<S: Service<http::Request<Bytes>>> {
        #[pin]
        state: State<S>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S: Service<http::Request<Bytes>>> {
        Resolving {
            credentials: CredentialsFuture,
            pending: Option<(S, http::Request<Bytes>, SigV4Layer)>,
        },
        Called {
            #[pin]
            future: S::Future,
        },
        Failed {
            error: Option<sts_core::Error>,
        },
    }
}

impl<S: Service<http::Request<Bytes>>> std::fmt::Debug for ResponseFuture<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<S: Service<http::Request<Bytes>>> ResponseFuture<S> {
    pub(crate) fn called(future: S::Future) -> Self {
        Self {
            state: State::Called { future },
        }
    }

    pub(crate) fn failed(error: sts_core::Error) -> Self {
        Self {
            state: State::Failed { error: Some(error) },
        }
    }

    pub(crate) fn resolving(
        credentials: CredentialsFuture,
        service: S,
        request: http::Request<Bytes>,
        config: SigV4Layer,
    ) -> Self {
        Self {
            state: State::Resolving {
                credentials,
                pending: Some((service, request, config)),
            },
        }
    }
}

impl<S> Future for ResponseFuture<S>
where
    S: Service<http::Request<Bytes>>,
    S::Error: Into<BoxError>,
{
    type Output = Result<S::Response, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Resolving {
                    credentials,
                    pending,
                } => {
                    let result = ready!(credentials.as_mut().poll(cx));
                    let Some((mut service, mut request, config)) = pending.take() else {
                        return Poll::Ready(Err(polled_after_completion()));
                    };
                    let credentials = match result {
                        Ok(c) => c,
                        Err(e) => {
                            return Poll::Ready(Err(Box::new(sts_core::Error::new(
                                sts_core::ErrorKind::Credentials,
                                e,
                            ))));
                        }
                    };
                    if let Err(e) = sign(&mut request, &credentials, &config) {
                        return Poll::Ready(Err(Box::new(e)));
                    }
                    let future = service.call(request);
                    this.state.set(State::Called { future });
                }
                StateProj::Called { future } => {
                    return future.poll(cx).map_err(Into::into);
                }
                StateProj::Failed { error } => {
                    return Poll::Ready(Err(match error.take() {
                        Some(e) => Box::new(e),
                        None => polled_after_completion(),
                    }));
                }
            }
        }
    }
}

fn polled_after_completion() -> BoxError {
    "sigv4::ResponseFuture polled after completion".into()
}

fn sign(
    request: &mut http::Request<Bytes>,
    credentials: &Credentials,
    config: &SigV4Layer,
) -> Result<(), sts_core::Error> {
    let Some(region) = request.extensions().get::<SigningRegion>().cloned() else {
        return Err(super::sign::error(
            "the request has no SigningRegion: put the endpoint layer outside the signing layer",
        )
        .into());
    };
    // Values that end up in headers are checked here, so that nothing a
    // provider, a file or a server handed over can make aws-sigv4 fail on a
    // header value.
    sts_core::check::credentials(credentials).map_err(|e| {
        sts_core::Error::classified(e.from_provider("the signing layer's provider"))
    })?;
    sts_core::check::region(region.as_str())
        .map_err(|e| sts_core::Error::from(super::sign::error(e)))?;
    let time = config.signing_time();
    if !sts_core::check::timestamp_in_range(time) {
        return Err(super::sign::error(
            "the signing time (the time source corrected by the clock skew) is outside 1970..=9999",
        )
        .into());
    }
    sign_request(request, credentials, region.as_str(), time)?;
    Ok(())
}
