//! Knobs of a [`Simulator`](crate::Simulator).

use std::collections::BTreeMap;
use std::time::Duration;

/// UNIX timestamp of 2026-01-01T00:00:00Z, the epoch of a simulator driven in
/// virtual time when none is set.
pub const DEFAULT_EPOCH_UNIX: i64 = 1_767_225_600;

/// Configuration of one simulator instance.
///
/// Every field is public; the `with_*` methods are a chaining shorthand:
///
/// ```
/// use std::time::Duration;
/// let cfg = hcloud_sim::SimConfig::default()
///     .with_token("secret")
///     .with_seed(7)
///     .with_action_duration(Duration::from_millis(500))
///     .with_failing_command("start_server");
/// assert_eq!(cfg.token, "secret");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// The only bearer token the simulator accepts (default `sim-token`).
    pub token: String,
    /// Seed of the generators behind passwords and correlation ids (default 0).
    pub seed: u64,
    /// How long an action runs before it finishes (default 2 s).
    pub action_duration: Duration,
    /// Per-command overrides of [`action_duration`](Self::action_duration),
    /// keyed by action command such as `create_server` or `start_server`.
    pub command_durations: BTreeMap<String, Duration>,
    /// Commands whose actions finish with status `error` (code `action_failed`).
    pub fail_commands: Vec<String>,
    /// Size of the rate-limit token bucket (default 3600).
    pub rate_limit_capacity: u32,
    /// Tokens added back to the bucket per second (default 1.0).
    pub rate_limit_refill_per_sec: f64,
    /// Path prefix of the API (default `/v1`); other paths answer 404.
    pub api_prefix: String,
    /// UNIX time that virtual time zero maps to, for `created`, `started`,
    /// `finished` and `RateLimit-Reset`. `None` (the default): a
    /// [`SimServer`](crate::SimServer) with a real clock uses the wall clock at its
    /// start, and anything else [`DEFAULT_EPOCH_UNIX`].
    pub epoch_unix: Option<i64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            token: "sim-token".to_owned(),
            seed: 0,
            action_duration: Duration::from_secs(2),
            command_durations: BTreeMap::new(),
            fail_commands: Vec::new(),
            rate_limit_capacity: 3600,
            rate_limit_refill_per_sec: 1.0,
            api_prefix: "/v1".to_owned(),
            epoch_unix: None,
        }
    }
}

impl SimConfig {
    /// Sets [`token`](Self::token).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// Sets [`seed`](Self::seed).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets [`action_duration`](Self::action_duration).
    pub fn with_action_duration(mut self, duration: Duration) -> Self {
        self.action_duration = duration;
        self
    }

    /// Overrides the duration of actions with the given command.
    pub fn with_command_duration(mut self, command: impl Into<String>, duration: Duration) -> Self {
        self.command_durations.insert(command.into(), duration);
        self
    }

    /// Makes actions with the given command fail.
    pub fn with_failing_command(mut self, command: impl Into<String>) -> Self {
        self.fail_commands.push(command.into());
        self
    }

    /// Sets the rate-limit bucket size and refill rate (tokens per second).
    pub fn with_rate_limit(mut self, capacity: u32, refill_per_sec: f64) -> Self {
        self.rate_limit_capacity = capacity;
        self.rate_limit_refill_per_sec = refill_per_sec;
        self
    }

    /// Sets [`api_prefix`](Self::api_prefix); a trailing slash is ignored.
    pub fn with_api_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.api_prefix = prefix.into();
        self
    }

    /// Fixes [`epoch_unix`](Self::epoch_unix).
    pub fn with_epoch_unix(mut self, epoch_unix: i64) -> Self {
        self.epoch_unix = Some(epoch_unix);
        self
    }

    /// The duration of an action with this command.
    pub fn duration_of(&self, command: &str) -> Duration {
        self.command_durations.get(command).copied().unwrap_or(self.action_duration)
    }

    /// Whether actions with this command are configured to fail.
    pub fn fails(&self, command: &str) -> bool {
        self.fail_commands.iter().any(|c| c == command)
    }

    /// The API prefix as used for matching: leading slash, no trailing slash
    /// (empty when the API is served at the root).
    pub(crate) fn normalized_prefix(&self) -> String {
        let p = self.api_prefix.trim_end_matches('/');
        if p.is_empty() || p.starts_with('/') {
            p.to_owned()
        } else {
            format!("/{p}")
        }
    }
}
