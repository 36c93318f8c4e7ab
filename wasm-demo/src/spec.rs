//! What a caller asks for: the JSON that names a machine, and the machine built from it.
//!
//! Every spec carries `kind`, the client `config`, and optionally a `retry` policy, a `wait`
//! policy and a jitter `seed`; each kind reads its own fields from the same object:
//!
//! ```json
//! {"kind": "list_servers", "config": {"token": "t", "endpoint": "http://127.0.0.1:8080/v1"},
//!  "per_page": 3, "label_selector": "env=demo"}
//! ```
//!
//! | kind | fields | machine | output |
//! | --- | --- | --- | --- |
//! | `list_servers` | `name`, `label_selector`, `status` (list), `sort` (list, `id:asc`), `page`, `per_page` | [`Paginator`] | `{servers, pagination, cursor}` per page, then `null` |
//! | `get_server` | `id` | [`Retrying`] | the server |
//! | `create_server` | `name`, `server_type`, `image`, `location`, `start_after_create`, `ssh_keys`, `user_data`, `labels` | [`Retrying`] | `{server, action, next_actions, root_password}` |
//! | `delete_server` | `id` | [`Retrying`] | the `delete_server` action |
//! | `get_action` | `id` | [`Retrying`] | the action |
//! | `wait_actions` | `actions` (as last seen) | [`ActionWaiter`] | every action, finished; progress on each step |
//! | `wait_server_status` | `id`, `until` (a status) | [`PollUntil`] | the server, once in the status |
//!
//! `config` is `{token, endpoint, application: [name, version]}`; `retry` is
//! `{max_retries, base_delay_ms, max_delay_ms, resend_ambiguous}`; `wait` is
//! `{interval_ms, max_interval_ms, max_attempts, timeout_ms}`. Unknown fields are errors, so
//! a typo never silently changes nothing.
//!
//! The spec is read from a [`serde_json::Value`] by hand rather than derived: derived
//! deserializers are compiled per type and format, and each costs kilobytes of WebAssembly.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcloud_core::actions::GetAction;
use hcloud_core::servers::{
    CreateServer, DeleteServer, GetServer, ListServers, Sort, SortDirection, SortField,
};
use hcloud_core::{
    Action, ActionId, ActionWaiter, Config, Error, HttpResponse, Machine, PageCursor, Pagination, Paginator,
    PollUntil, RetryPolicy, Retrying, ServerId, ServerStatus, Step, Timestamp, TransportFailure, WaitPolicy,
};
use serde_json::{Map, Value};

use crate::json::{error_json, local_error, JsonObject};
use crate::lean::{Call, Reply};

/// A machine's finished output, to be rendered as JSON by the registry.
///
/// Values the core decoded from a response are handed on as that response's own JSON (the
/// part of it the value was decoded from): the core has checked it, and passing it on
/// spares a second encoder for every type. Values the core assembled itself (the actions of
/// a wait) are serialized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// JSON text, serialized here.
    Json(Vec<u8>),
    /// The whole body of the last response.
    Body,
    /// One member of the last response's body, such as `server`.
    Member(&'static str),
    /// A page of servers: `servers` from the last response, with its pagination and the
    /// cursor for resuming the walk. More pages may follow.
    Page {
        /// The page's pagination.
        pagination: Pagination,
        /// Where the walk stands after it.
        cursor: PageCursor,
    },
    /// A list walk is complete: `null`.
    End,
}

impl Output {
    /// Whether the machine is done for good; `false` for a page, after which polling
    /// again fetches the next.
    pub fn is_last(&self) -> bool {
        !matches!(self, Output::Page { .. })
    }
}

/// Any of the core's machines, with its output described for the registry.
pub type JsonMachine = Box<dyn Machine<Output = Output>>;

/// Wraps a machine and converts its output; the converter also sees the machine, so it can
/// report state such as a paginator's cursor.
struct Adapt<M, F> {
    machine: M,
    convert: F,
}

impl<M, F> Machine for Adapt<M, F>
where
    M: Machine,
    F: FnMut(&M, M::Output) -> Output,
{
    type Output = Output;

    fn poll(&mut self, now: Timestamp) -> Step<Output> {
        match self.machine.poll(now) {
            Step::Done(output) => Step::Done((self.convert)(&self.machine, output)),
            Step::Send(request) => Step::Send(request),
            Step::Sleep(duration) => Step::Sleep(duration),
            Step::Failed(error) => Step::Failed(error),
        }
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        self.machine.handle_response(now, response)
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        self.machine.handle_transport_error(now, failure)
    }
}

fn adapt<M, F>(machine: M, convert: F) -> JsonMachine
where
    M: Machine + 'static,
    F: FnMut(&M, M::Output) -> Output + 'static,
{
    Box::new(Adapt { machine, convert })
}

/// The output of a one-shot call: the part of the response it was decoded from.
fn reply(_: &Retrying<Call>, reply: Reply) -> Output {
    match reply {
        Reply::Server(_) => Output::Member("server"),
        Reply::Created(_) => Output::Body,
        Reply::Action(_) => Output::Member("action"),
    }
}

/// Progress reports collected from an [`ActionWaiter`], drained by the registry on each
/// poll.
pub type ProgressLog = Arc<Mutex<Vec<Action>>>;

/// A machine built from a spec.
pub struct Built {
    /// The machine.
    pub machine: JsonMachine,
    /// Where an action waiter reports progress, for the waiting kinds.
    pub progress: Option<ProgressLog>,
}

type SpecResult<T> = Result<T, JsonObject>;

/// Reads the fields of one JSON object, naming the object in errors.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    at: &'a str,
}

fn spec_error(message: String) -> JsonObject {
    local_error("spec", message)
}

impl<'a> Fields<'a> {
    fn of(value: &'a Value, at: &'a str) -> SpecResult<Self> {
        match value {
            Value::Object(map) => Ok(Self { map, at }),
            _ => Err(spec_error(format!("{at} must be a JSON object"))),
        }
    }

    /// Fails on any field in neither of the `known` lists.
    fn only(&self, known: [&[&str]; 2]) -> SpecResult<()> {
        let Some(key) = self.map.keys().find(|key| !known.iter().any(|list| list.contains(&key.as_str())))
        else {
            return Ok(());
        };
        let mut message = format!("{} has no field `{key}`; it takes", self.at);
        for field in known.iter().flat_map(|list| list.iter()) {
            message.push(' ');
            message.push_str(field);
        }
        Err(spec_error(message))
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn wrong(&self, key: &str, what: &str) -> JsonObject {
        spec_error(format!("`{key}` of {} must be {what}", self.at))
    }

    fn string(&self, key: &str) -> SpecResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    fn required_string(&self, key: &str) -> SpecResult<String> {
        self.string(key)?.ok_or_else(|| spec_error(format!("{} needs the field `{key}`", self.at)))
    }

    fn u64(&self, key: &str) -> SpecResult<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => value.as_u64().map(Some).ok_or_else(|| self.wrong(key, "a whole number")),
        }
    }

    fn required_u64(&self, key: &str) -> SpecResult<u64> {
        self.u64(key)?.ok_or_else(|| spec_error(format!("{} needs the field `{key}`", self.at)))
    }

    fn u32(&self, key: &str) -> SpecResult<Option<u32>> {
        self.u64(key)?.map(|n| u32::try_from(n).map_err(|_| self.wrong(key, "below 2^32"))).transpose()
    }

    fn millis(&self, key: &str) -> SpecResult<Option<Duration>> {
        Ok(self.u64(key)?.map(Duration::from_millis))
    }

    fn bool(&self, key: &str) -> SpecResult<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => value.as_bool().map(Some).ok_or_else(|| self.wrong(key, "true or false")),
        }
    }

    fn strings(&self, key: &str) -> SpecResult<Vec<String>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str().map(str::to_owned).ok_or_else(|| self.wrong(key, "a list of strings"))
                })
                .collect(),
            Some(_) => Err(self.wrong(key, "a list of strings")),
        }
    }

    fn labels(&self, key: &str) -> SpecResult<BTreeMap<String, String>> {
        let mut labels = BTreeMap::new();
        match self.get(key) {
            None => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    let value = value.as_str().ok_or_else(|| self.wrong(key, "an object of strings"))?;
                    labels.insert(name.clone(), value.to_owned());
                }
            }
            Some(_) => return Err(self.wrong(key, "an object of strings")),
        }
        Ok(labels)
    }

    fn object(&self, key: &str) -> SpecResult<Option<Fields<'a>>> {
        self.get(key).map(|value| Fields::of(value, self.at_field(key))).transpose()
    }

    /// A stable name for a nested object, for error messages.
    fn at_field(&self, key: &str) -> &'a str {
        match key {
            "config" => "`config`",
            "retry" => "`retry`",
            "wait" => "`wait`",
            _ => "a nested object",
        }
    }
}

fn config(spec: &Fields<'_>) -> SpecResult<Config> {
    let fields = spec.object("config")?.ok_or_else(|| spec_error("the spec needs `config`".into()))?;
    fields.only([&["token", "endpoint", "application"], &[]])?;
    let core = |e: Error| error_json(&e);
    let mut cfg = Config::new(fields.required_string("token")?).map_err(core)?;
    if let Some(endpoint) = fields.string("endpoint")? {
        cfg = cfg.with_endpoint(endpoint).map_err(core)?;
    }
    if let Some(application) = fields.get("application") {
        let pair = application.as_array().filter(|pair| pair.len() == 2);
        let pair = pair.and_then(|pair| Some((pair[0].as_str()?, pair[1].as_str()?)));
        let (name, version) = pair.ok_or_else(|| fields.wrong("application", "[name, version]"))?;
        cfg = cfg.with_application(name, version);
    }
    Ok(cfg)
}

fn retry(spec: &Fields<'_>) -> SpecResult<RetryPolicy> {
    let mut policy = RetryPolicy::default();
    let Some(fields) = spec.object("retry")? else { return Ok(policy) };
    fields.only([&["max_retries", "base_delay_ms", "max_delay_ms", "resend_ambiguous"], &[]])?;
    if let Some(retries) = fields.u32("max_retries")? {
        policy.max_retries = retries;
    }
    if let Some(delay) = fields.millis("base_delay_ms")? {
        policy.base_delay = delay;
    }
    if let Some(delay) = fields.millis("max_delay_ms")? {
        policy.max_delay = delay;
    }
    if let Some(resend) = fields.bool("resend_ambiguous")? {
        policy.resend_ambiguous = resend;
    }
    Ok(policy)
}

fn wait(spec: &Fields<'_>, mut policy: WaitPolicy) -> SpecResult<WaitPolicy> {
    let Some(fields) = spec.object("wait")? else { return Ok(policy) };
    fields.only([&["interval_ms", "max_interval_ms", "max_attempts", "timeout_ms"], &[]])?;
    if let Some(interval) = fields.millis("interval_ms")? {
        policy.interval = interval;
        policy.max_interval = policy.max_interval.max(interval);
    }
    if let Some(interval) = fields.millis("max_interval_ms")? {
        policy.max_interval = interval;
    }
    if let Some(attempts) = fields.u32("max_attempts")? {
        policy.max_attempts = Some(attempts);
    }
    if let Some(timeout) = fields.millis("timeout_ms")? {
        policy.timeout = Some(timeout);
    }
    Ok(policy)
}

fn sort_key(text: &str) -> SpecResult<Sort> {
    let bad = || {
        error_json(&crate::json::input_error(
            "sort",
            format!("{text} is not id, name or created, optionally with :asc or :desc"),
        ))
    };
    let (field, direction) = match text.split_once(':') {
        Some((field, "asc")) => (field, Some(SortDirection::Asc)),
        Some((field, "desc")) => (field, Some(SortDirection::Desc)),
        Some(_) => return Err(bad()),
        None => (text, None),
    };
    let field = match field {
        "id" => SortField::Id,
        "name" => SortField::Name,
        "created" => SortField::Created,
        _ => return Err(bad()),
    };
    Ok(Sort { field, direction })
}

/// The fields every kind takes.
const COMMON: [&str; 5] = ["kind", "config", "retry", "wait", "seed"];

/// Builds the machine a JSON spec names, or answers an error object: `spec` for JSON that
/// is not a valid spec, the core's typed errors (such as `input` for a bad endpoint)
/// otherwise. Input the core itself checks (names, page sizes, ids) is not checked here: it
/// fails on the machine's first poll, as the core's typed input error.
pub fn build(json: &[u8]) -> SpecResult<Built> {
    // Parsed from `str`, the reader the core parses responses with, so the module carries
    // one copy of each decoder rather than one per reader type.
    let text = std::str::from_utf8(json).map_err(|e| spec_error(format!("the spec is not UTF-8: {e}")))?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| spec_error(format!("the spec is not JSON: {e}")))?;
    let spec = Fields::of(&value, "the spec")?;
    let kind = spec.required_string("kind")?;
    let own: &[&str] = match kind.as_str() {
        "list_servers" => &["name", "label_selector", "status", "sort", "page", "per_page"],
        "get_server" | "delete_server" | "get_action" => &["id"],
        "create_server" => &[
            "name",
            "server_type",
            "image",
            "location",
            "start_after_create",
            "ssh_keys",
            "user_data",
            "labels",
        ],
        "wait_actions" => &["actions"],
        "wait_server_status" => &["id", "until"],
        other => return Err(spec_error(format!("unknown kind {other}"))),
    };
    spec.only([&COMMON, own])?;
    let cfg = config(&spec)?;
    let retry = retry(&spec)?;
    let seed = spec.u64("seed")?.unwrap_or(0);
    let call = |call: Call| adapt(Retrying::new(call, &cfg, retry.clone(), seed), reply);
    let mut progress = None;
    let machine = match kind.as_str() {
        "list_servers" => {
            let query = ListServers {
                name: spec.string("name")?,
                label_selector: spec.string("label_selector")?,
                status: spec.strings("status")?.iter().map(|s| ServerStatus::from_wire(s)).collect(),
                sort: spec.strings("sort")?.iter().map(|s| sort_key(s)).collect::<Result<_, _>>()?,
                page: None,
                per_page: None,
            };
            let cursor = PageCursor {
                next_page: Some(spec.u64("page")?.unwrap_or(1)),
                per_page: spec.u64("per_page")?.unwrap_or(PageCursor::default().per_page),
            };
            let paginator = Paginator::resume(query, &cfg, retry, seed, cursor);
            adapt(paginator, |machine: &Paginator<ListServers>, page| match page {
                Some(page) => Output::Page { pagination: page.pagination, cursor: machine.cursor() },
                None => Output::End,
            })
        }
        "get_server" => call(Call::GetServer(GetServer { id: ServerId(spec.required_u64("id")?) })),
        "delete_server" => call(Call::DeleteServer(DeleteServer { id: ServerId(spec.required_u64("id")?) })),
        "get_action" => call(Call::GetAction(GetAction { id: ActionId(spec.required_u64("id")?) })),
        "create_server" => {
            let mut op = CreateServer::new(
                spec.required_string("name")?,
                spec.required_string("server_type")?,
                spec.required_string("image")?,
            );
            op.location = spec.string("location")?;
            op.start_after_create = spec.bool("start_after_create")?;
            op.ssh_keys = spec.strings("ssh_keys")?;
            op.user_data = spec.string("user_data")?;
            op.labels = spec.labels("labels")?;
            call(Call::CreateServer(Box::new(op)))
        }
        "wait_actions" => {
            // Read through the same decoder the core reads actions with from responses.
            let actions = spec.get("actions").map(|v| serde_json::to_string(v).unwrap_or_default());
            let actions: Vec<Action> = match actions {
                Some(text) => serde_json::from_str(&text).map_err(|e| {
                    spec_error(format!("`actions` must be actions as the API returns them: {e}"))
                })?,
                None => return Err(spec_error("wait_actions needs the field `actions`".into())),
            };
            let log: ProgressLog = Arc::default();
            let sink = Arc::clone(&log);
            let policy = wait(&spec, WaitPolicy::for_actions())?;
            let waiter = ActionWaiter::new(actions, &cfg, policy, retry, seed).on_progress(move |action| {
                if let Ok(mut events) = sink.lock() {
                    events.push(action.clone());
                }
            });
            progress = Some(log);
            adapt(waiter, |_: &_, actions| Output::Json(serde_json::to_vec(&actions).unwrap_or_default()))
        }
        _ => {
            // wait_server_status, the last kind the table above lets through.
            let id = ServerId(spec.required_u64("id")?);
            let status = ServerStatus::from_wire(&spec.required_string("until")?);
            let policy = wait(&spec, WaitPolicy::default())?;
            let what = format!("server {id} to be {status}");
            let condition = move |reply: &Reply| match reply {
                Reply::Server(server) => Ok(server.status == status),
                _ => Err(Error::Misuse("a server poll returned something else".into())),
            };
            let op = Call::GetServer(GetServer { id });
            let poller = PollUntil::new(op, condition, what, &cfg, policy, retry, seed);
            adapt(poller, |_: &_, _| Output::Member("server"))
        }
    };
    Ok(Built { machine, progress })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(fields: Value) -> Vec<u8> {
        let mut value = json!({"config": {"token": "t", "endpoint": "http://127.0.0.1:1/v1"}});
        value.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        serde_json::to_vec(&value).unwrap()
    }

    fn error(fields: Value) -> Value {
        let Err(error) = build(&spec(fields)) else { panic!("expected an error") };
        serde_json::from_slice(&error.finish()).unwrap()
    }

    #[test]
    fn list_servers_starts_at_the_requested_page_and_size() {
        let mut built =
            build(&spec(json!({"kind": "list_servers", "per_page": 3, "page": 2, "sort": ["id:asc"]})))
                .unwrap();
        let Step::Send(request) = built.machine.poll(Timestamp::ZERO) else { panic!("expected a send") };
        assert_eq!(request.uri(), "http://127.0.0.1:1/v1/servers?sort=id%3Aasc&page=2&per_page=3");
    }

    #[test]
    fn bad_specs_are_spec_or_input_errors() {
        let err = error(json!({"kind": "list_servers", "sort": ["size"]}));
        assert_eq!((&err["kind"], &err["field"]), (&json!("input"), &json!("sort")));
        let err =
            error(json!({"kind": "get_server", "id": 1, "config": {"token": "t", "endpoint": "ftp://x"}}));
        assert_eq!(err["field"], "endpoint");
        let err = error(json!({"kind": "get_server"}));
        assert_eq!(err["kind"], "spec");
        assert!(err["message"].as_str().unwrap().contains("`id`"), "{err}");
        assert_eq!(error(json!({"kind": "reboot"}))["kind"], "spec");
        let err = error(json!({"kind": "get_server", "id": 1, "per_page": 3}));
        assert!(err["message"].as_str().unwrap().contains("`per_page`"), "{err}");
        let err = error(json!({"kind": "get_server", "id": "1"}));
        assert!(err["message"].as_str().unwrap().contains("whole number"), "{err}");
        let err = error(json!({"kind": "get_server", "id": 1, "retry": {"max_retry": 1}}));
        assert!(err["message"].as_str().unwrap().contains("`retry`"), "{err}");
        let err = error(json!({"kind": "wait_actions", "actions": [{"id": 1}]}));
        assert_eq!(err["kind"], "spec");
    }

    #[test]
    fn invalid_input_fails_on_the_first_poll() {
        let mut built = build(&spec(json!({"kind": "list_servers", "per_page": 51}))).unwrap();
        let Step::Failed(error) = built.machine.poll(Timestamp::ZERO) else { panic!("expected a failure") };
        assert!(error.is_invalid_input());
    }

    #[test]
    fn policies_adjust_the_defaults() {
        let value = json!({"retry": {"max_retries": 0, "base_delay_ms": 5},
            "wait": {"interval_ms": 10, "timeout_ms": 500}});
        let fields = Fields::of(&value, "the spec").unwrap();
        let policy = wait(&fields, WaitPolicy::for_actions()).unwrap();
        assert_eq!(policy.interval, Duration::from_millis(10));
        assert_eq!(policy.max_interval, Duration::from_secs(1));
        assert_eq!(policy.timeout, Some(Duration::from_millis(500)));
        let retry = retry(&fields).unwrap();
        assert_eq!((retry.max_retries, retry.base_delay), (0, Duration::from_millis(5)));
    }
}
