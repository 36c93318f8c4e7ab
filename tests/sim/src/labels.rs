//! Label validation and the label selector language documented in the API's
//! "Labels" and "Label Selector" sections.

use std::collections::BTreeMap;

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// A name segment or value: up to 63 chars, alphanumeric at both ends, `-_.` inside.
fn valid_segment(s: &str, allow_empty: bool) -> bool {
    if s.is_empty() {
        return allow_empty;
    }
    s.len() <= 63
        && s.starts_with(is_alnum)
        && s.ends_with(is_alnum)
        && s.chars().all(|c| is_alnum(c) || matches!(c, '-' | '_' | '.'))
}

fn valid_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(valid_hostname_label)
}

fn valid_hostname_label(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && !l.starts_with('-')
        && !l.ends_with('-')
        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// RFC 1123 host name, as the API requires for server names.
pub(crate) fn valid_hostname(name: &str) -> bool {
    !name.is_empty() && name.len() <= 253 && name.split('.').all(valid_hostname_label)
}

/// Checks one label; `Err` carries the message for the `labels` field.
pub(crate) fn validate_label(key: &str, value: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if !valid_dns_subdomain(p) {
            return Err(format!("label key '{key}' has an invalid prefix"));
        }
        if p == "hetzner.cloud" || p.ends_with(".hetzner.cloud") {
            return Err(format!("label key '{key}' uses the reserved prefix hetzner.cloud/"));
        }
    }
    if !valid_segment(name, false) {
        return Err(format!("label key '{key}' is invalid"));
    }
    if !valid_segment(value, true) {
        return Err(format!("label value '{value}' of key '{key}' is invalid"));
    }
    Ok(())
}

/// One comma-separated term of a selector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

impl Requirement {
    /// `!=` and `notin` also match resources without the key, like Kubernetes
    /// selectors, which the Hetzner syntax is modelled on.
    pub(crate) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::NotExists(k) => !labels.contains_key(k),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
        }
    }
}

/// A parsed selector: every requirement must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Selector(pub Vec<Requirement>);

impl Selector {
    pub(crate) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| r.matches(labels))
    }
}

fn token_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn key(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() || !token_ok(s) {
        return Err(format!("invalid label key '{s}'"));
    }
    Ok(s.to_owned())
}

fn value(s: &str) -> Result<String, String> {
    let s = s.trim();
    if !token_ok(s) {
        return Err(format!("invalid label value '{s}'"));
    }
    Ok(s.to_owned())
}

fn value_list(s: &str) -> Result<Vec<String>, String> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("expected a parenthesised value list, got '{}'", s.trim()))?;
    let values = inner.split(',').map(value).collect::<Result<Vec<_>, _>>()?;
    if values.iter().any(String::is_empty) {
        return Err("empty value in list".to_owned());
    }
    Ok(values)
}

/// Splits on commas that are not inside a `( … )` value list.
fn split_terms(s: &str) -> Result<Vec<&str>, String> {
    let mut terms = Vec::new();
    let mut depth = 0u32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or("unbalanced ')'")?,
            ',' if depth == 0 => {
                terms.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced '('".to_owned());
    }
    terms.push(&s[start..]);
    Ok(terms)
}

fn parse_term(term: &str) -> Result<Requirement, String> {
    let t = term.trim();
    if t.is_empty() {
        return Err("empty requirement".to_owned());
    }
    if let Some(rest) = t.strip_prefix('!') {
        return Ok(Requirement::NotExists(key(rest)?));
    }
    // Set-based forms need whitespace between key and operator: `k in (a,b)`.
    if let Some((k, rest)) = t.split_once(char::is_whitespace) {
        let rest = rest.trim_start();
        if let Some(list) = rest.strip_prefix("notin") {
            return Ok(Requirement::NotIn(key(k)?, value_list(list)?));
        }
        if let Some(list) = rest.strip_prefix("in") {
            return Ok(Requirement::In(key(k)?, value_list(list)?));
        }
    }
    if let Some((k, v)) = t.split_once("!=") {
        return Ok(Requirement::NotEquals(key(k)?, value(v)?));
    }
    if let Some((k, v)) = t.split_once("==") {
        return Ok(Requirement::Equals(key(k)?, value(v)?));
    }
    if let Some((k, v)) = t.split_once('=') {
        return Ok(Requirement::Equals(key(k)?, value(v)?));
    }
    Ok(Requirement::Exists(key(t)?))
}

/// Parses a selector such as `env=prod,tier notin (db,cache),!legacy`.
pub(crate) fn parse_selector(s: &str) -> Result<Selector, String> {
    split_terms(s)?.into_iter().map(parse_term).collect::<Result<Vec<_>, _>>().map(Selector)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn selector_table() {
        let l = labels(&[("env", "prod"), ("tier", "web"), ("empty", "")]);
        let cases: &[(&str, bool)] = &[
            ("env=prod", true),
            ("env==prod", true),
            ("env=dev", false),
            ("env!=dev", true),
            ("env!=prod", false),
            ("missing!=x", true),
            ("env", true),
            ("missing", false),
            ("!missing", true),
            ("!env", false),
            ("env in (dev,prod)", true),
            ("env in (dev, staging)", false),
            ("env notin (dev,staging)", true),
            ("env notin (prod)", false),
            ("missing notin (x)", true),
            ("missing in (x)", false),
            ("env=prod,tier=web", true),
            ("env=prod,tier!=web", false),
            ("env in (prod,dev),!missing,tier", true),
            (" env = prod ", true),
            ("empty=", true),
        ];
        for (sel, want) in cases {
            let parsed = parse_selector(sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
            assert_eq!(parsed.matches(&l), *want, "{sel}");
        }
    }

    #[test]
    fn selector_errors() {
        for bad in ["", "env=prod,", "a in (b", "a in b)", "a in b", "!", "a=b c", "=x", "a in ()"] {
            assert!(parse_selector(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn label_rules() {
        assert!(validate_label("env", "prod").is_ok());
        assert!(validate_label("example.com/my", "label").is_ok());
        assert!(validate_label("just-a-key", "").is_ok());
        assert!(validate_label("-bad", "x").is_err());
        assert!(validate_label("hetzner.cloud/x", "y").is_err());
        assert!(validate_label("k", "-v").is_err());
        assert!(validate_label(&"k".repeat(64), "v").is_err());
        assert!(validate_label("k", &"v".repeat(64)).is_err());
        assert!(validate_label("bad_prefix!/k", "v").is_err());
    }

    #[test]
    fn hostnames() {
        for ok in ["a", "my-server", "web1.example.com", "A1"] {
            assert!(valid_hostname(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a_b", "a..b", "a b", &"x".repeat(64)] {
            assert!(!valid_hostname(bad), "{bad}");
        }
    }
}
