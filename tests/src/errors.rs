//! Every documented error code written out by hand: its wire string, the variant it must
//! become, the HTTP status it comes with, which classification helpers answer yes for it, and
//! whether it is worth another attempt.
//!
//! Tests compare the SDK against this table rather than against the SDK's own
//! `ErrorCode::from_wire`, so a swapped or misspelt wire string shows up.

use hcloud_core::ErrorCode;

/// The classification helpers of `hcloud_core::Error`, by name.
pub const HELPERS: &[&str] = &[
    "is_not_found",
    "is_authentication",
    "is_forbidden",
    "is_invalid_input",
    "is_uniqueness",
    "is_locked",
    "is_protected",
    "is_rate_limited",
    "is_server_error",
];

/// One documented error code.
#[derive(Clone, Debug)]
pub struct CodeRow {
    /// The `error.code` string the API sends.
    pub wire: &'static str,
    /// The variant it must parse to.
    pub code: ErrorCode,
    /// The HTTP status the API sends it with.
    pub status: u16,
    /// The helpers (of [`HELPERS`]) that answer `true` for an API error with this code.
    pub helpers: &'static [&'static str],
    /// Whether trying again may succeed (`Error::is_retryable`).
    pub retryable: bool,
    /// Whether a request that may already have been carried out is resent after it even when
    /// the operation is not idempotent: the API refused it before acting.
    pub refused_before_acting: bool,
}

const fn row(
    wire: &'static str,
    code: ErrorCode,
    status: u16,
    helpers: &'static [&'static str],
    retryable: bool,
    refused_before_acting: bool,
) -> CodeRow {
    CodeRow { wire, code, status, helpers, retryable, refused_before_acting }
}

/// The table: every code of the API's error documentation.
pub fn error_codes() -> Vec<CodeRow> {
    use ErrorCode::*;
    vec![
        row("json_error", JsonError, 400, &["is_invalid_input"], false, false),
        row("unauthorized", Unauthorized, 401, &["is_authentication"], false, false),
        row("token_readonly", TokenReadonly, 401, &["is_authentication"], false, false),
        row("forbidden", Forbidden, 403, &["is_forbidden"], false, false),
        row("maintenance", Maintenance, 403, &[], false, false),
        row("resource_limit_exceeded", ResourceLimitExceeded, 403, &[], false, false),
        row("not_found", NotFound, 404, &["is_not_found"], false, false),
        row("method_not_allowed", MethodNotAllowed, 405, &[], false, false),
        row("uniqueness_error", UniquenessError, 409, &["is_uniqueness"], false, false),
        row("conflict", Conflict, 409, &[], true, true),
        row("deprecated_api_endpoint", DeprecatedApiEndpoint, 410, &[], false, false),
        row("resource_unavailable", ResourceUnavailable, 412, &[], false, false),
        row("invalid_input", InvalidInput, 422, &["is_invalid_input"], false, false),
        row("service_error", ServiceError, 422, &[], false, false),
        row("unsupported_error", UnsupportedError, 422, &[], false, false),
        row("locked", Locked, 423, &["is_locked"], false, false),
        row("protected", Protected, 423, &["is_protected"], false, false),
        row("rate_limit_exceeded", RateLimitExceeded, 429, &["is_rate_limited"], true, true),
        row("server_error", ServerError, 500, &["is_server_error"], false, false),
        row("bad_gateway", BadGateway, 502, &["is_server_error"], true, false),
        row("unavailable", Unavailable, 503, &["is_server_error"], false, false),
        row("timeout", Timeout, 504, &["is_server_error"], true, false),
    ]
}

/// The variant the table gives for `wire`; panics for a code the table does not have.
pub fn code_of(wire: &str) -> ErrorCode {
    error_codes()
        .into_iter()
        .find(|row| row.wire == wire)
        .map(|row| row.code)
        .unwrap_or_else(|| panic!("{wire} is not in the test kit's error table"))
}

/// What `helper` (one of [`HELPERS`]) says of `error`.
pub fn helper(error: &hcloud_core::Error, helper: &str) -> bool {
    match helper {
        "is_not_found" => error.is_not_found(),
        "is_authentication" => error.is_authentication(),
        "is_forbidden" => error.is_forbidden(),
        "is_invalid_input" => error.is_invalid_input(),
        "is_uniqueness" => error.is_uniqueness(),
        "is_locked" => error.is_locked(),
        "is_protected" => error.is_protected(),
        "is_rate_limited" => error.is_rate_limited(),
        "is_server_error" => error.is_server_error(),
        other => panic!("no helper {other}"),
    }
}
