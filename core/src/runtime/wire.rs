//! The one place requests are assembled and responses are opened: base URL, headers, query
//! encoding, JSON bodies, the error envelope and decode errors with their JSON path.

use http::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::config::Config;
use crate::error::{ApiError, DecodeError, Error, ErrorCode, ErrorDetails, InputError, ResponseBody};
use crate::runtime::text;

/// A request as the core builds it: method, full URL, headers and body bytes.
pub type HttpRequest = http::Request<Vec<u8>>;
/// A response as a driver hands it to the core: status, headers and the whole body.
pub type HttpResponse = http::Response<Vec<u8>>;

/// Name of the header carrying the API's request correlation id.
pub const CORRELATION_ID: &str = "x-correlation-id";

/// Characters left as they are in query values (RFC 3986 unreserved).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Query pairs in the order they were added, so every request has one exact string form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query(Vec<(&'static str, String)>);

impl Query {
    pub(crate) fn push(&mut self, key: &'static str, value: impl std::fmt::Display) {
        self.0.push((key, value.to_string()));
    }

    pub(crate) fn push_opt(&mut self, key: &'static str, value: Option<impl std::fmt::Display>) {
        if let Some(value) = value {
            self.push(key, value);
        }
    }

    /// These pairs, then `more`'s.
    pub(crate) fn then(mut self, more: Query) -> Query {
        self.0.extend(more.0);
        self
    }

    fn encode(&self) -> String {
        let mut out = String::new();
        for (index, (key, value)) in self.0.iter().enumerate() {
            out.push(if index == 0 { '?' } else { '&' });
            out.push_str(key);
            out.push('=');
            out.extend(utf8_percent_encode(value, QUERY_VALUE));
        }
        out
    }
}

/// Builds a request against the configured endpoint with the standard headers.
/// `Content-Type` is set only when there is a body.
pub(crate) fn build(
    cfg: &Config,
    method: Method,
    path: &str,
    query: &Query,
    body: Option<&serde_json::Value>,
) -> Result<HttpRequest, Error> {
    let url = format!("{}{}{}", cfg.endpoint(), path, query.encode());
    let mut builder = http::Request::builder().method(method).uri(url);
    let auth = HeaderValue::try_from(format!("Bearer {}", cfg.token().expose()))
        .map_err(|_| InputError::new("token", "cannot be sent in an HTTP header"))?;
    let agent = HeaderValue::try_from(cfg.user_agent())
        .map_err(|_| InputError::new("application", "cannot be sent in a User-Agent header"))?;
    let headers = builder.headers_mut().expect("builder has no error before headers are added");
    headers.insert(AUTHORIZATION, mark_sensitive(auth));
    headers.insert(USER_AGENT, agent);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let bytes = match body {
        Some(json) => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            serde_json::to_vec(json).expect("a serde_json::Value always serializes")
        }
        None => Vec::new(),
    };
    builder.body(bytes).map_err(|e| {
        InputError::new("endpoint", format!("does not form a valid URL with this path: {e}")).into()
    })
}

fn mark_sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

/// The `X-Correlation-Id` header of a response, if present and readable.
pub fn correlation_id(headers: &HeaderMap) -> Option<String> {
    headers.get(CORRELATION_ID).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The JSON body of a request: the operation's body fields, serialized.
pub(crate) fn json_body<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| InputError::new("body", format!("cannot be written as JSON: {e}")).into())
}

/// Characters left as they are in a path segment (RFC 3986 unreserved, and `@`).
const PATH_SEGMENT: &AsciiSet = &QUERY_VALUE.remove(b'@');

/// A value for one path segment, percent-encoded so that it cannot add segments.
pub(crate) fn segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// A timestamp as the API reads it in a query: RFC 3339.
pub(crate) fn rfc3339(at: &time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Opens a response that carries no body (`204 No Content`): success or the matching error.
pub(crate) fn decode_empty(resp: &HttpResponse) -> Result<(), Error> {
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(error_from(resp))
    }
}

/// Opens a response whose body is one object with the value under `key`, such as
/// `{"server": {...}}`; other members are ignored.
pub(crate) fn decode_member<T: DeserializeOwned>(resp: &HttpResponse, key: &'static str) -> Result<T, Error> {
    if !resp.status().is_success() {
        return Err(error_from(resp));
    }
    decode_seed(resp, Member::<T> { key, value: PhantomData })
}

/// Opens a response: a 2xx body is decoded into `T`; anything else becomes the matching error.
pub(crate) fn decode<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, Error> {
    if !resp.status().is_success() {
        return Err(error_from(resp));
    }
    decode_body(resp)
}

/// Decodes a body. Only on failure, and only with the `json-paths` feature, it decodes again
/// while tracking the path, so the common path pays nothing for good error messages.
pub(crate) fn decode_body<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, Error> {
    decode_seed(resp, PhantomData::<T>)
}

fn decode_seed<V, S>(resp: &HttpResponse, seed: S) -> Result<V, Error>
where
    S: for<'de> DeserializeSeed<'de, Value = V> + Copy,
{
    let failed = |path: String, message: String, secret: bool| -> Error {
        // A value that failed to decode is quoted in the message: not when it is a secret.
        let message = if secret || text::names_a_secret(&path) {
            "the value does not have the expected type (not shown: the member holds a secret)".to_owned()
        } else {
            message
        };
        DecodeError {
            status: resp.status(),
            path: text::keep(path),
            message: text::keep(message),
            body: ResponseBody::new(resp.body().clone()),
            correlation_id: correlation_id(resp.headers()),
        }
        .into()
    };
    // Checking UTF-8 once up front lets the parser skip it for every string: measurably
    // faster on pages of servers, which are mostly strings.
    let text = std::str::from_utf8(resp.body())
        .map_err(|e| failed(".".to_owned(), format!("the body is not UTF-8: {e}"), false))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let decoded =
        super::shared::sharing(|| seed.deserialize(&mut de)).and_then(|value| de.end().map(|()| value));
    decoded.map_err(|plain| {
        let secret = text::secret_member_at(text, plain.line(), plain.column());
        #[cfg(feature = "json-paths")]
        let (path, message) = locate(text, seed, plain);
        #[cfg(not(feature = "json-paths"))]
        let (path, message) = (format!("line {} column {}", plain.line(), plain.column()), plain.to_string());
        failed(path, message, secret)
    })
}

/// Where decoding failed, as a JSON path, and why.
#[cfg(feature = "json-paths")]
fn locate<V, S>(body: &str, seed: S, plain: serde_json::Error) -> (String, String)
where
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    let mut track = serde_path_to_error::Track::new();
    let mut de = serde_json::Deserializer::from_str(body);
    match seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track)) {
        Err(inner) => (track.path().to_string(), inner.to_string()),
        Ok(_) => (".".to_owned(), plain.to_string()),
    }
}

/// Reads one member of an object, by a key known only at run time.
struct Member<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Member<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Member<T> {}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Member<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Member<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.key && found.is_none() {
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        found.ok_or_else(|| serde::de::Error::missing_field(self.key))
    }
}

/// Turns a non-2xx response into an [`ApiError`] when it carries the API's error envelope,
/// otherwise into [`Error::UnexpectedResponse`] with an excerpt of the body.
pub fn error_from(resp: &HttpResponse) -> Error {
    #[derive(Deserialize)]
    struct Envelope {
        error: Body,
    }
    #[derive(Deserialize)]
    struct Body {
        code: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        details: serde_json::Value,
    }
    let correlation_id = correlation_id(resp.headers());
    let envelope =
        std::str::from_utf8(resp.body()).ok().and_then(|text| serde_json::from_str::<Envelope>(text).ok());
    match envelope {
        Some(Envelope { error }) => {
            let code = ErrorCode::from_wire(&text::capped(&error.code, text::MAX_SHOWN_CHARS));
            let details = ErrorDetails::from_json(&code, error.details);
            let message = text::keep(error.message);
            ApiError { status: resp.status(), code, message, details, correlation_id }.into()
        }
        None => {
            Error::UnexpectedResponse { status: resp.status(), excerpt: excerpt(resp.body()), correlation_id }
        }
    }
}

/// A safe excerpt of a body that is not the error envelope (see [`text::redacted_excerpt`]).
fn excerpt(body: &[u8]) -> String {
    text::redacted_excerpt(body, &[], text::EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded_in_insertion_order() {
        let mut query = Query::default();
        query.push("name", "a b&c");
        query.push("label_selector", "env in (a,b),!x");
        query.push("page", 2);
        assert_eq!(query.encode(), "?name=a%20b%26c&label_selector=env%20in%20%28a%2Cb%29%2C%21x&page=2");
        assert_eq!(Query::default().encode(), "");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Created {
        name: String,
        root_password: Option<String>,
    }

    fn decode_message(body: &str) -> String {
        let response = http::Response::builder().status(201).body(body.as_bytes().to_vec()).unwrap();
        match decode_body::<Created>(&response) {
            Err(Error::Decode(error)) => error.message,
            other => panic!("{body}: {other:?}"),
        }
    }

    const WITHHELD: &str = "the value does not have the expected type (not shown: the member holds a secret)";

    #[test]
    fn a_value_that_fails_to_decode_is_quoted_unless_it_is_a_secret() {
        assert!(decode_message(r#"{"name": 918273645, "root_password": null}"#).contains("918273645"));
        // The fault is at the secret by its position and by its path.
        assert_eq!(decode_message(r#"{"name": "a", "root_password": 918273645}"#), WITHHELD);
        // By its position alone: the text after the last member is not JSON.
        assert_eq!(decode_message(r#"{"name": "a", "root_password": "s3cret"} 918273645"#), WITHHELD);
        // By its path alone: a colon inside the secret hides the member's name from the position.
        #[cfg(feature = "json-paths")]
        assert_eq!(decode_message(r#"{"name": "a", "root_password": "s3cr:et\uZZZZ"}"#), WITHHELD);
    }

    #[test]
    fn excerpt_is_cut_on_a_char_boundary() {
        let long = "ä".repeat(300);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut, format!("{}… (100 more characters)", "ä".repeat(text::EXCERPT_CHARS)));
    }
}
