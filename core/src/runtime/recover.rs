//! Recovering a create whose outcome is unknown.
//!
//! A create that timed out after sending, whose connection was reset, or that a proxy
//! answered with a 502 may or may not have made the resource; it is never resent, since that
//! could make a second one. Names are unique per project, so the answer is one lookup away:
//! [`Recover`] runs the create, and when its outcome is unknown it pauses (so the API can
//! finish a request still in progress), looks the name up, and decides:
//!
//! - a resource of that name exists and matches the request (labels, the kind's type, created
//!   no earlier than the request by the server's clock less a margin): it is returned as
//!   [`CreateOutcome::Recovered`], with its running actions, so the caller can wait for them
//!   as for a fresh create;
//! - none exists (after [`RecoveryPolicy::lookups`] looks): [`Error::NotCreated`], so the
//!   caller knows that nothing was created and that creating again is safe;
//! - one exists but does not match: [`Error::CreateConflict`], naming the differences.
//!
//! If the lookup itself fails, the outcome stays unknown and the create's own error is
//! returned. What the lost answer alone carried cannot be recovered: a server's root password,
//! for one (reset it with `ResetServerPassword` if it is needed).
//!
//! Every create whose resource has a unique name implements [`Recoverable`].

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use crate::actions::{Action, ActionOwner, ActionPage, ActionStatus, ListActionsOf};
use crate::config::Config;
use crate::error::{Error, ErrorCode, TransportFailure, TransportFailureKind};
use crate::machine::{misuse, Machine, Step, Timestamp};
use crate::operation::Operation;
use crate::paginate::Paged;
use crate::retry::{RetryPolicy, Retrying};
use crate::wire::HttpResponse;

/// A listing of the actions of one resource that are still running.
pub type RunningActions = Box<dyn Operation<Output = ActionPage> + Send + Sync>;

/// A create whose resource has a name unique in the project, so that a create with an
/// unknown outcome can be settled by looking the name up (see the [module](self)).
pub trait Recoverable: Operation + Clone {
    /// The resource the create makes.
    type Resource: Clone + fmt::Debug;
    /// The list operation that finds it by name.
    type Lookup: Paged<Item = Self::Resource>;

    /// The kind of resource, for messages, such as `server`.
    const KIND: &'static str;

    /// The name asked for; `None` when the request names none (a floating IP may be
    /// unnamed), and then nothing can be recovered.
    fn name(&self) -> Option<&str>;

    /// The labels asked for.
    fn labels(&self) -> &BTreeMap<String, String>;

    /// The listing of resources with exactly this name.
    fn lookup(&self, name: &str) -> Self::Lookup;

    /// What every resource has: its id, name, labels and creation time.
    fn found(resource: &Self::Resource) -> Found<'_>;

    /// Where `resource` differs from the request in the kind's own fields (its type, size,
    /// location, …); name, labels and age are checked for every kind.
    fn differences(&self, resource: &Self::Resource) -> Vec<Difference> {
        let _ = resource;
        Vec::new()
    }

    /// The listing of the resource's running actions, for kinds that have actions.
    fn running_actions(resource: &Self::Resource) -> Option<RunningActions> {
        let _ = resource;
        None
    }

    /// The resource in the create's own answer.
    fn created_resource(output: &Self::Output) -> &Self::Resource;

    /// The actions in the create's own answer.
    fn created_actions(output: &Self::Output) -> Vec<Action> {
        let _ = output;
        Vec::new()
    }
}

/// Implements [`Recoverable`] for a create: its resource and lookup, the output's resource,
/// and optionally its actions (an output with [`HasActions`](crate::HasActions)), the
/// listing of running actions, and the fields compared besides name, labels and age (each
/// `field: asked => [names the resource has for it]`, compared as text; an `asked` of `None`
/// is not compared).
macro_rules! recoverable {
    (
        $create:ident => $resource:ident via $lookup:ident, $kind:literal,
        name($named:ident) $name:expr,
        created($output:ident: $out_ty:ty) $created:expr
        $(, actions $($has_actions:lifetime)?)?
        $(, running($running_of:ident) $running:expr)?
        $(, differ($asked:ident, $found:ident) { $($field:literal: $want:expr => [$($have:expr),+]),+ $(,)? })?
        $(,)?
    ) => {
        impl $crate::recover::Recoverable for $create {
            type Resource = $resource;
            type Lookup = $lookup;
            const KIND: &'static str = $kind;

            fn name(&self) -> Option<&str> {
                let $named = self;
                $name
            }

            fn labels(&self) -> &std::collections::BTreeMap<String, String> {
                &self.labels
            }

            fn lookup(&self, name: &str) -> $lookup {
                $lookup::by_name(name)
            }

            fn found(found: &$resource) -> $crate::recover::Found<'_> {
                $crate::recover::Found {
                    id: found.id.get(),
                    name: &found.name,
                    labels: &found.labels,
                    created: found.created,
                }
            }

            fn created_resource($output: &$out_ty) -> &$resource {
                $created
            }

            $(
                fn created_actions(output: &$out_ty) -> Vec<$crate::actions::Action> {
                    $($has_actions)?
                    $crate::actions::HasActions::actions(output).into_iter().cloned().collect()
                }
            )?

            $(
                fn running_actions($running_of: &$resource) -> Option<$crate::recover::RunningActions> {
                    $crate::recover::running_actions_of($running)
                }
            )?

            $(
                fn differences(&self, $found: &$resource) -> Vec<$crate::recover::Difference> {
                    let $asked = self;
                    [$($crate::recover::Difference::unless_any($field, $want, &[$(&$have),+])),+]
                        .into_iter()
                        .flatten()
                        .collect()
                }
            )?
        }
    };
}

pub(crate) use recoverable;

/// The fields of a resource that recovery reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Found<'a> {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: &'a str,
    /// Its labels.
    pub labels: &'a BTreeMap<String, String>,
    /// When it was created, by the API's clock.
    pub created: OffsetDateTime,
}

/// One way a resource found by name differs from the create that was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The field, such as `labels` or `server_type`.
    pub field: String,
    /// What the request asked for.
    pub asked: String,
    /// What the resource has.
    pub found: String,
}

impl Difference {
    /// A difference in `field`.
    pub fn new(field: impl Into<String>, asked: impl fmt::Display, found: impl fmt::Display) -> Self {
        Self { field: field.into(), asked: asked.to_string(), found: found.to_string() }
    }

    /// A difference when `asked` (if the request set it) is none of `found`'s names for it
    /// (a type may be given by name or by id).
    pub fn unless_any(
        field: &str,
        asked: Option<impl fmt::Display>,
        found: &[&dyn fmt::Display],
    ) -> Option<Self> {
        let asked = asked?.to_string();
        if found.iter().any(|f| f.to_string() == asked) {
            return None;
        }
        let shown = found.first().map(|f| f.to_string()).unwrap_or_default();
        Some(Self::new(field, asked, shown))
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::runtime::text::shown;
        write!(f, "{} asked {}, found {}", self.field, shown(&self.asked), shown(&self.found))
    }
}

/// How an unknown outcome is settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryPolicy {
    /// The pause before each lookup, so that the API has finished a request it was still
    /// processing (default 2 s).
    pub settle: Duration,
    /// How many lookups must find nothing before the answer is "nothing was created"
    /// (default 2).
    pub lookups: u32,
    /// How much earlier than the request (by the server's clock) a resource found may have
    /// been created and still count as made by it: clock resolution and the time the API took
    /// (default 60 s).
    pub margin: Duration,
}

impl Default for RecoveryPolicy {
    fn default() -> Self {
        Self { settle: Duration::from_secs(2), lookups: 2, margin: Duration::from_secs(60) }
    }
}

/// A resource whose create answer was lost, found by its name.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovered<R> {
    /// The resource, as listed.
    pub resource: R,
    /// Its actions that were still running when it was found: wait for these as for the
    /// actions of a create.
    pub running_actions: Vec<Action>,
    /// The failure that left the create's outcome unknown.
    pub cause: Error,
}

/// How a create ended: with its own answer, or recovered after the answer was lost.
pub enum CreateOutcome<Op: Recoverable> {
    /// The create answered: everything its answer carries.
    Created(Op::Output),
    /// The answer was lost; the resource was found by name and matches the request.
    Recovered(Recovered<Op::Resource>),
}

impl<Op: Recoverable> CreateOutcome<Op> {
    /// The resource, either way.
    pub fn resource(&self) -> &Op::Resource {
        match self {
            CreateOutcome::Created(output) => Op::created_resource(output),
            CreateOutcome::Recovered(recovered) => &recovered.resource,
        }
    }

    /// The actions to wait for: those of the answer, or those found running.
    pub fn actions(&self) -> Vec<Action> {
        match self {
            CreateOutcome::Created(output) => Op::created_actions(output),
            CreateOutcome::Recovered(recovered) => recovered.running_actions.clone(),
        }
    }

    /// Whether the answer was lost and the resource recovered.
    pub fn is_recovered(&self) -> bool {
        matches!(self, CreateOutcome::Recovered(_))
    }

    /// The create's own answer, unless it was lost.
    pub fn into_created(self) -> Option<Op::Output> {
        match self {
            CreateOutcome::Created(output) => Some(output),
            CreateOutcome::Recovered(_) => None,
        }
    }
}

impl<Op: Recoverable> fmt::Debug for CreateOutcome<Op>
where
    Op::Output: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreateOutcome::Created(output) => f.debug_tuple("Created").field(output).finish(),
            CreateOutcome::Recovered(recovered) => f.debug_tuple("Recovered").field(recovered).finish(),
        }
    }
}

impl<Op: Recoverable> Clone for CreateOutcome<Op>
where
    Op::Output: Clone,
{
    fn clone(&self) -> Self {
        match self {
            CreateOutcome::Created(output) => CreateOutcome::Created(output.clone()),
            CreateOutcome::Recovered(recovered) => CreateOutcome::Recovered(recovered.clone()),
        }
    }
}

impl Error {
    /// Whether a create that failed this way may nevertheless have been carried out: a
    /// transport failure after the request may have been sent, the codes `bad_gateway`,
    /// `timeout` and `server_error`, an error page of a proxy (5xx), or a success whose answer
    /// could not be read.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport(TransportFailure { maybe_sent, .. }) => *maybe_sent,
            Error::Api(api) => {
                matches!(api.code, ErrorCode::BadGateway | ErrorCode::Timeout | ErrorCode::ServerError)
            }
            Error::UnexpectedResponse { status, .. } => status.is_server_error(),
            Error::Decode(decode) => decode.status.is_success(),
            _ => false,
        }
    }
}

/// Lists the running actions of `owner`, for [`Recoverable::running_actions`].
pub fn running_actions_of<I: ActionOwner>(owner: I) -> Option<RunningActions> {
    let mut listing = ListActionsOf::new(owner).status(ActionStatus::Running);
    listing.per_page = Some(crate::paginate::MAX_PER_PAGE);
    Some(Box::new(listing))
}

enum Stage<Op: Recoverable> {
    Creating(Retrying<Op>),
    Settling { until: Timestamp },
    LookingUp(Retrying<Op::Lookup>),
    Listing { resource: Op::Resource, fetch: Retrying<RunningActions> },
    Finished,
}

/// Runs a create, and settles an unknown outcome by looking the name up (see the
/// [module](self)). Without a name to look up, or when the create failed in a way that
/// leaves no doubt, it ends as the create does.
pub struct Recover<Op: Recoverable> {
    op: Op,
    cfg: Config,
    retry: RetryPolicy,
    policy: RecoveryPolicy,
    seed: u64,
    stage: Stage<Op>,
    sent_at: Option<Timestamp>,
    cause: Option<Error>,
    lookups: u32,
    server_clock: Option<(OffsetDateTime, Timestamp)>,
    wall_clock: Option<(Timestamp, OffsetDateTime)>,
    outcome: Option<Result<CreateOutcome<Op>, Error>>,
}

impl<Op: Recoverable + fmt::Debug> fmt::Debug for Recover<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match &self.stage {
            Stage::Creating(_) => "creating",
            Stage::Settling { .. } => "settling",
            Stage::LookingUp(_) => "looking up",
            Stage::Listing { .. } => "listing running actions",
            Stage::Finished => "finished",
        };
        f.debug_struct("Recover")
            .field("op", &self.op)
            .field("policy", &self.policy)
            .field("stage", &stage)
            .field("lookups", &self.lookups)
            .finish_non_exhaustive()
    }
}

impl<Op: Recoverable> Recover<Op> {
    /// Prepares `op` to run under `retry`, with `policy` for an unknown outcome; `seed` fixes
    /// the jitter.
    pub fn new(op: Op, cfg: &Config, retry: RetryPolicy, policy: RecoveryPolicy, seed: u64) -> Self {
        let create = Retrying::new(op.clone(), cfg, retry.clone(), seed);
        Self {
            op,
            cfg: cfg.clone(),
            retry,
            policy,
            seed,
            stage: Stage::Creating(create),
            sent_at: None,
            cause: None,
            lookups: 0,
            server_clock: None,
            wall_clock: None,
            outcome: None,
        }
    }

    /// The wall-clock time at the driver's `now`, as the driver reads it from the system, for
    /// judging a resource's age when the server sends no `Date` header; the server's clock
    /// is preferred whenever it is known.
    pub fn with_wall_clock(mut self, now: Timestamp, wall: SystemTime) -> Self {
        self.wall_clock = Some((now, OffsetDateTime::from(wall)));
        self
    }

    /// Lookups made so far.
    pub fn lookups(&self) -> u32 {
        self.lookups
    }

    fn finish(&mut self, outcome: Result<CreateOutcome<Op>, Error>) {
        self.outcome = Some(outcome);
        self.stage = Stage::Finished;
    }

    /// When the request was made, by the server's clock if a `Date` header told it, else by
    /// the wall clock the driver gave.
    fn requested_at(&self) -> Option<OffsetDateTime> {
        let sent = self.sent_at?;
        match self.server_clock {
            Some((date, at)) => shift(date, at, sent),
            None => self.wall_clock.and_then(|(at, wall)| shift(wall, at, sent)),
        }
    }

    fn decide(&mut self, now: Timestamp, page: <Op::Lookup as Operation>::Output) {
        let cause = self.cause.clone().unwrap_or(Error::Misuse("recovery without a cause".into()));
        let name = self.op.name().unwrap_or_default().to_owned();
        let (items, _) = Op::Lookup::into_parts(page);
        let mut named: Vec<Op::Resource> = items.into_iter().filter(|r| Op::found(r).name == name).collect();
        if named.is_empty() {
            if self.lookups < self.policy.lookups {
                self.stage = Stage::Settling { until: now + self.policy.settle };
            } else {
                self.finish(Err(Error::NotCreated { kind: Op::KIND, name, cause: Box::new(cause) }));
            }
            return;
        }
        let resource = named.swap_remove(0);
        let found = Op::found(&resource);
        let mut differences = Vec::new();
        if !named.is_empty() {
            differences.push(Difference::new(
                "name",
                "a unique name",
                format!("{} resources", named.len() + 1),
            ));
        }
        if self.op.labels() != found.labels {
            differences.push(Difference::new("labels", labels(self.op.labels()), labels(found.labels)));
        }
        differences.extend(self.op.differences(&resource));
        match self.requested_at() {
            Some(at) => {
                let earliest = at.checked_sub(to_time(self.policy.margin)).unwrap_or(at);
                if found.created < earliest {
                    differences.push(Difference::new(
                        "created",
                        format!("at or after {earliest}"),
                        found.created,
                    ));
                }
            }
            None => differences.push(Difference::new(
                "created",
                "a time that could be checked (the server sent no Date header, and no wall clock was given)",
                found.created,
            )),
        }
        let id = found.id;
        if !differences.is_empty() {
            let error =
                Error::CreateConflict { kind: Op::KIND, name, id, differences, cause: Box::new(cause) };
            return self.finish(Err(error));
        }
        match Op::running_actions(&resource) {
            Some(listing) => {
                let seed = self.seed.wrapping_add(u64::from(self.lookups)).wrapping_add(1);
                let fetch = Retrying::new(listing, &self.cfg, self.retry.clone(), seed);
                self.stage = Stage::Listing { resource, fetch };
            }
            None => {
                let recovered = Recovered { resource, running_actions: Vec::new(), cause };
                self.finish(Ok(CreateOutcome::Recovered(recovered)));
            }
        }
    }
}

/// `base` (read at `base_at`) moved to `at`, on the same clock.
fn shift(base: OffsetDateTime, base_at: Timestamp, at: Timestamp) -> Option<OffsetDateTime> {
    if at >= base_at {
        base.checked_add(to_time(at.saturating_since(base_at)))
    } else {
        base.checked_sub(to_time(base_at.saturating_since(at)))
    }
}

fn to_time(duration: Duration) -> time::Duration {
    time::Duration::try_from(duration).unwrap_or(time::Duration::MAX)
}

fn labels(labels: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

/// Reads an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn http_date(response: &HttpResponse) -> Option<OffsetDateTime> {
    let value = response.headers().get(http::header::DATE)?.to_str().ok()?;
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(value.trim(), &format).ok().map(time::PrimitiveDateTime::assume_utc)
}

impl<Op: Recoverable> Machine for Recover<Op> {
    type Output = CreateOutcome<Op>;

    fn poll(&mut self, now: Timestamp) -> Step<CreateOutcome<Op>> {
        // Each pass returns, or moves to a later stage (or back to settling, at most
        // `policy.lookups` times), so this ends.
        loop {
            match &mut self.stage {
                Stage::Creating(create) => match create.poll(now) {
                    Step::Send(request) => {
                        self.sent_at = Some(now);
                        return Step::Send(request);
                    }
                    Step::Sleep(duration) => return Step::Sleep(duration),
                    Step::Done(output) => self.finish(Ok(CreateOutcome::Created(output))),
                    Step::Failed(error) if error.outcome_unknown() && self.op.name().is_some() => {
                        self.cause = Some(error);
                        self.stage = Stage::Settling { until: now + self.policy.settle };
                    }
                    Step::Failed(error) => self.finish(Err(error)),
                },
                Stage::Settling { until } => {
                    if now < *until {
                        return Step::Sleep(until.saturating_since(now));
                    }
                    self.lookups = self.lookups.saturating_add(1);
                    let name = self.op.name().unwrap_or_default().to_owned();
                    let seed = self.seed.wrapping_add(u64::from(self.lookups));
                    let lookup = Retrying::new(self.op.lookup(&name), &self.cfg, self.retry.clone(), seed);
                    self.stage = Stage::LookingUp(lookup);
                }
                Stage::LookingUp(lookup) => match lookup.poll(now) {
                    Step::Done(page) => self.decide(now, page),
                    Step::Failed(_) => {
                        // The outcome is still unknown: report what made it so.
                        let cause = self.cause.take().unwrap_or(Error::Transport(TransportFailure {
                            kind: TransportFailureKind::Other,
                            maybe_sent: true,
                        }));
                        self.finish(Err(cause));
                    }
                    Step::Send(request) => return Step::Send(request),
                    Step::Sleep(duration) => return Step::Sleep(duration),
                },
                Stage::Listing { fetch, .. } => match fetch.poll(now) {
                    Step::Done(page) => {
                        let Stage::Listing { resource, .. } =
                            std::mem::replace(&mut self.stage, Stage::Finished)
                        else {
                            return misuse("lost the resource being recovered");
                        };
                        let running_actions = page.actions.into_iter().filter(|a| !a.is_finished()).collect();
                        let cause =
                            self.cause.clone().unwrap_or(Error::Misuse("recovery without a cause".into()));
                        self.finish(Ok(CreateOutcome::Recovered(Recovered {
                            resource,
                            running_actions,
                            cause,
                        })));
                    }
                    Step::Failed(error) => self.finish(Err(error)),
                    Step::Send(request) => return Step::Send(request),
                    Step::Sleep(duration) => return Step::Sleep(duration),
                },
                Stage::Finished => {
                    return match self.outcome.take() {
                        Some(Ok(outcome)) => Step::Done(outcome),
                        Some(Err(error)) => Step::Failed(error),
                        None => misuse("polled after it finished"),
                    }
                }
            }
        }
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        match &mut self.stage {
            Stage::Creating(create) => create.handle_response(now, response),
            Stage::LookingUp(lookup) => {
                if let Some(date) = http_date(&response) {
                    self.server_clock = Some((date, now));
                }
                lookup.handle_response(now, response)
            }
            Stage::Listing { fetch, .. } => fetch.handle_response(now, response),
            _ => self.finish(Err(Error::Misuse("a response arrived with no request in flight".into()))),
        }
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        match &mut self.stage {
            Stage::Creating(create) => create.handle_transport_error(now, failure),
            Stage::LookingUp(lookup) => lookup.handle_transport_error(now, failure),
            Stage::Listing { fetch, .. } => fetch.handle_transport_error(now, failure),
            _ => {
                self.finish(Err(Error::Misuse("a transport error arrived with no request in flight".into())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::floating_ips::{CreateFloatingIp, FloatingIpType};
    use crate::runtime::testing::{action_json, drive, json, server_json, Answer, Drive};
    use crate::servers::CreateServer;
    use crate::ServerId;

    const DATE: &str = "Thu, 01 Jan 2026 00:00:05 GMT";

    fn cfg() -> Config {
        Config::new("t").unwrap()
    }

    fn create() -> CreateServer {
        CreateServer::new("web", "cpx22", "ubuntu-24.04").label("env", "prod")
    }

    fn listed(servers: Vec<Value>) -> HttpResponse {
        let mut response = json(
            200,
            &json!({"servers": servers, "meta": {"pagination": {"page": 1, "per_page": 50,
            "previous_page": null, "next_page": null, "last_page": 1, "total_entries": 1}}}),
        );
        response.headers_mut().insert(http::header::DATE, DATE.parse().unwrap());
        response
    }

    fn web(labels: Value, created: &str) -> Value {
        let mut server = server_json(42, "web", "initializing");
        server["labels"] = labels;
        server["created"] = created.into();
        server
    }

    /// The create fails with `failure`; lookups answer with `lookup`; the running actions
    /// of server 42 are one `start_server`.
    fn run(
        machine: &mut Recover<CreateServer>,
        failure: TransportFailure,
        mut lookup: impl FnMut() -> HttpResponse,
    ) -> Drive<CreateOutcome<CreateServer>> {
        drive(machine, Duration::from_secs(60), 50, |request, _| {
            let path = request.uri().path_and_query().unwrap().as_str().to_owned();
            match (request.method().as_str(), path.as_str()) {
                ("POST", "/v1/servers") => Answer::FailAfter(Duration::ZERO, failure),
                ("GET", "/v1/servers?name=web") => Answer::After(Duration::ZERO, lookup()),
                ("GET", "/v1/servers/42/actions?status=running&per_page=50") => Answer::After(
                    Duration::ZERO,
                    json(
                        200,
                        &json!({"actions": [action_json(7, "start_server", "running")],
                        "meta": {"pagination": {"page": 1, "per_page": 50, "previous_page": null,
                        "next_page": null, "last_page": 1, "total_entries": 1}}}),
                    ),
                ),
                other => panic!("unexpected {other:?}"),
            }
        })
    }

    fn machine() -> Recover<CreateServer> {
        Recover::new(create(), &cfg(), RetryPolicy::default(), RecoveryPolicy::default(), 1)
    }

    #[test]
    fn a_create_that_answers_needs_no_recovery() {
        let mut recover = machine();
        let body = json!({"server": server_json(42, "web", "initializing"), "action": action_json(1, "create_server", "running"),
            "next_actions": [], "root_password": null});
        let run = drive(&mut recover, Duration::from_secs(60), 10, |_, _| {
            Answer::After(Duration::ZERO, json(201, &body))
        });
        let outcome = run.outcome.unwrap();
        assert!(!outcome.is_recovered());
        assert_eq!(outcome.resource().id, ServerId(42));
        assert_eq!(outcome.actions().len(), 1);
        assert_eq!(run.sent.len(), 1);
    }

    #[test]
    fn a_lost_answer_is_recovered_with_the_running_actions() {
        let mut recover = machine();
        let run = run(&mut recover, TransportFailure::timeout(), || {
            listed(vec![web(json!({"env": "prod"}), "2026-01-01T00:00:03Z")])
        });
        assert_eq!(run.slept, [Duration::from_secs(2)], "it lets the API finish first");
        let outcome = run.outcome.unwrap();
        let CreateOutcome::Recovered(recovered) = &outcome else { panic!("{outcome:?}") };
        assert_eq!(recovered.resource.id, ServerId(42));
        assert_eq!(recovered.running_actions.len(), 1);
        assert_eq!(recovered.cause, Error::Transport(TransportFailure::timeout()));
        assert_eq!(outcome.actions()[0].command, "start_server");
        assert_eq!(run.sent.len(), 3);
    }

    #[test]
    fn nothing_found_twice_means_nothing_was_created() {
        let mut recover = machine();
        let run = run(&mut recover, TransportFailure::other(), || listed(vec![]));
        let error = run.outcome.unwrap_err();
        assert!(error.is_not_created(), "{error:?}");
        assert!(error.to_string().contains("nothing was created: no server named web"), "{error}");
        assert!(error.is_retryable(), "creating again is safe");
        assert_eq!(recover.lookups(), 2);
        assert_eq!(run.slept, [Duration::from_secs(2), Duration::from_secs(2)]);
    }

    #[test]
    fn a_resource_that_differs_is_a_conflict_naming_the_differences() {
        for (labels, created, field) in [
            (json!({"env": "dev"}), "2026-01-01T00:00:03Z", "labels"),
            (json!({"env": "prod"}), "2025-12-31T23:00:00Z", "created"),
        ] {
            let mut recover = machine();
            let run =
                run(&mut recover, TransportFailure::timeout(), || listed(vec![web(labels.clone(), created)]));
            let error = run.outcome.unwrap_err();
            match &error {
                Error::CreateConflict { id: 42, differences, kind: "server", .. } => {
                    assert_eq!(differences.len(), 1, "{differences:?}");
                    assert_eq!(differences[0].field, field);
                }
                other => panic!("{other:?}"),
            }
            assert!(error.is_create_conflict());
        }
        let mut other_type = web(json!({"env": "prod"}), "2026-01-01T00:00:03Z");
        other_type["server_type"]["name"] = "cx22".into();
        let mut recover = machine();
        let run = run(&mut recover, TransportFailure::timeout(), || listed(vec![other_type.clone()]));
        let error = run.outcome.unwrap_err();
        assert!(error.to_string().contains("server_type asked cpx22, found cx22"), "{error}");
    }

    #[test]
    fn without_the_server_s_clock_the_wall_clock_judges_the_age() {
        let undated = || {
            let mut response = listed(vec![web(json!({"env": "prod"}), "2026-01-01T00:00:03Z")]);
            response.headers_mut().remove(http::header::DATE);
            response
        };
        let mut recover = machine();
        let error = run(&mut recover, TransportFailure::timeout(), undated).outcome.unwrap_err();
        assert!(error.to_string().contains("no Date header"), "{error}");

        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 4);
        let mut recover = machine().with_wall_clock(Timestamp::ZERO, wall);
        assert!(run(&mut recover, TransportFailure::timeout(), undated).outcome.unwrap().is_recovered());
    }

    #[test]
    fn a_refusal_needs_no_lookup_and_an_unnamed_resource_cannot_be_looked_up() {
        let mut recover = machine();
        let taken =
            json(409, &json!({"error": {"code": "uniqueness_error", "message": "name is already used"}}));
        let run = drive(&mut recover, Duration::from_secs(60), 10, |_, _| {
            Answer::After(Duration::ZERO, taken.clone())
        });
        assert!(run.outcome.unwrap_err().is_uniqueness());
        assert_eq!(run.sent.len(), 1);

        let unnamed = CreateFloatingIp::new(FloatingIpType::Ipv4);
        let mut recover = Recover::new(unnamed, &cfg(), RetryPolicy::default(), RecoveryPolicy::default(), 1);
        let run = drive(&mut recover, Duration::from_secs(60), 10, |_, _| {
            Answer::FailAfter(Duration::ZERO, TransportFailure::timeout())
        });
        assert_eq!(run.outcome.unwrap_err(), Error::Transport(TransportFailure::timeout()));
        assert_eq!(run.sent.len(), 1);
    }

    #[test]
    fn a_failed_lookup_leaves_the_outcome_unknown() {
        let mut recover = Recover::new(create(), &cfg(), RetryPolicy::none(), RecoveryPolicy::default(), 1);
        let run = run(&mut recover, TransportFailure::timeout(), || {
            json(503, &json!({"error": {"code": "unavailable", "message": "down"}}))
        });
        assert_eq!(run.outcome.unwrap_err(), Error::Transport(TransportFailure::timeout()));
    }

    #[test]
    fn http_dates_parse() {
        let response = listed(vec![]);
        assert_eq!(http_date(&response), Some(time::macros::datetime!(2026-01-01 00:00:05 UTC)));
    }
}

#[cfg(test)]
mod coverage {
    use super::Recoverable;
    use crate::operation::Endpoint;

    fn id<T: Recoverable + Endpoint>() -> &'static str {
        T::OPERATION_ID
    }

    #[test]
    fn every_create_of_a_uniquely_named_resource_can_be_recovered() {
        let recoverable = [
            id::<crate::certificates::CreateCertificate>(),
            id::<crate::firewalls::CreateFirewall>(),
            id::<crate::floating_ips::CreateFloatingIp>(),
            id::<crate::load_balancers::CreateLoadBalancer>(),
            id::<crate::networks::CreateNetwork>(),
            id::<crate::placement_groups::CreatePlacementGroup>(),
            id::<crate::primary_ips::CreatePrimaryIp>(),
            id::<crate::servers::CreateServer>(),
            id::<crate::ssh_keys::CreateSshKey>(),
            id::<crate::volumes::CreateVolume>(),
            id::<crate::zones::CreateZone>(),
        ];
        // Images are described, not named; an RRSet has no creation time to tell an older
        // one from the one asked for.
        let excluded = ["create_server_image", "create_zone_rrset"];
        let creates: Vec<&str> = include_str!("../api/endpoints.md")
            .lines()
            .filter_map(|row| row.split("[`").nth(2)?.split('`').next())
            .filter(|id| id.starts_with("create_"))
            .collect();
        assert!(creates.len() >= 13, "{creates:?}");
        for create in creates {
            assert!(
                recoverable.contains(&create) != excluded.contains(&create),
                "{create} is neither recoverable nor excluded (or both)"
            );
        }
    }
}
