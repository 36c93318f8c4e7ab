//! The client's error type: everything the core reports, plus the concrete transport error.

use hcloud_core::{ApiError, ErrorCode, TransportFailure};

/// A specialized `Result` whose error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a call can fail with.
///
/// Classify with the helpers (`is_not_found()`, `is_retryable()`, …) rather than by matching:
/// they answer the same for an error the API reported and for one found locally.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the core: an API error, an unexpected or undecodable response, input
    /// rejected before sending, a failed action, or a wait that ran out.
    #[error(transparent)]
    Core(#[from] hcloud_core::Error),
    /// The exchange itself failed and was not (or no longer) retried. The concrete error is
    /// its [`source`](std::error::Error::source).
    #[error("{failure}")]
    Transport {
        /// The failure as the core classified it.
        failure: TransportFailure,
        /// The concrete error, such as a [`ureq::Error`].
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The client could not be configured, such as `HCLOUD_TOKEN` missing from the
    /// environment.
    #[error("configuration error: {0}")]
    Config(String),
}

impl Error {
    /// The core's error, when this is one.
    pub fn core(&self) -> Option<&hcloud_core::Error> {
        match self {
            Error::Core(error) => Some(error),
            _ => None,
        }
    }

    /// Converts into the core's view of the error: transport errors lose their concrete
    /// source; configuration errors have no core counterpart and come back as `Err(self)`.
    pub fn into_core(self) -> Result<hcloud_core::Error, Error> {
        match self {
            Error::Core(error) => Ok(error),
            Error::Transport { failure, .. } => Ok(hcloud_core::Error::Transport(failure)),
            other => Err(other),
        }
    }

    /// The error as the core sees it, borrowed where possible.
    fn as_core(&self) -> Option<std::borrow::Cow<'_, hcloud_core::Error>> {
        match self {
            Error::Core(error) => Some(std::borrow::Cow::Borrowed(error)),
            Error::Transport { failure, .. } => {
                Some(std::borrow::Cow::Owned(hcloud_core::Error::Transport(*failure)))
            }
            Error::Config(_) => None,
        }
    }

    fn check(&self, test: impl FnOnce(&hcloud_core::Error) -> bool) -> bool {
        self.as_core().is_some_and(|error| test(&error))
    }

    /// The resource does not exist (`not_found`).
    pub fn is_not_found(&self) -> bool {
        self.check(hcloud_core::Error::is_not_found)
    }

    /// The token was rejected (`unauthorized`) or may not write (`token_readonly`).
    pub fn is_authentication(&self) -> bool {
        self.check(hcloud_core::Error::is_authentication)
    }

    /// The token lacks permission (`forbidden`).
    pub fn is_forbidden(&self) -> bool {
        self.check(hcloud_core::Error::is_forbidden)
    }

    /// The input was invalid: rejected locally before sending, or by the API
    /// (`invalid_input`, `json_error`).
    pub fn is_invalid_input(&self) -> bool {
        self.check(hcloud_core::Error::is_invalid_input)
    }

    /// A unique field collided (`uniqueness_error`).
    pub fn is_uniqueness(&self) -> bool {
        self.check(hcloud_core::Error::is_uniqueness)
    }

    /// The resource is busy with another action (`locked`).
    pub fn is_locked(&self) -> bool {
        self.check(hcloud_core::Error::is_locked)
    }

    /// The resource is protected against this action (`protected`).
    pub fn is_protected(&self) -> bool {
        self.check(hcloud_core::Error::is_protected)
    }

    /// The rate limit is exhausted (`rate_limit_exceeded`), even after the retries.
    pub fn is_rate_limited(&self) -> bool {
        self.check(hcloud_core::Error::is_rate_limited)
    }

    /// The API side failed (`server_error`, `bad_gateway`, `unavailable`, `timeout`, or a
    /// non-JSON 5xx answer).
    pub fn is_server_error(&self) -> bool {
        self.check(hcloud_core::Error::is_server_error)
    }

    /// An awaited action ended in `error`.
    pub fn is_action_failed(&self) -> bool {
        self.check(hcloud_core::Error::is_action_failed)
    }

    /// A wait ran out of attempts or time.
    pub fn is_wait_exhausted(&self) -> bool {
        self.check(hcloud_core::Error::is_wait_exhausted)
    }

    /// The transport failed.
    pub fn is_transport(&self) -> bool {
        self.check(hcloud_core::Error::is_transport)
    }

    /// The client could not be configured (see [`Error::Config`]).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Config(_))
    }

    /// Trying the same request again later may succeed (see
    /// [`hcloud_core::Error::is_retryable`]). The client already retried per its
    /// [`RetryPolicy`](hcloud_core::RetryPolicy) before returning this.
    pub fn is_retryable(&self) -> bool {
        self.check(hcloud_core::Error::is_retryable)
    }

    /// The API error code, when this is an API error.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.core().and_then(hcloud_core::Error::code)
    }

    /// The API error, when this is one.
    pub fn api(&self) -> Option<&ApiError> {
        self.core().and_then(hcloud_core::Error::api)
    }

    /// The HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.core().and_then(hcloud_core::Error::status)
    }

    /// The `X-Correlation-Id` of the response behind this error, to quote to support.
    pub fn correlation_id(&self) -> Option<&str> {
        self.core().and_then(hcloud_core::Error::correlation_id)
    }

    /// The transport failure, when this is one (with or without a concrete source).
    pub fn transport_failure(&self) -> Option<TransportFailure> {
        match self {
            Error::Transport { failure, .. } => Some(*failure),
            Error::Core(hcloud_core::Error::Transport(failure)) => Some(*failure),
            _ => None,
        }
    }
}
