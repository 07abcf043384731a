//! The typed edge: a `tower::Service<O::Input>` for one operation `O` over the
//! shared HTTP-level service.
//!
//! It validates the input (nothing is sent if that fails), encodes it as an
//! awsQuery form, marks the request with the operation's
//! [`OperationMeta`](sts_core::operation::OperationMeta), calls the HTTP service, and decodes a 2xx body into
//! `O::Output`. Every error comes out as one [`sts_core::Error`]. This is the
//! only part generic over the operation, and it is thin.
//!
//! # Example
//!
//! ```
//! use bytes::Bytes;
//! use sts_core::model::{AssumeRole, AssumeRoleInput};
//! use sts_layers::operation::OperationService;
//! use tower::{ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let http = service_fn(|_req: http::Request<Bytes>| async {
//!     Ok::<_, sts_core::error::BoxError>(http::Response::new(Bytes::new()))
//! });
//! let assume_role = OperationService::<AssumeRole, _>::new(http);
//! let err = assume_role.oneshot(AssumeRoleInput::default()).await.unwrap_err();
//! assert_eq!(err.validation_error().unwrap().member(), "RoleArn");
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http::HeaderValue;
use pin_project_lite::pin_project;
use sts_core::operation::Operation;
use sts_core::{Error, ErrorKind};
use tower::{Layer, Service};

use crate::headers::FORM_CONTENT_TYPE;

/// Builds the HTTP request for `input` of operation `O`: `POST /`, the form body,
/// the content type, and the [`OperationMeta`](sts_core::operation::OperationMeta)(sts_core::operation::OperationMeta)
/// extension. The URI is set by the endpoint layer.
pub fn encode_request<O: Operation>(input: &O::Input) -> http::Request<Bytes> {
    let mut req = http::Request::new(Bytes::from(O::encode(input)));
    *req.method_mut() = http::Method::POST;
    req.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(FORM_CONTENT_TYPE),
    );
    req.extensions_mut().insert(O::META);
    req
}

/// Turns a collected response into the operation's output or its error.
pub fn decode_response<O: Operation>(response: &http::Response<Bytes>) -> Result<O::Output, Error> {
    // Errors only reach here without the deserialize layer in the stack.
    crate::deserialize::classify_response(response, None)?;
    O::decode(response.body())
}

/// Operation `O` as a `tower::Service<O::Input>` over the HTTP service `S`.
pub struct OperationService<O, S> {
    inner: S,
    _operation: PhantomData<fn() -> O>,
}

impl<O, S: Clone> Clone for OperationService<O, S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _operation: PhantomData,
        }
    }
}

impl<O: Operation, S> fmt::Debug for OperationService<O, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationService")
            .field("operation", &O::NAME)
            .finish_non_exhaustive()
    }
}

impl<O, S> OperationService<O, S> {
    /// Operation `O` over `inner`.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            _operation: PhantomData,
        }
    }

    /// The HTTP service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the HTTP service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<O, S> Service<O::Input> for OperationService<O, S>
where
    O: Operation,
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>>,
    S::Error: Into<Error>,
{
    type Response = O::Output;
    type Error = Error;
    type Future = ResponseFuture<O, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, input: O::Input) -> Self::Future {
        if let Err(e) = O::validate(&input) {
            return ResponseFuture::refused(e.into());
        }
        ResponseFuture::sent(self.inner.call(encode_request::<O>(&input)))
    }
}

/// Applies [`OperationService`] for operation `O`.
pub struct OperationLayer<O>(PhantomData<fn() -> O>);

impl<O> OperationLayer<O> {
    /// The layer for operation `O`.
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<O> Default for OperationLayer<O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<O> Clone for OperationLayer<O> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<O: Operation> fmt::Debug for OperationLayer<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OperationLayer<{}>", O::NAME)
    }
}

impl<O, S> Layer<S> for OperationLayer<O> {
    type Service = OperationService<O, S>;

    fn layer(&self, inner: S) -> OperationService<O, S> {
        OperationService::new(inner)
    }
}

pin_project! {
    /// The HTTP call, then decoding.
    pub struct ResponseFuture<O, F> {
        #[pin]
        state: State<F>,
        _operation: PhantomData<fn() -> O>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Sent { #[pin] future: F },
        Refused { error: Option<Error> },
    }
}

impl<O, F> fmt::Debug for ResponseFuture<O, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<O, F> ResponseFuture<O, F> {
    fn sent(future: F) -> Self {
        Self {
            state: State::Sent { future },
            _operation: PhantomData,
        }
    }

    fn refused(error: Error) -> Self {
        Self {
            state: State::Refused { error: Some(error) },
            _operation: PhantomData,
        }
    }
}

impl<O, F, E> Future for ResponseFuture<O, F>
where
    O: Operation,
    F: Future<Output = Result<http::Response<Bytes>, E>>,
    E: Into<Error>,
{
    type Output = Result<O::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Sent { future } => {
                let response = ready!(future.poll(cx))
                    .map_err(|e| Into::<Error>::into(e).in_operation(O::NAME))?;
                Poll::Ready(decode_response::<O>(&response).map_err(|e| e.in_operation(O::NAME)))
            }
            StateProj::Refused { error } => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| Error::from_kind(ErrorKind::Construction))
                .in_operation(O::NAME))),
        }
    }
}
