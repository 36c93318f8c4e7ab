//! Label selectors, built from typed parts: `env=prod`, `tier!=db`, `monitored`, `!tmp`,
//! `region in (fsn1,nbg1)`, `team notin (a,b)`, joined by commas (all must hold).

use std::fmt;

/// A label selector for list filters and firewall or load balancer targets.
///
/// ```
/// use hcloud_core::LabelSelector;
///
/// let selector = LabelSelector::new()
///     .eq("env", "prod")
///     .ne("tier", "db")
///     .has("monitored")
///     .lacks("tmp")
///     .any_of("region", ["fsn1", "nbg1"])
///     .none_of("team", ["a", "b"]);
/// assert_eq!(
///     selector.to_string(),
///     "env=prod,tier!=db,monitored,!tmp,region in (fsn1,nbg1),team notin (a,b)"
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LabelSelector {
    parts: Vec<String>,
}

impl LabelSelector {
    /// Matches everything (an empty selector).
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, part: String) -> Self {
        self.parts.push(part);
        self
    }

    /// `key=value`.
    pub fn eq(self, key: &str, value: &str) -> Self {
        self.with(format!("{key}={value}"))
    }

    /// `key!=value`.
    pub fn ne(self, key: &str, value: &str) -> Self {
        self.with(format!("{key}!={value}"))
    }

    /// `key`: the label is set, to any value.
    pub fn has(self, key: &str) -> Self {
        self.with(key.to_owned())
    }

    /// `!key`: the label is not set.
    pub fn lacks(self, key: &str) -> Self {
        self.with(format!("!{key}"))
    }

    /// `key in (v1,v2)`.
    pub fn any_of<'a>(self, key: &str, values: impl IntoIterator<Item = &'a str>) -> Self {
        let values: Vec<&str> = values.into_iter().collect();
        self.with(format!("{key} in ({})", values.join(",")))
    }

    /// `key notin (v1,v2)`.
    pub fn none_of<'a>(self, key: &str, values: impl IntoIterator<Item = &'a str>) -> Self {
        let values: Vec<&str> = values.into_iter().collect();
        self.with(format!("{key} notin ({})", values.join(",")))
    }

    /// Whether it has no condition.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.parts.join(","))
    }
}

impl From<LabelSelector> for String {
    fn from(selector: LabelSelector) -> String {
        selector.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_join_in_order() {
        assert_eq!(LabelSelector::new().to_string(), "");
        assert!(LabelSelector::new().is_empty());
        let s: String = LabelSelector::new().eq("a", "1").lacks("b").into();
        assert_eq!(s, "a=1,!b");
        assert_eq!(LabelSelector::new().any_of("k", ["x"]).to_string(), "k in (x)");
    }
}
