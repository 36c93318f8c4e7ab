//! Client configuration: token, endpoint, API version and user agent.

use crate::client_error::ClientError;
use crate::error::{Error, InputError};

/// The production endpoint of the Hetzner Cloud API.
pub const DEFAULT_ENDPOINT: &str = "https://api.hetzner.cloud/v1";

/// An API token. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Checks that `secret` can travel in an `Authorization` header: non-empty, visible ASCII,
    /// no whitespace.
    pub fn new(secret: impl Into<String>) -> Result<Self, Error> {
        let secret = secret.into();
        if secret.is_empty() {
            return Err(InputError::new("token", "must not be empty").into());
        }
        if let Some(bad) = secret.chars().find(|c| !c.is_ascii_graphic()) {
            let reason = format!(
                "contains {:?}, which is not allowed in an HTTP header (only visible ASCII)",
                bad.escape_default().to_string()
            );
            return Err(InputError::new("token", reason).into());
        }
        Ok(Self(secret))
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
}

impl Config {
    /// A configuration for the production API with the given token.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Ok(Self { token: Token::new(token)?, endpoint: DEFAULT_ENDPOINT.to_owned(), application: None })
    }

    /// A configuration from `HCLOUD_TOKEN` (required) and `HCLOUD_ENDPOINT` (optional), read
    /// through `lookup` so the core itself never touches the environment; clients pass
    /// `|name| std::env::var(name).ok()`.
    ///
    /// Errors: [`ClientError::Config`] naming `HCLOUD_TOKEN` when it is missing or empty; an
    /// input error when the token or the endpoint is malformed.
    pub fn from_variables(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ClientError> {
        let token = lookup("HCLOUD_TOKEN").filter(|t| !t.is_empty()).ok_or_else(|| {
            ClientError::Config(
                "the environment variable HCLOUD_TOKEN is not set; set it to an API token of your project"
                    .into(),
            )
        })?;
        let config = Config::new(token)?;
        match lookup("HCLOUD_ENDPOINT").filter(|e| !e.is_empty()) {
            Some(endpoint) => Ok(config.with_endpoint(endpoint)?),
            None => Ok(config),
        }
    }

    /// Points the client at another base URL (a proxy, a simulator, a mock server).
    ///
    /// The URL must be `http` or `https` with a host; a trailing `/` is dropped. It replaces
    /// the whole base including the `/v1` path.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Result<Self, Error> {
        let endpoint = endpoint.into();
        let trimmed = endpoint.trim_end_matches('/');
        let uri: http::Uri =
            trimmed.parse().map_err(|e| InputError::new("endpoint", format!("is not a URL: {e}")))?;
        match uri.scheme_str() {
            Some("http") | Some("https") => {}
            _ => return Err(InputError::new("endpoint", "must start with http:// or https://").into()),
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(InputError::new("endpoint", "must name a host").into());
        }
        if uri.query().is_some() {
            return Err(InputError::new("endpoint", "must not carry a query").into());
        }
        self.endpoint = trimmed.to_owned();
        Ok(self)
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
