//! Input checks made before a request exists. Each error names the field at fault.

use std::collections::BTreeMap;

use crate::error::InputError;

/// Largest `user_data` the API accepts, in bytes (32 KiB).
pub const MAX_USER_DATA_BYTES: usize = 32 * 1024;

/// Ids are positive and at most [`MAX_ID`].
pub(crate) fn id(field: &str, raw: u64) -> Result<(), InputError> {
    if raw == 0 {
        Err(InputError::new(field, "ids start at 1; 0 is not a valid id"))
    } else if raw > MAX_ID {
        Err(InputError::new(field, format!("{raw} is larger than any id the API gives ({MAX_ID})")))
    } else {
        Ok(())
    }
}

/// The largest id the API gives: 2^53 - 1, so that ids stay exact as JSON numbers everywhere.
pub const MAX_ID: u64 = 9_007_199_254_740_991;

/// A server name must be a valid hostname per RFC 1123: dot-separated labels of 1 to 63
/// letters, digits and hyphens, not starting or ending with a hyphen, 253 characters at most.
pub fn server_name(field: &str, name: &str) -> Result<(), InputError> {
    if name.is_empty() {
        return Err(InputError::new(field, "must not be empty"));
    }
    if name.len() > 253 {
        return Err(InputError::new(
            field,
            format!("is {} characters long; at most 253 are allowed", name.len()),
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(InputError::new(field, format!("{name:?} has an empty part between dots")));
        }
        if label.len() > 63 {
            return Err(InputError::new(field, format!("part {label:?} is longer than 63 characters")));
        }
        if let Some(bad) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(InputError::new(
                field,
                format!("{name:?} contains {bad:?}; only letters, digits, '-' and '.' are allowed"),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(InputError::new(field, format!("part {label:?} must not start or end with '-'")));
        }
    }
    Ok(())
}

fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            let bytes = label.as_bytes();
            !bytes.is_empty()
                && bytes.len() <= 63
                && bytes[0].is_ascii_alphanumeric()
                && bytes[bytes.len() - 1].is_ascii_alphanumeric()
                && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        })
}

/// Label keys are `[prefix/]name` and values are empty or a name, as the API documents;
/// the `hetzner.cloud/` prefix is reserved.
pub fn labels(labels: &BTreeMap<String, String>) -> Result<(), InputError> {
    for (key, value) in labels {
        let field = || format!("labels[{key:?}]");
        let (prefix, name) = match key.rsplit_once('/') {
            Some((prefix, name)) => (Some(prefix), name),
            None => (None, key.as_str()),
        };
        if let Some(prefix) = prefix {
            if !is_dns_subdomain(prefix) {
                return Err(InputError::new(field(), "the key's prefix must be a DNS subdomain"));
            }
            if prefix == "hetzner.cloud" {
                return Err(InputError::new(field(), "the hetzner.cloud/ prefix is reserved"));
            }
        }
        if !is_label_name(name) {
            return Err(InputError::new(
                field(),
                "the key must be 1 to 63 characters of letters, digits, '-', '_' and '.', \
                 beginning and ending with a letter or digit",
            ));
        }
        if !value.is_empty() && !is_label_name(value) {
            return Err(InputError::new(
                field(),
                "the value must be empty or 1 to 63 characters of letters, digits, '-', '_' and \
                 '.', beginning and ending with a letter or digit",
            ));
        }
    }
    Ok(())
}

/// Cloud-init user data is limited to 32 KiB.
pub fn user_data(field: &str, data: &str) -> Result<(), InputError> {
    if data.len() > MAX_USER_DATA_BYTES {
        Err(InputError::new(
            field,
            format!("is {} bytes; the API accepts at most {MAX_USER_DATA_BYTES}", data.len()),
        ))
    } else {
        Ok(())
    }
}

/// Every id in a list is positive.
pub(crate) fn ids<I: crate::runtime::id::TypedId>(field: &str, ids: &[I]) -> Result<(), InputError> {
    ids.iter().try_for_each(|&id| self::id(field, id.into()))
}

/// Names and references must say something.
pub fn not_empty(field: &str, value: &str) -> Result<(), InputError> {
    if value.trim().is_empty() {
        Err(InputError::new(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// A number within the limits the API states.
pub(crate) fn range<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    min: T,
    max: T,
) -> Result<(), InputError> {
    if value < min || value > max {
        Err(InputError::new(field, format!("must be {min} to {max}, got {value}")))
    } else {
        Ok(())
    }
}

/// A string within the lengths the API states, counted in characters.
pub(crate) fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), InputError> {
    let count = value.chars().count();
    if count < min {
        Err(InputError::new(field, format!("must be at least {min} characters long, got {count}")))
    } else if count > max {
        Err(InputError::new(field, format!("must be at most {max} characters long, got {count}")))
    } else {
        Ok(())
    }
}

/// A list within the sizes the API states.
pub(crate) fn items(field: &str, count: usize, min: usize, max: usize) -> Result<(), InputError> {
    if count < min {
        Err(InputError::new(field, format!("needs at least {min} items, got {count}")))
    } else if count > max {
        Err(InputError::new(field, format!("takes at most {max} items, got {count}")))
    } else {
        Ok(())
    }
}

/// No whitespace at either end, as the API requires of names.
pub(crate) fn trimmed(field: &str, value: &str) -> Result<(), InputError> {
    if value.trim() != value || value.is_empty() {
        Err(InputError::new(field, "must not be empty or start or end with whitespace"))
    } else {
        Ok(())
    }
}

/// Pages start at 1 and hold 1 to [`MAX_PER_PAGE`](crate::paginate::MAX_PER_PAGE) entries.
pub(crate) fn paging(page: Option<u64>, per_page: Option<u64>) -> Result<(), InputError> {
    use crate::paginate::MAX_PER_PAGE;
    if page == Some(0) {
        return Err(InputError::new("page", "pages start at 1"));
    }
    match per_page {
        Some(per_page) if per_page == 0 || per_page > MAX_PER_PAGE => {
            Err(InputError::new("per_page", format!("must be 1 to {MAX_PER_PAGE}, got {per_page}")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_follow_rfc_1123() {
        for good in ["web-1", "a", "db.example.com", "1x", &"a".repeat(63)] {
            assert_eq!(server_name("name", good), Ok(()), "{good}");
        }
        for bad in ["", "-web", "web-", "we_b", "a..b", "web 1", "wéb", &"a".repeat(64), &"a.".repeat(127)] {
            let err = server_name("name", bad).unwrap_err();
            assert_eq!(err.field, "name", "{bad}");
        }
    }

    #[test]
    fn labels_follow_the_documented_syntax() {
        let ok: BTreeMap<String, String> = [
            ("environment", "development"),
            ("example.com/my", "label"),
            ("just-a-key", ""),
            ("a_b.c", "x.y_z-1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(labels(&ok), Ok(()));
        for (key, value) in [
            ("", "x"),
            ("-a", "x"),
            ("a", "-x"),
            ("a", "x y"),
            ("hetzner.cloud/x", "y"),
            ("bad_prefix!/x", "y"),
            ("/x", "y"),
            (&"k".repeat(64), "v"),
        ] {
            let map = BTreeMap::from([(key.to_owned(), value.to_owned())]);
            let err = labels(&map).unwrap_err();
            assert!(err.field.starts_with("labels["), "{key}={value}: {err}");
        }
    }

    #[test]
    fn user_data_limit_is_32_kib() {
        assert!(user_data("user_data", &"x".repeat(MAX_USER_DATA_BYTES)).is_ok());
        assert_eq!(
            user_data("user_data", &"x".repeat(MAX_USER_DATA_BYTES + 1)).unwrap_err().field,
            "user_data"
        );
    }

    #[test]
    fn limits_name_the_field_and_the_bounds() {
        assert!(range("interval", 3, 3, 60).is_ok() && range("interval", 60, 3, 60).is_ok());
        assert_eq!(
            range("interval", 2, 3, 60).unwrap_err().to_string(),
            "invalid interval: must be 3 to 60, got 2"
        );
        assert!(range("interval", 61, 3, 60).is_err());
        assert!(length("name", "äö", 1, 2).is_ok());
        assert!(length("name", "", 1, 2).is_err() && length("name", "abc", 1, 2).is_err());
        assert!(items("records", 50, 0, 50).is_ok() && items("records", 51, 0, 50).is_err());
        assert!(items("records", 0, 1, 50).is_err());
        assert!(trimmed("name", "a b").is_ok());
        for bad in ["", " a", "a ", "\ta"] {
            assert!(trimmed("name", bad).is_err(), "{bad:?}");
        }
        assert!(not_empty("image", " ").is_err() && not_empty("image", "x").is_ok());
        assert_eq!(paging(Some(0), None).unwrap_err().field, "page");
        assert_eq!(paging(None, Some(51)).unwrap_err().field, "per_page");
        assert_eq!(paging(None, Some(0)).unwrap_err().field, "per_page");
        assert!(paging(Some(3), Some(50)).is_ok());
    }
}
