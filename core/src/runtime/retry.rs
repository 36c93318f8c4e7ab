//! Retrying one operation: which failures are retried, how long to back off, and the
//! [`Retrying`] machine that applies it to every call.

use std::time::Duration;

use http::header::RETRY_AFTER;

use crate::config::Config;
use crate::error::{Error, ErrorCode, TransportFailure, TransportFailureKind};
use crate::machine::{misuse, Jitter, Machine, Step, Timestamp};
use crate::operation::Operation;
use crate::wire::{HttpRequest, HttpResponse};

/// How failed calls are retried.
///
/// The defaults: at most 5 retries; exponential backoff from 1 s doubling to a 60 s cap with
/// full jitter; at least 1 s after a rate-limit answer (or the `Retry-After` the server
/// asked for). A request that may already have been carried out is resent only when the
/// operation is idempotent, unless `resend_ambiguous` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The backoff ceiling of the first retry; it doubles for each further one.
    pub base_delay: Duration,
    /// The largest backoff.
    pub max_delay: Duration,
    /// Also resend non-idempotent requests (POST) after failures that leave it unknown whether
    /// the server acted: transport timeouts after sending, `bad_gateway`, `timeout`, and bare
    /// 502/504 answers. Off by default, because a resent create makes a second server.
    pub resend_ambiguous: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            resend_ambiguous: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// The backoff ceiling before retry number `retry` (0 for the first retry):
    /// `base_delay * 2^retry`, capped at `max_delay`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// Whether a failed attempt of an operation is worth another, given whether the
    /// operation is idempotent.
    pub fn should_retry(&self, error: &Error, idempotent: bool) -> bool {
        if !error.is_retryable() {
            return false;
        }
        let safe_to_resend = idempotent || self.resend_ambiguous;
        match error {
            // The API refused these before acting, so resending never duplicates anything.
            Error::Api(api) if matches!(api.code, ErrorCode::Conflict | ErrorCode::RateLimitExceeded) => true,
            Error::Transport(TransportFailure { maybe_sent: false, .. }) => true,
            Error::Transport(TransportFailure { kind: TransportFailureKind::Connect, .. }) => true,
            _ => safe_to_resend,
        }
    }
}

/// Reads how long the server asked us to wait, from `Retry-After` in seconds.
fn server_requested_delay(response: &HttpResponse) -> Option<Duration> {
    let seconds = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(seconds))
}

#[derive(Debug)]
enum State {
    Ready,
    InFlight,
    Sleeping { until: Timestamp },
    Finished,
}

/// One operation run with retries: the machine every single call goes through.
///
/// Its request is built once, up front, so invalid input fails on the first poll before
/// anything is sent.
pub struct Retrying<Op: Operation> {
    op: Op,
    request: Result<HttpRequest, Option<Error>>,
    policy: RetryPolicy,
    jitter: Jitter,
    state: State,
    retries: u32,
    outcome: Option<Result<Op::Output, Error>>,
}

impl<Op: Operation + std::fmt::Debug> std::fmt::Debug for Retrying<Op> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retrying")
            .field("op", &self.op)
            .field("policy", &self.policy)
            .field("state", &self.state)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

impl<Op: Operation> Retrying<Op> {
    /// Prepares `op` to run under `policy`; `seed` fixes the jitter sequence.
    pub fn new(op: Op, cfg: &Config, policy: RetryPolicy, seed: u64) -> Self {
        let request = op.to_request(cfg).map_err(Some);
        Self {
            op,
            request,
            policy,
            jitter: Jitter::new(seed),
            state: State::Ready,
            retries: 0,
            outcome: None,
        }
    }

    /// Retries made so far.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The operation being run.
    pub fn operation(&self) -> &Op {
        &self.op
    }

    fn send(&mut self) -> Step<Op::Output> {
        match &mut self.request {
            Ok(request) => {
                self.state = State::InFlight;
                Step::Send(request.clone())
            }
            Err(error) => {
                self.state = State::Finished;
                match error.take() {
                    Some(error) => Step::Failed(error),
                    None => misuse("polled after it finished"),
                }
            }
        }
    }

    fn settle(&mut self, now: Timestamp, error: Error, requested: Option<Duration>) {
        if self.retries < self.policy.max_retries && self.policy.should_retry(&error, self.op.idempotent()) {
            let mut delay = self.jitter.up_to(self.policy.ceiling(self.retries));
            if error.is_rate_limited() {
                delay = delay.max(self.policy.base_delay);
            }
            if let Some(requested) = requested {
                delay = delay.max(requested.min(self.policy.max_delay));
            }
            self.retries += 1;
            self.state = State::Sleeping { until: now + delay };
        } else {
            self.outcome = Some(Err(error));
            self.state = State::Finished;
        }
    }
}

impl<Op: Operation> Machine for Retrying<Op> {
    type Output = Op::Output;

    fn poll(&mut self, now: Timestamp) -> Step<Op::Output> {
        match self.state {
            State::Ready => self.send(),
            State::InFlight => misuse("polled while a request was in flight"),
            State::Sleeping { until } if now < until => Step::Sleep(until.saturating_since(now)),
            State::Sleeping { .. } => self.send(),
            State::Finished => match self.outcome.take() {
                Some(Ok(output)) => Step::Done(output),
                Some(Err(error)) => Step::Failed(error),
                None => misuse("polled after it finished"),
            },
        }
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        if !matches!(self.state, State::InFlight) {
            self.outcome = Some(Err(Error::Misuse("a response arrived with no request in flight".into())));
            self.state = State::Finished;
            return;
        }
        let requested = server_requested_delay(&response);
        match self.op.parse(response) {
            Ok(output) => {
                self.outcome = Some(Ok(output));
                self.state = State::Finished;
            }
            Err(error) => self.settle(now, error, requested),
        }
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        if !matches!(self.state, State::InFlight) {
            self.outcome =
                Some(Err(Error::Misuse("a transport error arrived with no request in flight".into())));
            self.state = State::Finished;
            return;
        }
        self.settle(now, Error::Transport(failure), None);
    }
}
