//! The error type both clients share: everything the core reports, the concrete error of a
//! failed exchange, and configuration errors. It holds no IO object, only boxed errors, so it
//! lives here once rather than in each driver.

use crate::error::{ApiError, ErrorCode, TransportFailure};

/// A failed exchange: how the core should see it, and the concrete error behind it.
#[derive(Debug, thiserror::Error)]
#[error("{failure}")]
pub struct TransportError {
    /// The failure's kind and whether the request may have been sent.
    pub failure: TransportFailure,
    /// The concrete error of the HTTP client, such as an [`std::io::Error`].
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    /// A failure described by `failure`, caused by `source`.
    pub fn new(
        failure: TransportFailure,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self { failure, source: source.into() }
    }

    /// No connection could be made, so nothing was sent.
    pub fn connect(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(TransportFailure::connect(), source)
    }

    /// The exchange timed out after the request may have been sent.
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(TransportFailure::timeout(), source)
    }

    /// Some other failure after the request may have been sent.
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(TransportFailure::other(), source)
    }
}

/// The host (and port, when the URL names one) a request's URL is for, as
/// [`ClientError::Transport`] names it.
pub fn host_of(uri: &http::Uri) -> Option<String> {
    let host = uri.host()?;
    Some(match uri.port_u16() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Everything a call can fail with.
///
/// Classify with the helpers (`is_not_found()`, `is_retryable()`, …) rather than by matching:
/// they answer the same for an error the API reported and for one found locally.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// An error from the core: an API error, an unexpected or undecodable response, input
    /// rejected before sending, a failed action, or a wait that ran out.
    #[error(transparent)]
    Core(#[from] crate::Error),
    /// The exchange itself failed and was not (or no longer) retried. The concrete error is
    /// its [`source`](std::error::Error::source).
    #[error("{}", failure.to(host.as_deref()))]
    Transport {
        /// The failure as the core classified it.
        failure: TransportFailure,
        /// The host (and port) the request was for, such as `api.hetzner.cloud` or
        /// `127.0.0.1:8080`.
        host: Option<String>,
        /// The concrete error of the HTTP client.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The client could not be configured, such as `HCLOUD_TOKEN` missing from the
    /// environment.
    #[error("configuration error: {0}")]
    Config(String),
}

impl ClientError {
    /// The core's error, when this is one.
    pub fn core(&self) -> Option<&crate::Error> {
        match self {
            ClientError::Core(error) => Some(error),
            _ => None,
        }
    }

    /// Converts into the core's view of the error: transport errors lose their concrete
    /// source; configuration errors have no core counterpart and come back as `Err(self)`.
    pub fn into_core(self) -> Result<crate::Error, ClientError> {
        match self {
            ClientError::Core(error) => Ok(error),
            ClientError::Transport { failure, .. } => Ok(crate::Error::Transport(failure)),
            other => Err(other),
        }
    }

    /// The error as the core sees it, borrowed where possible.
    fn as_core(&self) -> Option<std::borrow::Cow<'_, crate::Error>> {
        match self {
            ClientError::Core(error) => Some(std::borrow::Cow::Borrowed(error)),
            ClientError::Transport { failure, .. } => {
                Some(std::borrow::Cow::Owned(crate::Error::Transport(*failure)))
            }
            ClientError::Config(_) => None,
        }
    }

    fn check(&self, test: impl FnOnce(&crate::Error) -> bool) -> bool {
        self.as_core().is_some_and(|error| test(&error))
    }

    /// The resource does not exist (`not_found`).
    pub fn is_not_found(&self) -> bool {
        self.check(crate::Error::is_not_found)
    }

    /// The token was rejected (`unauthorized`) or may not write (`token_readonly`).
    pub fn is_authentication(&self) -> bool {
        self.check(crate::Error::is_authentication)
    }

    /// The token lacks permission (`forbidden`).
    pub fn is_forbidden(&self) -> bool {
        self.check(crate::Error::is_forbidden)
    }

    /// The input was invalid: rejected locally before sending, or by the API
    /// (`invalid_input`, `json_error`).
    pub fn is_invalid_input(&self) -> bool {
        self.check(crate::Error::is_invalid_input)
    }

    /// A unique field collided (`uniqueness_error`).
    pub fn is_uniqueness(&self) -> bool {
        self.check(crate::Error::is_uniqueness)
    }

    /// The resource is busy with another action (`locked`).
    pub fn is_locked(&self) -> bool {
        self.check(crate::Error::is_locked)
    }

    /// The resource is protected against this action (`protected`).
    pub fn is_protected(&self) -> bool {
        self.check(crate::Error::is_protected)
    }

    /// The rate limit is exhausted (`rate_limit_exceeded`), even after the retries.
    pub fn is_rate_limited(&self) -> bool {
        self.check(crate::Error::is_rate_limited)
    }

    /// The API side failed (`server_error`, `bad_gateway`, `unavailable`, `timeout`, or a
    /// non-JSON 5xx answer).
    pub fn is_server_error(&self) -> bool {
        self.check(crate::Error::is_server_error)
    }

    /// An awaited action ended in `error`.
    pub fn is_action_failed(&self) -> bool {
        self.check(crate::Error::is_action_failed)
    }

    /// A wait ran out of attempts or time.
    pub fn is_wait_exhausted(&self) -> bool {
        self.check(crate::Error::is_wait_exhausted)
    }

    /// A create's outcome was unknown and nothing was created (see
    /// [`crate::Error::is_not_created`]).
    pub fn is_not_created(&self) -> bool {
        self.check(crate::Error::is_not_created)
    }

    /// A create's outcome was unknown and a resource of that name exists that does not match
    /// the request (see [`crate::Error::is_create_conflict`]).
    pub fn is_create_conflict(&self) -> bool {
        self.check(crate::Error::is_create_conflict)
    }

    /// The transport failed.
    pub fn is_transport(&self) -> bool {
        self.check(crate::Error::is_transport)
    }

    /// The client could not be configured (see [`ClientError::Config`]).
    pub fn is_config(&self) -> bool {
        matches!(self, ClientError::Config(_))
    }

    /// Trying the same request again later may succeed (see
    /// [`crate::Error::is_retryable`]). The client already retried per its
    /// [`RetryPolicy`](crate::RetryPolicy) before returning this.
    pub fn is_retryable(&self) -> bool {
        self.check(crate::Error::is_retryable)
    }

    /// The API error code, when this is an API error.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.core().and_then(crate::Error::code)
    }

    /// The API error, when this is one.
    pub fn api(&self) -> Option<&ApiError> {
        self.core().and_then(crate::Error::api)
    }

    /// The HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.core().and_then(crate::Error::status)
    }

    /// The `X-Correlation-Id` of the response behind this error, to quote to support.
    pub fn correlation_id(&self) -> Option<&str> {
        self.core().and_then(crate::Error::correlation_id)
    }

    /// The transport failure, when this is one (with or without a concrete source).
    pub fn transport_failure(&self) -> Option<TransportFailure> {
        match self {
            ClientError::Transport { failure, .. } => Some(*failure),
            ClientError::Core(crate::Error::Transport(failure)) => Some(*failure),
            _ => None,
        }
    }
}
