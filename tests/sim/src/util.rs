//! Small helpers: query strings and timestamps.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Decodes `%XX` escapes and `+` (form encoding, which clients use for spaces in
/// query strings). Malformed escapes are kept literally, as lenient servers do.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `%XX` escapes of a path segment (`+` stays a plus there).
pub(crate) fn percent_decode_path(s: &str) -> String {
    if s.contains('%') {
        percent_decode(&s.replace('+', "%2B"))
    } else {
        s.to_owned()
    }
}

/// A parsed query string that keeps the raw pairs, so that pagination links can
/// reproduce the caller's query with only `page` replaced.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    /// (raw pair, decoded key, decoded value)
    pairs: Vec<(String, String, String)>,
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (p.to_owned(), percent_decode(k), percent_decode(v))
            })
            .collect();
        Self { pairs }
    }

    /// All values of a (possibly repeated) parameter.
    pub(crate) fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(_, k, _)| k == key).map(|(_, _, v)| v.as_str())
    }

    /// The last value of a parameter.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(_, k, _)| k == key).map(|(_, _, v)| v.as_str())
    }

    /// The raw query with every `page` pair removed.
    pub(crate) fn raw_without(&self, key: &str) -> Vec<&str> {
        self.pairs.iter().filter(|(_, k, _)| k != key).map(|(raw, _, _)| raw.as_str()).collect()
    }
}

/// RFC 3339 with a `Z` suffix and whole seconds, e.g. `2026-01-01T00:00:02Z`.
pub(crate) fn rfc3339(epoch_unix: i64, at: Duration) -> String {
    let secs = epoch_unix.saturating_add(i64::try_from(at.as_secs()).unwrap_or(i64::MAX / 2));
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("key%3Dvalue"), "key=value");
        assert_eq!(percent_decode("a+b%20c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("env%20in%20(a%2Cb)"), "env in (a,b)");
    }

    #[test]
    fn query() {
        let q = Query::parse(Some("status=running&status=off&page=2&per_page=5&flag"));
        assert_eq!(q.all("status").collect::<Vec<_>>(), ["running", "off"]);
        assert_eq!(q.get("page"), Some("2"));
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(q.raw_without("page"), ["status=running", "status=off", "per_page=5", "flag"]);
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(1_767_225_600, Duration::from_millis(2500)), "2026-01-01T00:00:02Z");
    }
}
