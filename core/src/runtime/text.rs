//! Text that came from a server, made safe to show: control characters escaped, length
//! capped, secrets redacted. A hostile or broken server must not be able to forge log lines,
//! flood a terminal, or have a root password printed from an error.

use std::borrow::Cow;
use std::fmt;

/// Most characters of server-sent text an error keeps (a message, a decode path).
pub(crate) const MAX_KEPT_CHARS: usize = 4096;

/// Most characters of server-sent text an error's `Display` shows.
pub(crate) const MAX_SHOWN_CHARS: usize = 300;

/// Most characters of a body excerpt.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// `text` cut to at most `max` characters, on a character boundary, with `…` where it was
/// cut. Nothing else changes, so short text is kept exactly.
pub(crate) fn capped(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

/// Keeps at most [`MAX_KEPT_CHARS`] of an owned string.
pub(crate) fn keep(text: String) -> String {
    match capped(&text, MAX_KEPT_CHARS) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cut) => cut,
    }
}

/// Server-sent text for a `Display`: control characters (line breaks, escapes, bidi
/// overrides) written as escapes, at most [`MAX_SHOWN_CHARS`] characters.
pub(crate) fn shown(text: &str) -> Shown<'_> {
    Shown { text, max: MAX_SHOWN_CHARS, count_rest: true }
}

/// See [`shown`].
pub(crate) struct Shown<'a> {
    text: &'a str,
    max: usize,
    /// Whether to say how many characters were left out (when `text` is all there is).
    count_rest: bool,
}

/// Characters that change how the text around them reads: bidi controls and the like.
fn is_invisible_control(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for (count, c) in self.text.chars().enumerate() {
            if count == self.max {
                if !self.count_rest {
                    return f.write_str("…");
                }
                let rest = self.text.chars().count().saturating_sub(count);
                return write!(f, "… ({rest} more characters)");
            }
            if c.is_control() || is_invisible_control(c) {
                for escaped in c.escape_default() {
                    f.write_char(escaped)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// Whether a JSON member of this name holds a secret.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "passwd", "token", "secret", "private_key", "privatekey"]
        .iter()
        .any(|word| key.contains(word))
}

/// Whether a JSON path (`server.root_password`, `keys[2].private_key`) goes through a member
/// that holds a secret.
pub(crate) fn names_a_secret(path: &str) -> bool {
    path.split(['.', '[', ']']).any(is_secret_key)
}

/// Whether the JSON value at `line` and `column` (one-based, as serde_json reports errors)
/// belongs to a member that holds a secret: the member named last before it.
pub(crate) fn secret_member_at(text: &str, line: usize, column: usize) -> bool {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let mut end = line_start.saturating_add(column).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let Some(colon) = before.rfind(':') else { return false };
    let Some(key) = before[..colon].trim_end().strip_suffix('"') else { return false };
    key.rfind('"').is_some_and(|open| is_secret_key(&key[open + 1..]))
}

/// Replaces every occurrence of each of `secrets` in `text`.
pub(crate) fn without(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    out
}

/// A short, safe excerpt of a body: secrets in JSON members redacted (also in a body cut off
/// in the middle), `hide` replaced, control characters escaped, at most `max` characters.
///
/// Only the first [`SCAN_BYTES`] of a body are read, so that showing the error of a huge
/// answer costs little; past them the excerpt just ends with `…`.
pub(crate) fn redacted_excerpt(body: &[u8], hide: &[&str], max: usize) -> String {
    let whole = body.len() <= SCAN_BYTES;
    let text = String::from_utf8_lossy(&body[..body.len().min(SCAN_BYTES)]);
    let parsed = if whole { serde_json::from_str::<serde_json::Value>(&text).ok() } else { None };
    let redacted = match parsed {
        Some(mut value) => {
            redact_value(&mut value);
            value.to_string()
        }
        None => redact_text(&text),
    };
    let redacted = without(redacted.trim(), hide);
    Shown { text: &redacted, max, count_rest: whole }.to_string()
}

/// How much of a body an excerpt reads.
const SCAN_BYTES: usize = 16 * 1024;

fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if is_secret_key(key) && !member.is_null() {
                    *member = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_value(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// Redacts secret members in text that is not (or no longer) valid JSON, such as a body cut
/// off mid-transfer: after a string that names a secret and a `:`, the value up to its end
/// (or the end of the text) is replaced.
fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let (content, after) = split_string(&rest[open + 1..]);
        out.push_str(content);
        rest = close_string(&mut out, after);
        if !is_secret_key(content) {
            continue;
        }
        let Some(value) = rest.trim_start().strip_prefix(':') else { continue };
        let value = value.trim_start();
        out.push_str(&rest[..rest.len() - value.len()]);
        if let Some(string) = value.strip_prefix('"') {
            out.push('"');
            out.push_str(REDACTED);
            let (_, after) = split_string(string);
            rest = close_string(&mut out, after);
        } else {
            let end = value.find([',', '}', ']']).unwrap_or(value.len());
            out.push_str(REDACTED);
            rest = &value[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Copies the closing quote that starts `after`, if any, and returns what follows it.
fn close_string<'a>(out: &mut String, after: &'a str) -> &'a str {
    match after.strip_prefix('"') {
        Some(following) => {
            out.push('"');
            following
        }
        None => after,
    }
}

/// Splits the inside of a JSON string from what follows it, starting at its closing quote; a
/// string that never closes runs to the end.
fn split_string(text: &str) -> (&str, &str) {
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return (&text[..index], &text[index..]),
            _ => {}
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_escapes_controls_and_is_capped() {
        assert_eq!(shown("plain text").to_string(), "plain text");
        assert_eq!(shown("a\r\nb\u{1b}[31m").to_string(), "a\\r\\nb\\u{1b}[31m");
        assert_eq!(shown("x\u{202E}y").to_string(), "x\\u{202e}y");
        let long = "é".repeat(10_000);
        let text = shown(&long).to_string();
        assert!(text.starts_with(&"é".repeat(MAX_SHOWN_CHARS)));
        assert!(text.ends_with("… (9700 more characters)"), "{}", &text[text.len() - 40..]);
    }

    #[test]
    fn capped_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(capped("short", 10), "short");
        assert_eq!(capped(&"ä".repeat(20), 10), format!("{}…", "ä".repeat(10)));
        assert_eq!(keep("x".repeat(MAX_KEPT_CHARS + 5)).chars().count(), MAX_KEPT_CHARS + 1);
    }

    #[test]
    fn excerpts_redact_secret_members_of_valid_json() {
        let body = br#"{"server":{"id":1,"name":"web"},"root_password":"hunter2","action":{"token":7}}"#;
        let excerpt = redacted_excerpt(body, &[], 500);
        assert!(!excerpt.contains("hunter2"), "{excerpt}");
        assert!(excerpt.contains(r#""root_password":"<redacted>""#), "{excerpt}");
        assert!(excerpt.contains(r#""name":"web""#), "{excerpt}");
        assert!(!excerpt.contains(":7"), "{excerpt}");
    }

    #[test]
    fn excerpts_redact_secrets_in_a_body_cut_off_anywhere() {
        let body = br#"{"server":{"id":1},"root_password" : "hunter2-and-more","x":1}"#;
        for cut in 0..body.len() {
            let excerpt = redacted_excerpt(&body[..cut], &[], 500);
            for leak in ["hunter2", "hunter", "-and-more"] {
                assert!(!excerpt.contains(leak), "cut at {cut}: {excerpt}");
            }
        }
        let escaped = br#"{"password":"a\"b-secret","n":1"#;
        assert_eq!(redacted_excerpt(escaped, &[], 500), r#"{"password":"<redacted>","n":1"#);
        let bare = br#"{"api_token": 123456, "ok": true"#;
        assert_eq!(redacted_excerpt(bare, &[], 500), r#"{"api_token": <redacted>, "ok": true"#);
    }

    #[test]
    fn the_member_a_decode_error_points_at_is_found() {
        let body = "{\"server\": {\"id\": 1},\n \"root_password\": 1234567890}";
        assert!(secret_member_at(body, 2, 28));
        assert!(!secret_member_at(body, 1, 18));
        assert!(!secret_member_at("", 1, 1));
        assert!(names_a_secret("keys[2].private_key") && !names_a_secret("servers[3].created"));
    }

    #[test]
    fn excerpts_hide_given_secrets_escape_controls_and_are_capped() {
        let excerpt = redacted_excerpt(b"<html>\r\necho: Bearer tok-123</html>", &["tok-123"], 500);
        assert_eq!(excerpt, "<html>\\r\\necho: Bearer <redacted></html>");
        let long = redacted_excerpt(&[b'x'; 5000], &[], EXCERPT_CHARS);
        assert!(long.len() < EXCERPT_CHARS + 40, "{long}");
        let mut huge = br#"{"root_password": ""#.to_vec();
        huge.extend(std::iter::repeat_n(b'p', 10 * 1024 * 1024));
        let excerpt = redacted_excerpt(&huge, &[], EXCERPT_CHARS);
        assert_eq!(excerpt, r#"{"root_password": "<redacted>"#);
        let excerpt = redacted_excerpt(&[b'y'; 10 * 1024 * 1024], &[], 10);
        assert_eq!(excerpt, "yyyyyyyyyy…");
    }
}
