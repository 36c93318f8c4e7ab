//! Waiting: for many actions at once ([`ActionWaiter`]), and for any resource to satisfy a
//! predicate ([`PollUntil`]; `servers::ServerStatusWait` and `actions::ActionStatusWait` are
//! two such predicates).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::actions::{Action, ActionStatus, ListActionsByIds, MAX_IDS_PER_REQUEST};
use crate::config::Config;
use crate::error::{Error, TransportFailure, WaitLimit};
use crate::ids::ActionId;
use crate::machine::{misuse, Machine, Step, Timestamp};
use crate::operation::Operation;
use crate::retry::{RetryPolicy, Retrying};
use crate::wire::HttpResponse;

/// How often to poll and when to give up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitPolicy {
    /// Pause before the first poll of a round; doubles each round up to `max_interval`.
    pub interval: Duration,
    /// The longest pause between rounds. Equal to `interval` for a constant pace.
    pub max_interval: Duration,
    /// Give up after this many polling rounds.
    pub max_attempts: Option<u32>,
    /// Give up once this much time has passed since the wait began. The deadline bounds
    /// everything: each poll may take only the time left (its transport timeout shrinks to
    /// it), its retries stop before the deadline, and no round starts at or after it.
    pub timeout: Option<Duration>,
}

impl WaitPolicy {
    /// Actions: first poll after 250 ms, then 500 ms later, then every second, so a wait
    /// ends within about a second of the last action finishing (one request per round per
    /// 25 actions); gives up after an hour.
    pub fn for_actions() -> Self {
        Self {
            interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(1),
            max_attempts: None,
            timeout: Some(Duration::from_secs(3600)),
        }
    }

    /// A status wait in the style of `hetznercloud` for Python: `attempts` polls, `interval`
    /// apart, no deadline.
    pub fn attempts(attempts: u32, interval: Duration) -> Self {
        Self { interval, max_interval: interval, max_attempts: Some(attempts), timeout: None }
    }

    /// Also give up once `timeout` has passed.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    fn pause(&self, rounds_done: u32) -> Duration {
        let factor = 1u32.checked_shl(rounds_done.min(31)).unwrap_or(u32::MAX);
        self.interval.saturating_mul(factor).min(self.max_interval.max(self.interval))
    }
}

impl Default for WaitPolicy {
    /// The defaults of `hetznercloud` for Python: 20 polls, 1 s apart.
    fn default() -> Self {
        Self::attempts(20, Duration::from_secs(1))
    }
}

/// Tracks the shared bookkeeping of both waiters: when the wait began, rounds made, and
/// whether a limit has been reached.
#[derive(Clone, Debug)]
struct Pace {
    policy: WaitPolicy,
    started: Option<Timestamp>,
    rounds: u32,
    wake: Option<Timestamp>,
}

impl Pace {
    fn new(policy: WaitPolicy) -> Self {
        Self { policy, started: None, rounds: 0, wake: None }
    }

    fn start(&mut self, now: Timestamp) -> Timestamp {
        *self.started.get_or_insert(now)
    }

    fn deadline(&mut self, now: Timestamp) -> Option<Timestamp> {
        let started = self.start(now);
        self.policy.timeout.map(|t| started + t)
    }

    /// Whether the deadline has come: no further round may start.
    fn out_of_time(&mut self, now: Timestamp) -> bool {
        self.deadline(now).is_some_and(|deadline| now >= deadline)
    }

    /// A fetch for the next round, bound by the deadline.
    fn fetch<Op: Operation>(
        &mut self,
        now: Timestamp,
        op: Op,
        cfg: &Config,
        retry: &RetryPolicy,
        seed: u64,
    ) -> Retrying<Op> {
        let fetch = Retrying::new(op, cfg, retry.clone(), seed);
        match self.deadline(now) {
            Some(deadline) => fetch.with_deadline(deadline),
            None => fetch,
        }
    }

    /// After a round that did not reach the goal: the limit reached, if any; otherwise
    /// schedules the next round. A round due at the deadline is not made: the wait ends
    /// there.
    fn after_round(&mut self, now: Timestamp) -> Option<WaitLimit> {
        self.rounds = self.rounds.saturating_add(1);
        if self.policy.max_attempts.is_some_and(|max| self.rounds >= max) {
            return Some(WaitLimit::Attempts(self.rounds));
        }
        if self.out_of_time(now) {
            return Some(WaitLimit::Deadline);
        }
        let mut wake = now + self.policy.pause(self.rounds - 1);
        if let Some(deadline) = self.deadline(now) {
            wake = wake.min(deadline);
        }
        self.wake = Some(wake);
        None
    }

    /// Before the first round: sleep one interval first (actions), unless the deadline is
    /// already here.
    fn schedule_first(&mut self, now: Timestamp) {
        let mut wake = now + self.policy.pause(0);
        if let Some(deadline) = self.deadline(now) {
            wake = wake.min(deadline);
        }
        self.wake = Some(wake);
    }

    /// `Some(pause)` while it is not yet time for the next round.
    fn pending_sleep(&self, now: Timestamp) -> Option<Duration> {
        self.wake.filter(|&wake| now < wake).map(|wake| wake.saturating_since(now))
    }
}

/// What a round of action polling is doing.
#[derive(Debug)]
enum ActionState {
    Idle,
    Fetching { chunk: Vec<ActionId>, rest: Vec<Vec<ActionId>>, fetch: Box<Retrying<ListActionsByIds>> },
    Finished(Option<Result<Vec<Action>, Error>>),
}

type ProgressFn = Box<dyn FnMut(&Action) + Send>;

/// Waits for many actions at once until all succeed.
///
/// It starts from the actions as last seen (for example as a create call returned them):
/// those already finished need no request. Each round it sleeps, then asks for the running
/// ones with `GET /actions?id=..` in sorted chunks of 25. It fails fast when an action ends in
/// `error`, fails when the API leaves an asked-for id out (instead of waiting forever), and
/// stops at the policy's attempt limit or deadline. Done carries the final state of every
/// action in the order given.
pub struct ActionWaiter {
    cfg: Config,
    retry: RetryPolicy,
    seed: u64,
    order: Vec<ActionId>,
    latest: BTreeMap<ActionId, Action>,
    pace: Pace,
    state: ActionState,
    on_progress: Option<ProgressFn>,
    requests: u32,
}

impl std::fmt::Debug for ActionWaiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionWaiter")
            .field("order", &self.order)
            .field("latest", &self.latest)
            .field("pace", &self.pace)
            .field("state", &self.state)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl ActionWaiter {
    /// Waits for `actions`, starting from the state given.
    pub fn new(
        actions: impl IntoIterator<Item = Action>,
        cfg: &Config,
        policy: WaitPolicy,
        retry: RetryPolicy,
        seed: u64,
    ) -> Self {
        let mut order = Vec::new();
        let mut latest = BTreeMap::new();
        for action in actions {
            if !latest.contains_key(&action.id) {
                order.push(action.id);
            }
            latest.insert(action.id, action);
        }
        Self {
            cfg: cfg.clone(),
            retry,
            seed,
            order,
            latest,
            pace: Pace::new(policy),
            state: ActionState::Idle,
            on_progress: None,
            requests: 0,
        }
    }

    /// Calls `callback` with every action whose state changed, as each poll reports it.
    pub fn on_progress(mut self, callback: impl FnMut(&Action) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(callback));
        self
    }

    /// The latest known state of every awaited action.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.order.iter().filter_map(|id| self.latest.get(id))
    }

    /// Requests made so far, for observing the cost of a wait.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    fn running(&self) -> Vec<ActionId> {
        self.latest.values().filter(|a| !a.is_finished()).map(|a| a.id).collect()
    }

    fn first_failure(&self) -> Option<Error> {
        self.actions().find(|a| a.status == ActionStatus::Error).map(|a| {
            let (code, message) = match &a.error {
                Some(e) => (e.code.clone(), e.message.clone()),
                None => ("unknown".to_owned(), "the action ended in error without details".to_owned()),
            };
            Error::ActionFailed { id: a.id, command: a.command.clone(), code, message }
                .without_secret(self.cfg.token().expose())
        })
    }

    /// Settles when the goal or a failure is reached; returns whether it settled.
    fn settle_if_decided(&mut self) -> bool {
        if let Some(error) = self.first_failure() {
            self.state = ActionState::Finished(Some(Err(error)));
            return true;
        }
        if self.running().is_empty() {
            let done = self.actions().cloned().collect();
            self.state = ActionState::Finished(Some(Ok(done)));
            return true;
        }
        false
    }

    fn start_fetch(&mut self, now: Timestamp, mut chunks: Vec<Vec<ActionId>>) {
        let chunk = chunks.remove(0);
        self.requests = self.requests.saturating_add(1);
        let op = ListActionsByIds::new(chunk.iter().copied());
        let seed = self.seed.wrapping_add(u64::from(self.requests));
        let fetch = Box::new(self.pace.fetch(now, op, &self.cfg, &self.retry, seed));
        self.state = ActionState::Fetching { chunk, rest: chunks, fetch };
    }

    fn out_of_time(&mut self) {
        let ids: Vec<u64> = self.running().iter().map(|id| id.0).collect();
        let what = format!("actions {ids:?} to finish");
        let attempts = self.pace.rounds;
        self.finish(Err(Error::WaitExhausted { what, attempts, limit: WaitLimit::Deadline }));
    }

    fn finish(&mut self, outcome: Result<Vec<Action>, Error>) {
        self.state = ActionState::Finished(Some(outcome));
    }

    /// Takes in one fetched chunk, then starts the next chunk, settles, or schedules the
    /// next round.
    fn chunk_done(&mut self, now: Timestamp, fetched: Vec<Action>) {
        let ActionState::Fetching { chunk, rest, .. } = std::mem::replace(&mut self.state, ActionState::Idle)
        else {
            return;
        };
        if let Err(error) = self.absorb(&chunk, fetched) {
            return self.finish(Err(error));
        }
        if let Some(error) = self.first_failure() {
            return self.finish(Err(error));
        }
        if !rest.is_empty() {
            if self.pace.out_of_time(now) {
                return self.out_of_time();
            }
            return self.start_fetch(now, rest);
        }
        if self.settle_if_decided() {
            return;
        }
        if let Some(limit) = self.pace.after_round(now) {
            let ids: Vec<u64> = self.running().iter().map(|id| id.0).collect();
            let what = format!("actions {ids:?} to finish");
            self.finish(Err(Error::WaitExhausted { what, attempts: self.pace.rounds, limit }));
        }
    }

    fn absorb(&mut self, asked: &[ActionId], fetched: Vec<Action>) -> Result<(), Error> {
        let mut missing: Vec<ActionId> = asked.to_vec();
        for action in fetched {
            missing.retain(|id| *id != action.id);
            let Some(known) = self.latest.get_mut(&action.id) else { continue };
            if *known != action {
                if let Some(callback) = self.on_progress.as_mut() {
                    callback(&action);
                }
                *known = action;
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::MissingActions(missing))
        }
    }
}

impl Machine for ActionWaiter {
    type Output = Vec<Action>;

    fn poll(&mut self, now: Timestamp) -> Step<Vec<Action>> {
        // Each pass either returns or moves the state forward (a chunk absorbed, a round
        // finished), so the loop ends after a handful of passes.
        loop {
            match &mut self.state {
                ActionState::Finished(outcome) => {
                    return match outcome.take() {
                        Some(Ok(actions)) => Step::Done(actions),
                        Some(Err(error)) => Step::Failed(error),
                        None => misuse("polled after it finished"),
                    }
                }
                ActionState::Fetching { fetch, .. } => match fetch.poll(now) {
                    Step::Done(fetched) => self.chunk_done(now, fetched),
                    Step::Failed(_) if fetch.cut_short_by_deadline() => {
                        // This round was made, though it could not be completed in time.
                        self.pace.rounds = self.pace.rounds.saturating_add(1);
                        self.out_of_time();
                    }
                    Step::Failed(error) => {
                        self.state = ActionState::Finished(None);
                        return Step::Failed(error);
                    }
                    other => return other,
                },
                ActionState::Idle => {
                    if self.pace.started.is_none() {
                        self.pace.start(now);
                        if self.settle_if_decided() {
                            continue;
                        }
                        self.pace.schedule_first(now);
                    }
                    if let Some(pause) = self.pace.pending_sleep(now) {
                        return Step::Sleep(pause);
                    }
                    if self.pace.out_of_time(now) {
                        self.out_of_time();
                        continue;
                    }
                    let chunks: Vec<Vec<ActionId>> =
                        self.running().chunks(MAX_IDS_PER_REQUEST).map(<[ActionId]>::to_vec).collect();
                    self.start_fetch(now, chunks);
                }
            }
        }
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        match &mut self.state {
            ActionState::Fetching { fetch, .. } => fetch.handle_response(now, response),
            _ => self.finish(Err(Error::Misuse("a response arrived with no request in flight".into()))),
        }
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        match &mut self.state {
            ActionState::Fetching { fetch, .. } => fetch.handle_transport_error(now, failure),
            _ => {
                self.finish(Err(Error::Misuse("a transport error arrived with no request in flight".into())))
            }
        }
    }
}

/// Polls one resource until a condition holds: fetch, check, sleep, repeat.
///
/// The condition returns `Ok(true)` when the goal is met, `Ok(false)` to keep waiting, and
/// `Err` when the goal can no longer be reached (an action that ended in `error`). Done
/// carries the resource as last fetched.
pub struct PollUntil<Op: Operation, F> {
    op: Op,
    cfg: Config,
    retry: RetryPolicy,
    seed: u64,
    what: String,
    condition: F,
    pace: Pace,
    fetch: Option<Retrying<Op>>,
    finished: bool,
}

impl<Op: Operation + std::fmt::Debug, F> std::fmt::Debug for PollUntil<Op, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollUntil")
            .field("op", &self.op)
            .field("what", &self.what)
            .field("pace", &self.pace)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<Op, F> PollUntil<Op, F>
where
    Op: Operation + Clone,
    F: FnMut(&Op::Output) -> Result<bool, Error>,
{
    /// Polls `op` until `condition` holds; `what` describes the goal in errors.
    pub fn new(
        op: Op,
        condition: F,
        what: impl Into<String>,
        cfg: &Config,
        policy: WaitPolicy,
        retry: RetryPolicy,
        seed: u64,
    ) -> Self {
        Self {
            op,
            cfg: cfg.clone(),
            retry,
            seed,
            what: what.into(),
            condition,
            pace: Pace::new(policy),
            fetch: None,
            finished: false,
        }
    }

    /// Polls made so far.
    pub fn attempts(&self) -> u32 {
        self.pace.rounds + u32::from(self.fetch.is_some())
    }

    fn fail(&mut self, error: Error) -> Step<Op::Output> {
        self.finished = true;
        self.fetch = None;
        Step::Failed(error)
    }

    fn out_of_time(&mut self) -> Step<Op::Output> {
        let error = Error::WaitExhausted {
            what: self.what.clone(),
            attempts: self.pace.rounds,
            limit: WaitLimit::Deadline,
        };
        self.fail(error)
    }
}

impl<Op, F> Machine for PollUntil<Op, F>
where
    Op: Operation + Clone,
    F: FnMut(&Op::Output) -> Result<bool, Error>,
{
    type Output = Op::Output;

    fn poll(&mut self, now: Timestamp) -> Step<Op::Output> {
        if self.finished {
            return misuse("polled after it finished");
        }
        self.pace.start(now);
        if self.fetch.is_none() {
            if let Some(pause) = self.pace.pending_sleep(now) {
                return Step::Sleep(pause);
            }
            if self.pace.out_of_time(now) {
                return self.out_of_time();
            }
            let seed = self.seed.wrapping_add(u64::from(self.pace.rounds));
            self.fetch = Some(self.pace.fetch(now, self.op.clone(), &self.cfg, &self.retry, seed));
        }
        let Some(fetch) = self.fetch.as_mut() else {
            return misuse("no fetch in progress");
        };
        match fetch.poll(now) {
            Step::Done(value) => {
                self.fetch = None;
                match (self.condition)(&value) {
                    Ok(true) => {
                        self.finished = true;
                        Step::Done(value)
                    }
                    Err(error) => {
                        let error = error.without_secret(self.cfg.token().expose());
                        self.fail(error)
                    }
                    Ok(false) => match self.pace.after_round(now) {
                        Some(limit) => {
                            let error = Error::WaitExhausted {
                                what: self.what.clone(),
                                attempts: self.pace.rounds,
                                limit,
                            };
                            self.fail(error)
                        }
                        None => self.poll(now),
                    },
                }
            }
            Step::Failed(_) if fetch.cut_short_by_deadline() => {
                // This round was made, though it could not be completed in time.
                self.pace.rounds = self.pace.rounds.saturating_add(1);
                self.out_of_time()
            }
            Step::Failed(error) => self.fail(error),
            other => other,
        }
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        if let Some(fetch) = self.fetch.as_mut() {
            fetch.handle_response(now, response);
        }
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        if let Some(fetch) = self.fetch.as_mut() {
            fetch.handle_transport_error(now, failure);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::machine::TimeLeft;
    use crate::runtime::testing::{action_json, drive, json, server_json, Answer};
    use crate::servers::ServerStatusWait;
    use crate::{ServerId, ServerStatus};

    fn cfg() -> Config {
        Config::new("t").unwrap()
    }

    fn running_action(id: u64) -> Action {
        serde_json::from_value(action_json(id, "start_server", "running")).unwrap()
    }

    fn status_wait(policy: WaitPolicy) -> ServerStatusWait {
        ServerStatusWait::server_status(
            ServerId(1),
            ServerStatus::Running,
            &cfg(),
            policy,
            RetryPolicy::default(),
            9,
        )
    }

    fn action_wait(actions: impl IntoIterator<Item = Action>, policy: WaitPolicy) -> ActionWaiter {
        ActionWaiter::new(actions, &cfg(), policy, RetryPolicy::default(), 4)
    }

    /// The wait ended by its deadline, and every request it sent carried only the time left.
    fn assert_bounded<T: std::fmt::Debug>(run: &crate::runtime::testing::Drive<T>, deadline: Duration) {
        let error = run.outcome.as_ref().unwrap_err();
        assert!(matches!(error, Error::WaitExhausted { limit: WaitLimit::Deadline, .. }), "{error:?}");
        assert!(run.now.elapsed() <= deadline, "ended at {:?}, deadline {deadline:?}", run.now);
        for (at, request) in &run.sent {
            let left = deadline.saturating_sub(at.elapsed());
            assert_eq!(TimeLeft::of(request), Some(left), "request at {at:?}");
        }
    }

    #[test]
    fn a_status_wait_with_a_deadline_ends_by_it_when_polls_hang() {
        let deadline = Duration::from_secs(10);
        let policy = WaitPolicy::default().with_timeout(deadline);
        let mut wait = status_wait(policy);
        let run = drive(&mut wait, Duration::from_secs(60), 500, |_, _| Answer::Silence);
        assert_bounded(&run, deadline);
    }

    #[test]
    fn a_status_wait_with_a_deadline_ends_by_it_when_polls_are_slow() {
        let deadline = Duration::from_secs(1);
        let policy = WaitPolicy::attempts(100, Duration::from_millis(100)).with_timeout(deadline);
        let mut wait = status_wait(policy);
        let starting = json(200, &json!({"server": server_json(1, "web", "starting")}));
        let run = drive(&mut wait, Duration::from_secs(60), 500, |_, _| {
            Answer::After(Duration::from_millis(700), starting.clone())
        });
        assert_bounded(&run, deadline);
        assert!(matches!(run.outcome, Err(Error::WaitExhausted { attempts: 2, .. })), "{:?}", run.outcome);
    }

    #[test]
    fn an_action_wait_with_a_deadline_ends_by_it_when_polls_hang() {
        let deadline = Duration::from_secs(10);
        let policy = WaitPolicy::for_actions().with_timeout(deadline);
        let mut wait = action_wait([running_action(1), running_action(2)], policy);
        let run = drive(&mut wait, Duration::from_secs(60), 500, |_, _| Answer::Silence);
        assert_bounded(&run, deadline);
    }

    #[test]
    fn an_action_wait_with_a_deadline_ends_by_it_when_answers_are_errors() {
        let deadline = Duration::from_secs(30);
        let policy = WaitPolicy::for_actions().with_timeout(deadline);
        let mut wait = action_wait([running_action(1)], policy);
        let busy = json(429, &json!({"error": {"code": "rate_limit_exceeded", "message": "slow down"}}));
        let mut busy = busy;
        busy.headers_mut().insert("retry-after", "25".parse().unwrap());
        let run = drive(&mut wait, Duration::from_secs(60), 500, |_, _| {
            Answer::After(Duration::from_secs(2), busy.clone())
        });
        assert_bounded(&run, deadline);
    }

    #[test]
    fn a_poll_that_is_reset_does_not_end_the_wait() {
        let policy = WaitPolicy::for_actions();
        let mut wait = action_wait([running_action(1)], policy);
        let mut polls = 0;
        let run = drive(&mut wait, Duration::from_secs(60), 500, |_, _| {
            polls += 1;
            match polls {
                1 | 3 => Answer::FailAfter(Duration::ZERO, TransportFailure::other()),
                2 => Answer::After(
                    Duration::ZERO,
                    json(
                        200,
                        &json!({"actions": [action_json(1, "start_server", "running")],
                    "meta": {"pagination": {"page": 1, "per_page": 25, "previous_page": null, "next_page": null, "last_page": 1, "total_entries": 1}}}),
                    ),
                ),
                _ => Answer::After(
                    Duration::ZERO,
                    json(
                        200,
                        &json!({"actions": [action_json(1, "start_server", "success")],
                    "meta": {"pagination": {"page": 1, "per_page": 25, "previous_page": null, "next_page": null, "last_page": 1, "total_entries": 1}}}),
                    ),
                ),
            }
        });
        assert_eq!(run.outcome.unwrap()[0].status, ActionStatus::Success);
    }

    #[test]
    fn a_deadline_already_reached_sends_nothing() {
        let mut wait = status_wait(WaitPolicy::default().with_timeout(Duration::ZERO));
        let run = drive(&mut wait, Duration::from_secs(60), 5, |_, _| unreachable!("nothing is sent"));
        assert!(matches!(
            run.outcome,
            Err(Error::WaitExhausted { limit: WaitLimit::Deadline, attempts: 0, .. })
        ));
    }
}
