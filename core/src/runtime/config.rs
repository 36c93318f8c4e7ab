//! Client configuration: token, endpoint, API version and user agent.

use crate::client_error::ClientError;
use crate::error::{Error, InputError};

/// The production endpoint of the Hetzner Cloud API.
pub const DEFAULT_ENDPOINT: &str = "https://api.hetzner.cloud/v1";

/// How many pages a walk of a list fetches at most, unless
/// [`Config::with_max_pages`] says otherwise: 10,000 pages of 50 entries.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// An API token. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Checks that `secret` can travel in an `Authorization` header: non-empty, visible ASCII,
    /// no whitespace.
    pub fn new(secret: impl Into<String>) -> Result<Self, Error> {
        let secret = secret.into();
        Self::check(&secret).map_err(|reason| InputError::new("token", reason))?;
        Ok(Self(secret))
    }

    /// Why `secret` cannot be a token, if it cannot. The reason never repeats the secret.
    fn check(secret: &str) -> Result<(), String> {
        if secret.is_empty() {
            return Err("must not be empty".to_owned());
        }
        let Some((position, bad)) = secret.chars().enumerate().find(|(_, c)| !c.is_ascii_graphic()) else {
            return Ok(());
        };
        let what = match bad {
            '\n' | '\r' => "a line break",
            ' ' | '\t' => "whitespace",
            c if c.is_control() => "a control character",
            _ => "a character outside visible ASCII",
        };
        let mut reason = format!(
            "contains {what} ({bad:?}) at position {}, which cannot be sent in an HTTP header \
             (only visible ASCII characters can)",
            position + 1
        );
        if bad == '\n' && position + 1 == secret.chars().count() {
            reason.push_str("; a trailing newline often comes from reading the token from a file");
        }
        Err(reason)
    }

    /// The secret itself, for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Everything the core needs to turn an operation into a request.
#[derive(Clone, Debug)]
pub struct Config {
    token: Token,
    endpoint: String,
    application: Option<(String, String)>,
    plain_http: bool,
    max_pages: u64,
}

impl Config {
    /// A configuration for the production API with the given token.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            token: Token::new(token)?,
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            application: None,
            plain_http: false,
            max_pages: DEFAULT_MAX_PAGES,
        })
    }

    /// A configuration from `HCLOUD_TOKEN` (required) and `HCLOUD_ENDPOINT` (optional), read
    /// through `lookup` so the core itself never touches the environment; clients pass
    /// `|name| std::env::var(name).ok()`.
    ///
    /// Errors: [`ClientError::Config`] naming `HCLOUD_TOKEN` when it is missing or empty; an
    /// input error whose field is the variable's name when the token or the endpoint is
    /// malformed (the endpoint's value is repeated, a token never is).
    pub fn from_variables(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ClientError> {
        let token = match lookup("HCLOUD_TOKEN") {
            None => {
                return Err(ClientError::Config(
                    "the environment variable HCLOUD_TOKEN is not set; set it to an API token of your project"
                        .into(),
                ))
            }
            Some(token) if token.trim().is_empty() => {
                return Err(ClientError::Config(
                    "the environment variable HCLOUD_TOKEN is set but empty; set it to an API token of your project"
                        .into(),
                ))
            }
            Some(token) => token,
        };
        let config = Config::new(token).map_err(|error| rename_field(error, "HCLOUD_TOKEN", None))?;
        match lookup("HCLOUD_ENDPOINT").filter(|e| !e.trim().is_empty()) {
            Some(endpoint) => {
                let shown = shown_endpoint(&endpoint);
                Ok(config
                    .with_endpoint(endpoint)
                    .map_err(|e| rename_field(e, "HCLOUD_ENDPOINT", Some(&shown)))?)
            }
            None => Ok(config),
        }
    }

    /// Points the client at another base URL (a proxy, a simulator, a mock server).
    ///
    /// The URL must be `https://` with a host, and no query, fragment or user info (the
    /// token travels in a header); surrounding whitespace and a trailing `/` are dropped. It
    /// replaces the whole base including the `/v1` path. Plain `http://` is accepted for
    /// loopback hosts (`localhost`, `127.0.0.1`, `[::1]`) only, since it would send the token
    /// unencrypted; call [`allow_plain_http`](Self::allow_plain_http) first for another host
    /// on a network you trust.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Result<Self, Error> {
        let endpoint = endpoint.into();
        self.endpoint = check_endpoint(&endpoint, self.plain_http)
            .map_err(|reason| InputError::new("endpoint", reason))?;
        Ok(self)
    }

    /// Accepts plain `http://` endpoints on any host, not only loopback. The token then
    /// crosses the network unencrypted: only for a network you trust.
    pub fn allow_plain_http(mut self) -> Self {
        self.plain_http = true;
        self
    }

    /// Caps how many pages one walk of a list fetches, whatever the server's answers say
    /// (default [`DEFAULT_MAX_PAGES`]); a walk that would go further fails with
    /// [`Error::TooManyPages`].
    pub fn with_max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// How many pages one walk of a list fetches at most.
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Selects the API version. Version 1 is the only one the API has; anything else is an
    /// error rather than a silently ignored setting.
    pub fn with_api_version(self, version: u32) -> Result<Self, Error> {
        if version == 1 {
            Ok(self)
        } else {
            Err(InputError::new(
                "api_version",
                format!("version {version} does not exist; the Hetzner Cloud API has only version 1"),
            )
            .into())
        }
    }

    /// Names the application in the `User-Agent` header, ahead of this SDK's own name.
    pub fn with_application(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.application = Some((name.into(), version.into()));
        self
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The base URL requests are sent to, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The `User-Agent` value: `app/version hcloud-rust/x.y.z`, or just the SDK's part.
    pub fn user_agent(&self) -> String {
        let sdk = concat!("hcloud-rust/", env!("CARGO_PKG_VERSION"));
        match &self.application {
            Some((name, version)) if version.is_empty() => format!("{name} {sdk}"),
            Some((name, version)) => format!("{name}/{version} {sdk}"),
            None => sdk.to_owned(),
        }
    }
}

/// The checked, normalised endpoint, or why it is refused. The reason never repeats the URL
/// (it may hold a password); callers that can show it safely add it.
fn check_endpoint(raw: &str, plain_http: bool) -> Result<String, String> {
    const EXAMPLE: &str = "such as https://api.hetzner.cloud/v1";
    let trimmed = raw.trim();
    // Trailing slashes go, but not those of the scheme itself (`https://`).
    let trimmed = match trimmed.split_once("://") {
        Some((scheme, rest)) => &trimmed[..scheme.len() + 3 + rest.trim_end_matches('/').len()],
        None => trimmed.trim_end_matches('/'),
    };
    if trimmed.is_empty() {
        return Err(format!("is empty; give the API's base URL, {EXAMPLE}"));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains whitespace or control characters".to_owned());
    }
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(format!("must start with https:// (or http:// for a local test server), {EXAMPLE}"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "must start with https:// (or http:// for a local test server), not {scheme}://"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(
            "must not carry user info (user:password@); the API takes its token in a header".to_owned()
        );
    }
    if authority.is_empty() {
        return Err(format!("must name a host after {scheme}://, {EXAMPLE}"));
    }
    if trimmed.contains('#') {
        return Err(
            "must not carry a fragment (#...): the requests would all go to the part before it".to_owned()
        );
    }
    if trimmed.contains('?') {
        return Err("must not carry a query (?...)".to_owned());
    }
    let uri: http::Uri = trimmed.parse().map_err(|e| format!("is not a URL: {e}"))?;
    let host = uri.host().unwrap_or_default();
    if host.is_empty() {
        return Err(format!("must name a host after {scheme}://, {EXAMPLE}"));
    }
    if scheme == "http" && !plain_http && !is_loopback(host) {
        return Err(format!(
            "uses plain http:// for {host}, which would send the token unencrypted; use https://, \
             or call Config::allow_plain_http first for a network you trust (http:// is accepted \
             for localhost, 127.0.0.1 and [::1])"
        ));
    }
    Ok(trimmed.to_owned())
}

/// `localhost` (and names below it), `127.0.0.0/8` and `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return true;
    }
    host.parse::<core::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An endpoint as it may be shown in a message: user info replaced, control characters
/// escaped, the length capped.
fn shown_endpoint(raw: &str) -> String {
    let redacted = match raw.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{scheme}://<redacted>{}", &rest[at..]),
                None => raw.to_owned(),
            }
        }
        None => raw.to_owned(),
    };
    format!("\"{}\"", crate::runtime::text::shown(&redacted))
}

/// The same input error, now naming the environment variable (and its value, when it may be
/// shown) instead of the field.
fn rename_field(error: Error, variable: &str, value: Option<&str>) -> Error {
    match error {
        Error::Input(input) => {
            let reason = match value {
                Some(value) => format!("{value} {}", input.reason),
                None => input.reason,
            };
            InputError::new(variable, reason).into()
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<Config, Error>) -> String {
        match result {
            Err(Error::Input(input)) => input.field,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn tokens_must_fit_in_a_header_and_never_show_in_debug() {
        assert_eq!(field(Config::new("")), "token");
        assert_eq!(field(Config::new("abc\ndef")), "token");
        assert_eq!(field(Config::new("abc def")), "token");
        assert_eq!(field(Config::new("tök")), "token");
        let cfg = Config::new("s3cr3t-T0ken").unwrap();
        assert!(!format!("{cfg:?}").contains("s3cr3t"));
        assert_eq!(cfg.token().expose(), "s3cr3t-T0ken");
    }

    #[test]
    fn endpoints_are_checked_and_normalised() {
        let cfg = Config::new("t").unwrap();
        assert_eq!(cfg.endpoint(), DEFAULT_ENDPOINT);
        let local = cfg.clone().with_endpoint("http://127.0.0.1:8080/v1/").unwrap();
        assert_eq!(local.endpoint(), "http://127.0.0.1:8080/v1");
        assert_eq!(field(cfg.clone().with_endpoint("ftp://x")), "endpoint");
        assert_eq!(field(cfg.clone().with_endpoint("not a url")), "endpoint");
        assert_eq!(field(cfg.clone().with_endpoint("https://x/v1?a=b")), "endpoint");
    }

    fn reason(result: Result<Config, Error>) -> String {
        match result {
            Err(Error::Input(input)) => input.reason,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn plain_http_is_for_loopback_unless_allowed() {
        let cfg = Config::new("t").unwrap();
        for local in
            ["http://127.0.0.1:8080/v1", "http://localhost/v1", "http://[::1]:9/v1", "http://127.8.9.10/v1"]
        {
            assert_eq!(cfg.clone().with_endpoint(local).unwrap().endpoint(), local);
        }
        for remote in ["http://api.hetzner.cloud/v1", "http://10.0.0.5:8080/v1", "http://[2001:db8::1]/v1"] {
            let why = reason(cfg.clone().with_endpoint(remote));
            assert!(why.contains("plain http://") && why.contains("unencrypted"), "{remote}: {why}");
        }
        let allowed = cfg.allow_plain_http().with_endpoint("http://10.0.0.5:8080/v1").unwrap();
        assert_eq!(allowed.endpoint(), "http://10.0.0.5:8080/v1");
    }

    #[test]
    fn endpoints_with_a_fragment_user_info_or_no_host_are_refused_with_a_reason() {
        let cfg = Config::new("t").unwrap();
        assert!(reason(cfg.clone().with_endpoint("https://x.example/v1#frag")).contains("fragment"));
        let userinfo = reason(cfg.clone().with_endpoint("http://user:pa55@127.0.0.1/v1"));
        assert!(userinfo.contains("user info") && !userinfo.contains("pa55"), "{userinfo}");
        assert!(reason(cfg.clone().with_endpoint("https://")).contains("must name a host"));
        assert!(reason(cfg.clone().with_endpoint("https:///v1")).contains("must name a host"));
        assert!(
            reason(cfg.clone().with_endpoint("api.hetzner.cloud/v1")).contains("must start with https://")
        );
        assert!(reason(cfg.clone().with_endpoint("")).contains("is empty"));
        assert!(reason(cfg.clone().with_endpoint("https://a b/v1")).contains("whitespace"));
        let trimmed = cfg.with_endpoint("  https://x.example/v1/ \n").unwrap();
        assert_eq!(trimmed.endpoint(), "https://x.example/v1");
    }

    #[test]
    fn a_bad_token_is_described_plainly_and_never_repeated() {
        let why = reason(Config::new("s3cret-abc\n"));
        assert!(why.contains("a line break ('\\n')"), "{why}");
        assert!(why.contains("trailing newline"), "{why}");
        assert!(!why.contains("\\\\") && !why.contains("s3cret"), "{why}");
        assert!(reason(Config::new("a b")).contains("whitespace (' ') at position 2"));
    }

    #[test]
    fn variables_name_the_variable_and_show_the_endpoint_without_its_password() {
        let error = Config::from_variables(lookup(&[("HCLOUD_TOKEN", "")])).unwrap_err().to_string();
        assert!(error.contains("HCLOUD_TOKEN is set but empty"), "{error}");
        let error = Config::from_variables(lookup(&[])).unwrap_err().to_string();
        assert!(error.contains("HCLOUD_TOKEN is not set"), "{error}");
        let vars = [("HCLOUD_TOKEN", "abc"), ("HCLOUD_ENDPOINT", "ftp://x/v1")];
        let error = Config::from_variables(lookup(&vars)).unwrap_err().to_string();
        assert!(error.contains("HCLOUD_ENDPOINT") && error.contains("\"ftp://x/v1\""), "{error}");
        let vars = [("HCLOUD_TOKEN", "abc"), ("HCLOUD_ENDPOINT", "http://me:pa55@127.0.0.1/v1")];
        let error = Config::from_variables(lookup(&vars)).unwrap_err().to_string();
        assert!(error.contains("http://<redacted>@127.0.0.1/v1") && !error.contains("pa55"), "{error}");
        let vars = [("HCLOUD_TOKEN", "abc\n")];
        let error = Config::from_variables(lookup(&vars)).unwrap_err().to_string();
        assert!(error.starts_with("invalid HCLOUD_TOKEN: contains a line break"), "{error}");
        let vars = [("HCLOUD_TOKEN", "abc"), ("HCLOUD_ENDPOINT", " http://127.0.0.1:9/v1")];
        assert_eq!(Config::from_variables(lookup(&vars)).unwrap().endpoint(), "http://127.0.0.1:9/v1");
    }

    #[test]
    fn only_api_version_1_exists() {
        let cfg = Config::new("t").unwrap();
        assert!(cfg.clone().with_api_version(1).is_ok());
        assert_eq!(field(cfg.clone().with_api_version(2)), "api_version");
        assert_eq!(field(cfg.with_api_version(0)), "api_version");
    }

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn variables_name_the_missing_token() {
        let error = Config::from_variables(lookup(&[])).unwrap_err();
        assert!(
            matches!(&error, ClientError::Config(message) if message.contains("HCLOUD_TOKEN")),
            "{error}"
        );
        let error = Config::from_variables(lookup(&[("HCLOUD_TOKEN", "")])).unwrap_err();
        assert!(error.to_string().contains("HCLOUD_TOKEN"));
    }

    #[test]
    fn variables_give_the_token_and_an_optional_endpoint() {
        let config = Config::from_variables(lookup(&[("HCLOUD_TOKEN", "abc")])).unwrap();
        assert_eq!(config.token().expose(), "abc");
        assert_eq!(config.endpoint(), DEFAULT_ENDPOINT);
        let vars = [("HCLOUD_TOKEN", "abc"), ("HCLOUD_ENDPOINT", "http://127.0.0.1:9/v1/")];
        assert_eq!(Config::from_variables(lookup(&vars)).unwrap().endpoint(), "http://127.0.0.1:9/v1");
        let bad_endpoint = [("HCLOUD_TOKEN", "abc"), ("HCLOUD_ENDPOINT", "ftp://x")];
        assert!(Config::from_variables(lookup(&bad_endpoint)).unwrap_err().is_invalid_input());
        assert!(Config::from_variables(lookup(&[("HCLOUD_TOKEN", "a b")])).unwrap_err().is_invalid_input());
    }

    #[test]
    fn user_agent_names_the_application_first() {
        let cfg = Config::new("t").unwrap();
        assert!(cfg.user_agent().starts_with("hcloud-rust/"));
        let app = cfg.clone().with_application("my-tool", "2.1");
        assert!(app.user_agent().starts_with("my-tool/2.1 hcloud-rust/"));
        assert!(cfg.with_application("bare", "").user_agent().starts_with("bare hcloud-rust/"));
    }
}
