//! Which outcomes are retried, and as what.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use sts_core::ErrorKind;
use sts_core::error::{BoxError, Classify, ServiceError, StatusError};

use crate::sigv4::ClockSkewCorrected;
use crate::timeout::{Elapsed, TimeoutScope};

/// Why an attempt is worth retrying; decides the token cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// A transient error: a connection or I/O error, `RequestTimeout`,
    /// `IDPCommunicationError`, a corrected clock skew.
    Transient,
    /// The service asked the caller to slow down.
    Throttling,
    /// 500, 502, 503, 504.
    ServerError,
    /// The attempt timed out (costs more tokens).
    Timeout,
}

/// What the classifier says of an attempt's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAction {
    /// Retry, for this reason, after at least this delay if the server asked for one.
    Retry(RetryKind, Option<Duration>),
    /// Do not retry: return the outcome.
    DoNotRetry,
    /// No opinion (a success, for the default classifier): return the outcome.
    NoOpinion,
}

/// Decides whether an attempt's outcome is retried.
///
/// Implemented by [`DefaultClassifier`] and by closures, so that a user can wrap
/// the default:
///
/// ```
/// use sts_layers::retry::{ClassifyRetry, DefaultClassifier, RetryAction, RetryKind};
///
/// // Also retry AccessDenied (say, a role whose trust policy is still propagating).
/// let classifier = |outcome: &Result<http::Response<bytes::Bytes>, sts_core::error::BoxError>| {
///     if let Err(e) = outcome {
///         let code = sts_core::error::find_source::<sts_core::error::ServiceError>(&**e)
///             .map(|s| s.code());
///         if code == Some("AccessDenied") {
///             return RetryAction::Retry(RetryKind::Transient, None);
///         }
///     }
///     DefaultClassifier.classify(outcome)
/// };
/// # let _ = classifier;
/// ```
pub trait ClassifyRetry: Clone + Send + Sync + 'static {
    /// Classifies one attempt's outcome.
    fn classify(&self, outcome: &Result<http::Response<Bytes>, BoxError>) -> RetryAction;
}

impl<F> ClassifyRetry for F
where
    F: Fn(&Result<http::Response<Bytes>, BoxError>) -> RetryAction + Clone + Send + Sync + 'static,
{
    fn classify(&self, outcome: &Result<http::Response<Bytes>, BoxError>) -> RetryAction {
        self(outcome)
    }
}

/// Any [`ClassifyRetry`] behind an `Arc`: what a configuration stores (see
/// `StackConfig::retry_classifier`), so that the stack's type does not depend
/// on your classifier's.
///
/// ```
/// use sts_layers::retry::{ClassifyRetry, DefaultClassifier, RetryAction, SharedClassifier};
///
/// // Never retry anything (a caller that retries at a higher level).
/// let never = SharedClassifier::new(|_: &Result<http::Response<bytes::Bytes>, sts_core::error::BoxError>| {
///     RetryAction::DoNotRetry
/// });
/// let ok = Ok(http::Response::new(bytes::Bytes::new()));
/// assert_eq!(never.classify(&ok), RetryAction::DoNotRetry);
/// # let _ = DefaultClassifier;
/// ```
#[derive(Clone)]
pub struct SharedClassifier(
    std::sync::Arc<dyn Fn(&Result<http::Response<Bytes>, BoxError>) -> RetryAction + Send + Sync>,
);

impl SharedClassifier {
    /// Shares `classifier`.
    pub fn new(classifier: impl ClassifyRetry) -> Self {
        Self(std::sync::Arc::new(move |outcome| {
            classifier.classify(outcome)
        }))
    }
}

impl fmt::Debug for SharedClassifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedClassifier")
    }
}

impl ClassifyRetry for SharedClassifier {
    fn classify(&self, outcome: &Result<http::Response<Bytes>, BoxError>) -> RetryAction {
        (self.0)(outcome)
    }
}

/// The AWS standard classification.
///
/// Retried: throttling codes and 429; `RequestTimeout`, `RequestTimeoutException`,
/// `InternalError` and `IDPCommunicationError`; 500, 502, 503, 504; connection and
/// I/O errors (anything the transport fails with); attempt timeouts; a clock skew
/// that was just corrected. Not retried: validation, credentials, signing,
/// endpoint and other client errors, an oversized response, an operation timeout.
#[derive(Clone, Copy, Default)]
pub struct DefaultClassifier;

impl fmt::Debug for DefaultClassifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DefaultClassifier")
    }
}

impl ClassifyRetry for DefaultClassifier {
    fn classify(&self, outcome: &Result<http::Response<Bytes>, BoxError>) -> RetryAction {
        match outcome {
            Ok(_) => RetryAction::NoOpinion,
            Err(e) => classify_error(e),
        }
    }
}

fn classify_error(e: &BoxError) -> RetryAction {
    let Some(error) = e.downcast_ref::<sts_core::Error>() else {
        // Whatever the transport fails with: connect errors, resets, hyper errors.
        return RetryAction::Retry(RetryKind::Transient, None);
    };
    match error.kind() {
        ErrorKind::Timeout => match error.find_source::<Elapsed>() {
            Some(elapsed) if elapsed.scope() == TimeoutScope::Operation => RetryAction::DoNotRetry,
            _ => RetryAction::Retry(RetryKind::Timeout, None),
        },
        ErrorKind::Dispatch => RetryAction::Retry(RetryKind::Transient, None),
        ErrorKind::Service => {
            if error.find_source::<ClockSkewCorrected>().is_some() {
                return RetryAction::Retry(RetryKind::Transient, None);
            }
            match error.service_error() {
                Some(service) => classify_service(service),
                None => RetryAction::DoNotRetry,
            }
        }
        ErrorKind::Response => match error.find_source::<StatusError>() {
            Some(status) if status.is_throttling() => {
                RetryAction::Retry(RetryKind::Throttling, status.retry_after())
            }
            Some(status) if status.is_retryable() => {
                RetryAction::Retry(RetryKind::ServerError, status.retry_after())
            }
            _ => RetryAction::DoNotRetry,
        },
        _ => RetryAction::DoNotRetry,
    }
}

fn classify_service(service: &ServiceError) -> RetryAction {
    let after = service.retry_after();
    if service.is_throttling() {
        RetryAction::Retry(RetryKind::Throttling, after)
    } else if matches!(service.status(), Some(500 | 502 | 503 | 504)) {
        RetryAction::Retry(RetryKind::ServerError, after)
    } else if service.is_retryable() {
        RetryAction::Retry(RetryKind::Transient, after)
    } else {
        RetryAction::DoNotRetry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(e: impl Into<BoxError>) -> RetryAction {
        DefaultClassifier.classify(&Err(e.into()))
    }

    fn service(code: &str, status: u16) -> sts_core::Error {
        ServiceError::new(code).with_status(status).into()
    }

    #[test]
    fn the_standard_table() {
        use RetryAction::*;
        use RetryKind::*;
        let table: Vec<(sts_core::Error, RetryAction)> = vec![
            (service("Throttling", 400), Retry(Throttling, None)),
            (
                service("RequestLimitExceeded", 400),
                Retry(Throttling, None),
            ),
            (
                service("TooManyRequestsException", 400),
                Retry(Throttling, None),
            ),
            (service("SlowDown", 503), Retry(Throttling, None)),
            (service("Anything", 429), Retry(Throttling, None)),
            (service("RequestTimeout", 400), Retry(Transient, None)),
            (
                service("IDPCommunicationError", 400),
                Retry(Transient, None),
            ),
            (service("InternalFailure", 500), Retry(ServerError, None)),
            (service("ServiceUnavailable", 503), Retry(ServerError, None)),
            (service("AccessDenied", 403), DoNotRetry),
            (service("ExpiredTokenException", 400), DoNotRetry),
            (service("MalformedPolicyDocument", 400), DoNotRetry),
            (service("InvalidIdentityToken", 400), DoNotRetry),
            (service("InvalidClientTokenId", 403), DoNotRetry),
            (
                sts_core::Error::new(
                    ErrorKind::Timeout,
                    Elapsed::new(TimeoutScope::Attempt, Duration::from_secs(1)),
                ),
                Retry(Timeout, None),
            ),
            (
                sts_core::Error::new(
                    ErrorKind::Timeout,
                    Elapsed::new(TimeoutScope::Operation, Duration::from_secs(1)),
                ),
                DoNotRetry,
            ),
            (
                sts_core::Error::new(ErrorKind::Credentials, "no credentials"),
                DoNotRetry,
            ),
            (
                sts_core::Error::new(ErrorKind::Signing, "bad header"),
                DoNotRetry,
            ),
            (
                sts_core::Error::new(ErrorKind::Dispatch, "reset"),
                Retry(Transient, None),
            ),
        ];
        for (err, expected) in table {
            let shown = format!("{err:#}");
            assert_eq!(classify(err), expected, "{shown}");
        }
        assert_eq!(
            classify(std::io::Error::new(
                std::io::ErrorKind::ConnectionRefused,
                "refused"
            )),
            Retry(Transient, None)
        );
    }

    #[test]
    fn retry_after_travels_with_the_action() {
        let err: sts_core::Error = ServiceError::new("Throttling")
            .with_status(400)
            .with_retry_after(Duration::from_secs(2))
            .into();
        assert_eq!(
            classify(err),
            RetryAction::Retry(RetryKind::Throttling, Some(Duration::from_secs(2)))
        );
    }

    #[test]
    fn successes_have_no_opinion() {
        let ok = Ok(http::Response::new(Bytes::new()));
        assert_eq!(DefaultClassifier.classify(&ok), RetryAction::NoOpinion);
    }
}
