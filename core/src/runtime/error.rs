//! Typed errors: API errors classified by code, undecodable responses, invalid input caught
//! before sending, transport failures as the core sees them, and the outcomes of waiting.

use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::ids::ActionId;
use crate::open_enum::open_enum;
use crate::runtime::text::{self, shown};

open_enum! {
    /// The machine-readable `error.code` of an API error (the spec's error table).
    ErrorCode {
        /// 400: the request body is not valid JSON.
        JsonError => "json_error",
        /// 401: the token is invalid or unknown.
        Unauthorized => "unauthorized",
        /// 401: the token may only perform GET requests.
        TokenReadonly => "token_readonly",
        /// 403: insufficient permissions.
        Forbidden => "forbidden",
        /// 403: maintenance prevents the operation.
        Maintenance => "maintenance",
        /// 403: a per-account quota is exhausted.
        ResourceLimitExceeded => "resource_limit_exceeded",
        /// 404: the entity does not exist.
        NotFound => "not_found",
        /// 405: the method is not allowed on this path.
        MethodNotAllowed => "method_not_allowed",
        /// 409: a field that must be unique is not.
        UniquenessError => "uniqueness_error",
        /// 409: the resource changed during the request; retrying is safe.
        Conflict => "conflict",
        /// 410: the endpoint's functionality was removed.
        DeprecatedApiEndpoint => "deprecated_api_endpoint",
        /// 412: the resource is currently unavailable (for example not orderable).
        ResourceUnavailable => "resource_unavailable",
        /// 422: the input could not be parsed or processed.
        InvalidInput => "invalid_input",
        /// 422: a service failed.
        ServiceError => "service_error",
        /// 422: the resource does not support this action.
        UnsupportedError => "unsupported_error",
        /// 423: an action is already running on the resource.
        Locked => "locked",
        /// 423: the resource is protected against this action.
        Protected => "protected",
        /// 429: the rate limit is exhausted.
        RateLimitExceeded => "rate_limit_exceeded",
        /// 500: the API backend failed.
        ServerError => "server_error",
        /// 502: the backend did not answer; retrying is safe.
        BadGateway => "bad_gateway",
        /// 503: a service or product is unavailable.
        Unavailable => "unavailable",
        /// 504: the backend did not answer in time; retrying is safe.
        Timeout => "timeout",
    }
}

/// One field named in `invalid_input` or `uniqueness_error` details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name.
    pub name: String,
    /// What is wrong with it (empty for uniqueness errors).
    #[serde(default)]
    pub messages: Vec<String>,
}

/// One limit named in `resource_limit_exceeded` details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitError {
    /// The limit's name, such as `project_limit`.
    pub name: String,
}

/// The `error.details` object, typed by error code.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetails {
    /// Fields that were invalid (`invalid_input`) or not unique (`uniqueness_error`).
    Fields(Vec<FieldError>),
    /// Limits that were exceeded (`resource_limit_exceeded`).
    Limits(Vec<LimitError>),
    /// Where the removal of an endpoint was announced (`deprecated_api_endpoint`).
    Announcement(String),
    /// Details of a shape this version does not model, kept as JSON.
    Other(serde_json::Value),
}

impl ErrorDetails {
    pub(crate) fn from_json(code: &ErrorCode, value: serde_json::Value) -> Option<Self> {
        #[derive(Deserialize)]
        struct Fields {
            fields: Vec<FieldError>,
        }
        #[derive(Deserialize)]
        struct Limits {
            limits: Vec<LimitError>,
        }
        #[derive(Deserialize)]
        struct Announcement {
            announcement: String,
        }
        if value.is_null() {
            return None;
        }
        let typed = match code {
            ErrorCode::InvalidInput | ErrorCode::UniquenessError => {
                Fields::deserialize(&value).ok().map(|d| ErrorDetails::Fields(d.fields))
            }
            ErrorCode::ResourceLimitExceeded => {
                Limits::deserialize(&value).ok().map(|d| ErrorDetails::Limits(d.limits))
            }
            ErrorCode::DeprecatedApiEndpoint => {
                Announcement::deserialize(&value).ok().map(|d| ErrorDetails::Announcement(d.announcement))
            }
            _ => None,
        };
        Some(typed.unwrap_or(ErrorDetails::Other(value)))
    }
}

/// An error the API reported in its JSON error envelope.
///
/// Its `Display` shows the server's code and message with control characters escaped and at
/// most a few hundred characters; the fields keep the text as sent (up to 4096 characters).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("API error {} (HTTP {status}): {}", shown(.code.as_str()), shown(.message))]
pub struct ApiError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The error code; classify by this, not by `status`.
    pub code: ErrorCode,
    /// The human-readable message.
    pub message: String,
    /// Typed details, when the API sent any.
    pub details: Option<ErrorDetails>,
    /// The `X-Correlation-Id` of the response, to quote to support.
    pub correlation_id: Option<String>,
}

impl ApiError {
    /// The fields named in the details of `invalid_input` or `uniqueness_error`.
    pub fn fields(&self) -> &[FieldError] {
        match &self.details {
            Some(ErrorDetails::Fields(fields)) => fields,
            _ => &[],
        }
    }
}

/// Input rejected before any request was built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct InputError {
    /// The field at fault, such as `name` or `labels["env"]`.
    pub field: String,
    /// Why it was rejected.
    pub reason: String,
}

impl InputError {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

/// A response body that did not have the expected shape.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "could not decode the response (HTTP {status}, {} bytes) at `{}`: {}",
    .body.len(),
    shown(.path),
    shown(.message)
)]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The JSON path where decoding failed, such as `servers[3].created`.
    pub path: String,
    /// What the decoder expected.
    pub message: String,
    /// The whole body, for diagnosis. It may hold secrets (a create's root password), so its
    /// `Debug` shows only its length and a redacted excerpt.
    pub body: ResponseBody,
    /// The `X-Correlation-Id` of the response.
    pub correlation_id: Option<String>,
}

/// The shortest secret searched for in server-sent text.
const MIN_HIDDEN_CHARS: usize = 8;

/// The bytes of a response, kept in an error for diagnosis.
///
/// A body can hold secrets: the root password of a create whose answer failed to decode, or
/// a token a misbehaving server echoed. So its `Debug` shows only its length and a short
/// excerpt in which every JSON member named like a secret (`root_password`, `password`,
/// `token`, `private_key`, …) is replaced by `<redacted>`, also in a body cut off
/// mid-transfer, and the token of the request is hidden. Read the bytes with
/// [`expose`](Self::expose).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ResponseBody {
    bytes: Vec<u8>,
    // Boxed: errors stay small, and there is at most one (the request's token).
    hidden: Option<Box<crate::secret::Secret>>,
}

impl ResponseBody {
    /// Keeps `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self { bytes, hidden: None }
    }

    /// The bytes as received.
    pub fn expose(&self) -> &[u8] {
        &self.bytes
    }

    /// Their number.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// A short excerpt, safe to log: secrets redacted, control characters escaped, at most
    /// 200 characters.
    pub fn excerpt(&self) -> String {
        let hidden: Vec<&str> = self.hidden.iter().map(|s| s.expose()).collect();
        text::redacted_excerpt(&self.bytes, &hidden, text::EXCERPT_CHARS)
    }

    fn hide(&mut self, secret: &str) {
        if secret.chars().count() >= MIN_HIDDEN_CHARS {
            self.hidden = Some(Box::new(crate::secret::Secret::new(secret)));
        }
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseBody").field("len", &self.len()).field("excerpt", &self.excerpt()).finish()
    }
}

/// What kind of transport failure the driver observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportFailureKind {
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// The request or the response took longer than allowed.
    Timeout,
    /// Anything else (a reset connection, a truncated response, an I/O error).
    Other,
    /// The response was longer than the client accepts. Asking again would get the same.
    TooLarge,
}

/// A transport failure as the core sees it: its kind, and whether the request may have
/// reached the server. The driver keeps the concrete error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TransportFailure {
    /// The kind of failure.
    pub kind: TransportFailureKind,
    /// `true` when some or all of the request may have been sent, so the server may have
    /// acted on it. `false` when it certainly was not (for example a refused connection).
    pub maybe_sent: bool,
}

impl TransportFailure {
    /// A failure before anything was sent.
    pub const fn connect() -> Self {
        Self { kind: TransportFailureKind::Connect, maybe_sent: false }
    }

    /// A timeout after the request may have been sent.
    pub const fn timeout() -> Self {
        Self { kind: TransportFailureKind::Timeout, maybe_sent: true }
    }

    /// Some other failure after the request may have been sent.
    pub const fn other() -> Self {
        Self { kind: TransportFailureKind::Other, maybe_sent: true }
    }
}

impl TransportFailure {
    /// The failure described for a request to `host`, such as `could not connect to
    /// 127.0.0.1:9`.
    pub fn to<'a>(&'a self, host: Option<&'a str>) -> impl std::fmt::Display + 'a {
        ToHost { failure: self, host }
    }
}

struct ToHost<'a> {
    failure: &'a TransportFailure,
    host: Option<&'a str>,
}

impl std::fmt::Display for ToHost<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, link) = match self.failure.kind {
            TransportFailureKind::Connect => ("could not connect", " to"),
            TransportFailureKind::Timeout => ("timed out", " waiting for"),
            TransportFailureKind::Other => ("transport failed", " talking to"),
            TransportFailureKind::TooLarge => ("the response was larger than the client accepts", " from"),
        };
        f.write_str(kind)?;
        if let Some(host) = self.host {
            write!(f, "{link} {}", shown(host))?;
        }
        if self.failure.maybe_sent {
            f.write_str(" (the request may have been sent)")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to(None).fmt(f)
    }
}

fn differences_text(differences: &[crate::recover::Difference]) -> String {
    let parts: Vec<String> = differences.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

/// Why a wait stopped before its goal was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitLimit {
    /// The attempt limit was used up.
    Attempts(u32),
    /// The deadline passed.
    Deadline,
}

/// Every error the core produces.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with its JSON error envelope.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The API (or a proxy in front of it) answered with an error status and a body that is
    /// not the JSON error envelope, such as an HTML 502 page.
    #[error("unexpected HTTP {status} response: {}", shown(.excerpt))]
    UnexpectedResponse {
        /// The HTTP status.
        status: StatusCode,
        /// The first characters of the body, lossily decoded, with secrets redacted and
        /// control characters escaped.
        excerpt: String,
        /// The `X-Correlation-Id`, when present.
        correlation_id: Option<String>,
    },
    /// A successful response whose body could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Input rejected before anything was sent.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The transport failed and the failure was not (or no longer) retried.
    #[error("{0}")]
    Transport(TransportFailure),
    /// An action the caller waited for ended in `error`.
    #[error("action {id} ({}) failed: {}: {}", shown(.command), shown(.code), shown(.message))]
    ActionFailed {
        /// The failed action.
        id: ActionId,
        /// Its command, such as `start_server`.
        command: String,
        /// The action's error code.
        code: String,
        /// The action's error message.
        message: String,
    },
    /// Waiting stopped at its attempt limit or deadline before the goal was reached.
    #[error("gave up waiting for {what} after {attempts} polls ({limit:?})")]
    WaitExhausted {
        /// What was awaited, such as `server 42 to be running`.
        what: String,
        /// How many polls were made.
        attempts: u32,
        /// Which limit ended the wait.
        limit: WaitLimit,
    },
    /// The API did not return actions that were asked for.
    #[error("the API returned no action for ids {0:?}")]
    MissingActions(Vec<ActionId>),
    /// A list response's `next_page` did not move forward, which would loop forever.
    #[error("pagination did not advance: page {page} pointed to next page {next}")]
    PaginationStalled {
        /// The page just fetched.
        page: u64,
        /// The `next_page` it named.
        next: u64,
    },
    /// A create's outcome was unknown (see [`Error::outcome_unknown`]); its resource was
    /// looked up by name and does not exist: nothing was created, and creating again is safe.
    #[error("nothing was created: no {kind} named {} exists after the create's outcome was unknown ({cause})", shown(.name))]
    NotCreated {
        /// The kind of resource, such as `server`.
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// What left the outcome unknown.
        cause: Box<Error>,
    },
    /// A create's outcome was unknown (see [`Error::outcome_unknown`]); a resource of the
    /// name asked for exists but does not match the request, so it is not taken for the one
    /// asked for: it may be older, or someone else's.
    #[error(
        "{kind} {id} is named {} but does not match the create whose outcome was unknown ({cause}): {}",
        shown(.name),
        differences_text(.differences)
    )]
    CreateConflict {
        /// The kind of resource, such as `server`.
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// The id of the resource found.
        id: u64,
        /// How it differs from the request.
        differences: Vec<crate::recover::Difference>,
        /// What left the outcome unknown.
        cause: Box<Error>,
    },
    /// A walk of a list fetched as many pages as it may ([`Config::max_pages`]) and the
    /// list had not ended: a server whose `next_page` never ends, or a list longer than
    /// expected.
    ///
    /// [`Config::max_pages`]: crate::Config::max_pages
    #[error(
        "stopped after {limit} pages: the list did not end (if it really is this long, raise Config::with_max_pages)"
    )]
    TooManyPages {
        /// The page cap that was reached.
        limit: u64,
    },
    /// A machine was driven against its contract (polled while a request was in flight, or
    /// after it had finished).
    #[error("machine misuse: {0}")]
    Misuse(String),
}

impl Error {
    /// The API error code, when this is an API error.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// The API error, when this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::Decode(decode) => Some(decode.status),
            _ => None,
        }
    }

    /// The `X-Correlation-Id` of the response behind this error.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.correlation_id.as_deref(),
            Error::UnexpectedResponse { correlation_id, .. } => correlation_id.as_deref(),
            Error::Decode(decode) => decode.correlation_id.as_deref(),
            _ => None,
        }
    }

    fn has_code(&self, code: ErrorCode) -> bool {
        self.code() == Some(&code)
    }

    /// The resource does not exist (`not_found`).
    pub fn is_not_found(&self) -> bool {
        self.has_code(ErrorCode::NotFound)
    }

    /// The token was rejected (`unauthorized`) or may not write (`token_readonly`).
    pub fn is_authentication(&self) -> bool {
        self.has_code(ErrorCode::Unauthorized) || self.has_code(ErrorCode::TokenReadonly)
    }

    /// The token lacks permission (`forbidden`).
    pub fn is_forbidden(&self) -> bool {
        self.has_code(ErrorCode::Forbidden)
    }

    /// The input was invalid: rejected locally before sending, or by the API
    /// (`invalid_input`, `json_error`).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::Input(_))
            || self.has_code(ErrorCode::InvalidInput)
            || self.has_code(ErrorCode::JsonError)
    }

    /// A unique field collided (`uniqueness_error`).
    pub fn is_uniqueness(&self) -> bool {
        self.has_code(ErrorCode::UniquenessError)
    }

    /// The resource is busy with another action (`locked`).
    pub fn is_locked(&self) -> bool {
        self.has_code(ErrorCode::Locked)
    }

    /// The resource is protected against this action (`protected`).
    pub fn is_protected(&self) -> bool {
        self.has_code(ErrorCode::Protected)
    }

    /// The rate limit is exhausted (`rate_limit_exceeded`).
    pub fn is_rate_limited(&self) -> bool {
        self.has_code(ErrorCode::RateLimitExceeded)
    }

    /// The API side failed (`server_error`, `bad_gateway`, `unavailable`, `timeout`, or a
    /// non-JSON 5xx answer).
    pub fn is_server_error(&self) -> bool {
        match self {
            Error::Api(api) => matches!(
                api.code,
                ErrorCode::ServerError | ErrorCode::BadGateway | ErrorCode::Unavailable | ErrorCode::Timeout
            ),
            Error::UnexpectedResponse { status, .. } => status.is_server_error(),
            _ => false,
        }
    }

    /// An awaited action ended in `error`.
    pub fn is_action_failed(&self) -> bool {
        matches!(self, Error::ActionFailed { .. })
    }

    /// A wait ran out of attempts or time.
    pub fn is_wait_exhausted(&self) -> bool {
        matches!(self, Error::WaitExhausted { .. })
    }

    /// A create's outcome was unknown, and a lookup by name showed that nothing was created
    /// ([`Error::NotCreated`]).
    pub fn is_not_created(&self) -> bool {
        matches!(self, Error::NotCreated { .. })
    }

    /// A create's outcome was unknown, and a resource of that name exists that does not
    /// match the request ([`Error::CreateConflict`]).
    pub fn is_create_conflict(&self) -> bool {
        matches!(self, Error::CreateConflict { .. })
    }

    /// The transport failed.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport(_))
    }

    /// Trying the same request again later may succeed: the codes `conflict`,
    /// `rate_limit_exceeded`, `bad_gateway` and `timeout`, a bare 502 or 504 from a proxy,
    /// and transport timeouts or refused connections.
    ///
    /// This says nothing about whether resending is *safe*; [`crate::retry`] also weighs
    /// whether the request may already have been carried out.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => matches!(
                api.code,
                ErrorCode::Conflict
                    | ErrorCode::RateLimitExceeded
                    | ErrorCode::BadGateway
                    | ErrorCode::Timeout
            ),
            Error::UnexpectedResponse { status, .. } => {
                *status == StatusCode::BAD_GATEWAY || *status == StatusCode::GATEWAY_TIMEOUT
            }
            // Nothing was created: trying again may well succeed.
            Error::NotCreated { cause, .. } => cause.is_retryable(),
            Error::Transport(failure) => match failure.kind {
                TransportFailureKind::Timeout | TransportFailureKind::Connect => true,
                // A reset or a truncated answer: the next attempt may well get through. When
                // nothing was sent, the request could not even be formed, and would fail again.
                TransportFailureKind::Other => failure.maybe_sent,
                _ => false,
            },
            _ => false,
        }
    }

    /// Replaces `secret` (the token of the request) wherever server-sent text in this error
    /// could hold it: a misbehaving server may echo what it was sent. Secrets shorter than
    /// [`MIN_HIDDEN_CHARS`] are left alone: they would match ordinary text, and are no
    /// secret anyway (API tokens are 64 characters).
    pub(crate) fn without_secret(mut self, secret: &str) -> Error {
        if secret.chars().count() < MIN_HIDDEN_CHARS {
            return self;
        }
        let scrub = |text: &mut String| {
            if text.contains(secret) {
                *text = text::without(text, &[secret]);
            }
        };
        match &mut self {
            Error::Api(api) => {
                scrub(&mut api.message);
                if let ErrorCode::Other(code) = &mut api.code {
                    scrub(code);
                }
                if let Some(id) = &mut api.correlation_id {
                    scrub(id);
                }
            }
            Error::UnexpectedResponse { excerpt, correlation_id, .. } => {
                scrub(excerpt);
                if let Some(id) = correlation_id {
                    scrub(id);
                }
            }
            Error::Decode(decode) => {
                scrub(&mut decode.path);
                scrub(&mut decode.message);
                decode.body.hide(secret);
                if let Some(id) = &mut decode.correlation_id {
                    scrub(id);
                }
            }
            Error::ActionFailed { command, code, message, .. } => {
                scrub(command);
                scrub(code);
                scrub(message);
            }
            _ => {}
        }
        self
    }
}
