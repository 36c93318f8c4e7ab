//! Values that must never show up in logs: their `Debug` is redacted, and reading them takes
//! an explicit [`RootPassword::expose`] or [`Secret::expose`].

use serde::{Deserialize, Serialize};

/// A root password. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RootPassword(String);

impl RootPassword {
    /// The password itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RootPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootPassword(<redacted>)")
    }
}

/// Any other secret the API sends or takes: a console password, a certificate's private key.
/// Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let password: RootPassword = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(format!("{password:?}"), "RootPassword(<redacted>)");
        assert_eq!(password.expose(), "hunter2");
        let key = Secret::new("-----BEGIN PRIVATE KEY-----");
        assert!(!format!("{key:?}").contains("PRIVATE"));
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"-----BEGIN PRIVATE KEY-----\"");
    }
}
