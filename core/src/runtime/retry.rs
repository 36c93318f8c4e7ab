//! Retrying one operation: which failures are retried, how long to back off, and the
//! [`Retrying`] machine that applies it to every call.

use std::time::Duration;

use http::header::RETRY_AFTER;

use crate::config::Config;
use crate::error::{Error, ErrorCode, TransportFailure, TransportFailureKind};
use crate::machine::{misuse, Jitter, Machine, Step, TimeLeft, Timestamp};
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
///
/// With a deadline ([`Retrying::with_deadline`]) every attempt carries the time left as a
/// [`TimeLeft`] extension, no retry is scheduled that would start at or after the deadline,
/// and nothing is sent once it has passed (that ends in a timeout that sent nothing).
pub struct Retrying<Op: Operation> {
    op: Op,
    request: Result<HttpRequest, Option<Error>>,
    policy: RetryPolicy,
    jitter: Jitter,
    state: State,
    retries: u32,
    deadline: Option<Timestamp>,
    cut_short: bool,
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
            deadline: None,
            cut_short: false,
            outcome: None,
        }
    }

    /// Ends the call at `deadline` (on the driver's clock): each attempt may take only the
    /// time left, and no retry starts at or after it.
    pub fn with_deadline(mut self, deadline: Timestamp) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The deadline set with [`with_deadline`](Self::with_deadline).
    pub fn deadline(&self) -> Option<Timestamp> {
        self.deadline
    }

    /// Whether the call failed because its deadline came first: an attempt that would have
    /// been made (a first one, or a retry the policy allowed) was not.
    pub fn cut_short_by_deadline(&self) -> bool {
        self.cut_short
    }

    /// Retries made so far.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The operation being run.
    pub fn operation(&self) -> &Op {
        &self.op
    }

    /// The token the request carries, so that an answer echoing it is not shown.
    fn token(&self) -> Option<&str> {
        let request = self.request.as_ref().ok()?;
        let value = request.headers().get(http::header::AUTHORIZATION)?.to_str().ok()?;
        value.strip_prefix("Bearer ")
    }

    fn send(&mut self, now: Timestamp) -> Step<Op::Output> {
        match &mut self.request {
            Ok(request) => {
                let mut request = request.clone();
                if let Some(deadline) = self.deadline {
                    if now >= deadline {
                        self.cut_short = true;
                        self.state = State::Finished;
                        let nothing_sent =
                            TransportFailure { kind: TransportFailureKind::Timeout, maybe_sent: false };
                        return Step::Failed(Error::Transport(nothing_sent));
                    }
                    request.extensions_mut().insert(TimeLeft(deadline.saturating_since(now)));
                }
                self.state = State::InFlight;
                Step::Send(request)
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
            let until = now + delay;
            if self.deadline.is_some_and(|deadline| until >= deadline) {
                self.cut_short = true;
                self.outcome = Some(Err(error));
                self.state = State::Finished;
                return;
            }
            self.retries += 1;
            self.state = State::Sleeping { until };
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
            State::Ready => self.send(now),
            State::InFlight => misuse("polled while a request was in flight"),
            State::Sleeping { until } if now < until => Step::Sleep(until.saturating_since(now)),
            State::Sleeping { .. } => self.send(now),
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
            Err(error) => {
                let error = match self.token() {
                    Some(token) => error.without_secret(token),
                    None => error,
                };
                self.settle(now, error, requested)
            }
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::runtime::testing::{action_json, drive, json, server_json, Answer};
    use crate::servers::{CreateServer, GetServer};
    use crate::ServerId;

    fn cfg() -> Config {
        Config::new("tok-sekr1t").unwrap()
    }

    fn fast() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(40),
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn transport_failures_are_resent_only_when_nothing_can_be_duplicated() {
        use TransportFailureKind::{Connect, Other, Timeout, TooLarge};
        // (kind, maybe sent, retried when idempotent, retried when not)
        let table = [
            (Connect, false, true, true),
            (Connect, true, true, true),
            (Timeout, false, true, true),
            (Timeout, true, true, false),
            (Other, false, false, false),
            (Other, true, true, false),
            (TooLarge, false, false, false),
            (TooLarge, true, false, false),
        ];
        for (kind, maybe_sent, idempotent, not_idempotent) in table {
            let error = Error::Transport(TransportFailure { kind, maybe_sent });
            let policy = RetryPolicy::default();
            assert_eq!(policy.should_retry(&error, true), idempotent, "{kind:?}, maybe sent {maybe_sent}");
            assert_eq!(
                policy.should_retry(&error, false),
                not_idempotent,
                "{kind:?}, maybe sent {maybe_sent}"
            );
            let lenient = RetryPolicy { resend_ambiguous: true, ..RetryPolicy::default() };
            assert_eq!(lenient.should_retry(&error, false), idempotent, "{kind:?}, maybe sent {maybe_sent}");
        }
    }

    #[test]
    fn no_retries_means_one_attempt() {
        assert_eq!(RetryPolicy::none().max_retries, 0);
        let timeout = json(504, &json!({"error": {"code": "timeout", "message": "slow", "details": null}}));
        let mut call = Retrying::new(GetServer { id: ServerId(1) }, &cfg(), RetryPolicy::none(), 1);
        let run = drive(&mut call, Duration::from_secs(60), 10, |_, _| {
            Answer::After(Duration::ZERO, timeout.clone())
        });
        let error = run.outcome.unwrap_err();
        assert!(error.is_retryable(), "{error}");
        assert_eq!(run.sent.len(), 1);
    }

    #[test]
    fn extreme_retry_settings_never_overflow() {
        let policy = RetryPolicy {
            max_retries: 32,
            base_delay: Duration::from_secs(8_589_935),
            max_delay: Duration::from_secs(18_446_744_073_709_552),
            resend_ambiguous: false,
        };
        for seed in 0..16 {
            let mut call = Retrying::new(GetServer { id: ServerId(1) }, &cfg(), policy.clone(), seed);
            let run = drive(&mut call, Duration::from_secs(1), 200, |_, _| {
                Answer::FailAfter(Duration::ZERO, TransportFailure::timeout())
            });
            assert_eq!(run.outcome.unwrap_err(), Error::Transport(TransportFailure::timeout()));
            assert_eq!(run.sent.len(), 33);
            assert_eq!(run.slept.len(), 32);
        }
    }

    #[test]
    fn a_reset_or_truncated_get_is_retried_but_a_post_is_not_resent() {
        let mut answers = 0;
        let mut get = Retrying::new(GetServer { id: ServerId(7) }, &cfg(), fast(), 1);
        let run = drive(&mut get, Duration::from_secs(60), 20, |_, _| {
            answers += 1;
            match answers {
                1 => Answer::FailAfter(Duration::ZERO, TransportFailure::other()),
                _ => Answer::After(
                    Duration::ZERO,
                    json(200, &json!({"server": server_json(7, "web", "running")})),
                ),
            }
        });
        assert_eq!(run.outcome.unwrap().id, ServerId(7));
        assert_eq!(run.sent.len(), 2);

        let mut post = Retrying::new(CreateServer::new("web", "cpx22", "ubuntu-24.04"), &cfg(), fast(), 1);
        let run = drive(&mut post, Duration::from_secs(60), 20, |_, _| {
            Answer::FailAfter(Duration::ZERO, TransportFailure::other())
        });
        assert_eq!(run.outcome.unwrap_err(), Error::Transport(TransportFailure::other()));
        assert_eq!(run.sent.len(), 1, "a create is never resent after an ambiguous failure");
    }

    #[test]
    fn a_request_that_could_not_be_formed_is_not_retried() {
        let unsent = TransportFailure { kind: TransportFailureKind::Other, maybe_sent: false };
        let mut get = Retrying::new(GetServer { id: ServerId(7) }, &cfg(), fast(), 1);
        let run =
            drive(&mut get, Duration::from_secs(60), 20, |_, _| Answer::FailAfter(Duration::ZERO, unsent));
        assert_eq!(run.outcome.unwrap_err(), Error::Transport(unsent));
        assert_eq!(run.sent.len(), 1);
        let too_large = TransportFailure { kind: TransportFailureKind::TooLarge, maybe_sent: true };
        let mut get = Retrying::new(GetServer { id: ServerId(7) }, &cfg(), fast(), 1);
        let run =
            drive(&mut get, Duration::from_secs(60), 20, |_, _| Answer::FailAfter(Duration::ZERO, too_large));
        assert_eq!(run.sent.len(), 1, "the same oversized answer would come again");
    }

    #[test]
    fn with_a_deadline_each_attempt_gets_only_the_time_left_and_none_starts_after_it() {
        let policy = RetryPolicy { base_delay: Duration::from_secs(1), ..RetryPolicy::default() };
        let deadline = Timestamp::from_millis(2_500);
        let mut call =
            Retrying::new(GetServer { id: ServerId(1) }, &cfg(), policy, 3).with_deadline(deadline);
        let run = drive(&mut call, Duration::from_secs(60), 50, |_, _| Answer::Silence);
        assert!(call.cut_short_by_deadline());
        assert!(matches!(run.outcome, Err(Error::Transport(f)) if f.kind == TransportFailureKind::Timeout));
        assert!(run.now <= deadline, "ended at {:?}", run.now);
        for (at, request) in &run.sent {
            assert_eq!(TimeLeft::of(request), Some(deadline.saturating_since(*at)), "sent at {at:?}");
        }

        let mut late =
            Retrying::new(GetServer { id: ServerId(1) }, &cfg(), fast(), 3).with_deadline(Timestamp::ZERO);
        let run = drive(&mut late, Duration::from_secs(60), 5, |_, _| unreachable!("nothing is sent"));
        assert_eq!(
            run.outcome.unwrap_err(),
            Error::Transport(TransportFailure { kind: TransportFailureKind::Timeout, maybe_sent: false })
        );
        assert!(late.cut_short_by_deadline());
    }

    #[test]
    fn an_answer_echoing_the_token_or_a_password_never_shows_them() {
        let echo = http::Response::builder()
            .status(500)
            .body(b"<html>Authorization: Bearer tok-sekr1t\r\nroot_password=x</html>".to_vec())
            .unwrap();
        let mut call = Retrying::new(GetServer { id: ServerId(1) }, &cfg(), RetryPolicy::none(), 1);
        let run =
            drive(&mut call, Duration::from_secs(1), 5, |_, _| Answer::After(Duration::ZERO, echo.clone()));
        let error = run.outcome.unwrap_err();
        for shown in [format!("{error}"), format!("{error:?}")] {
            assert!(!shown.contains("tok-sekr1t") && !shown.contains('\n'), "{shown}");
        }

        let body =
            br#"{"server": {"id": 1, "name": "web"}, "root_password": "hunter2-pw", "action": {"id": "x"}}"#;
        let mut create =
            Retrying::new(CreateServer::new("web", "cpx22", "ubuntu-24.04"), &cfg(), RetryPolicy::none(), 1);
        let answer = http::Response::builder().status(201).body(body.to_vec()).unwrap();
        let run = drive(&mut create, Duration::from_secs(1), 5, |_, _| {
            Answer::After(Duration::ZERO, answer.clone())
        });
        let error = run.outcome.unwrap_err();
        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        assert_eq!(decode.body.expose(), body, "the bytes are kept for whoever asks for them");
        let byte_list = format!("{:?}", b"hunter2-pw").trim_matches(['[', ']']).to_owned();
        for shown in [format!("{error}"), format!("{error:?}"), format!("{:#?}", error)] {
            assert!(!shown.contains("hunter2") && !shown.contains(&byte_list), "{shown}");
        }
        assert!(format!("{error:?}").contains(&format!("len: {}", body.len())));

        // A password of the wrong type is quoted by the decoder: not in our messages.
        let odd = json!({"server": server_json(1, "web", "running"), "action": action_json(1, "create_server", "running"),
            "next_actions": [], "root_password": 1234567890});
        let answer = json(201, &odd);
        let mut create =
            Retrying::new(CreateServer::new("web", "cpx22", "ubuntu-24.04"), &cfg(), RetryPolicy::none(), 1);
        let run = drive(&mut create, Duration::from_secs(1), 5, |_, _| {
            Answer::After(Duration::ZERO, answer.clone())
        });
        let error = run.outcome.unwrap_err();
        for shown in [format!("{error}"), format!("{error:?}")] {
            assert!(!shown.contains("1234567890"), "{shown}");
        }
    }
}
