//! Exchange vectors: what the SDK must send, what the API answers, and what the SDK must make
//! of it. One JSON file per exchange under `tests/vectors/` (written by `generate.py`), and
//! [`cases`], the table pairing each file with an operation and an expected outcome.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::PathBuf;

use hcloud_core::actions::{GetAction, ListActionsByIds};
use hcloud_core::servers::{
    CreatePublicNet, CreateServer, DeleteServer, DisableBackup, DisableRescue, EnableBackup, EnableRescue,
    GetServer, ListServers, RescueType, Sort, SortField, UpdateServer,
};
use hcloud_core::{
    ActionId, Config, Error, ErrorCode, FirewallId, HttpRequest, HttpResponse, NetworkId, Operation,
    PlacementGroupId, PrimaryIpId, ServerId, ServerStatus, SshKeyId, VolumeId,
};
use serde::Deserialize;
use serde_json::Value;

use crate::json::first_difference;

/// The token every vector's request carries.
pub const TOKEN: &str = "vector-token";

/// The configuration vectors are recorded with: [`TOKEN`] and the production endpoint.
pub fn config() -> Config {
    Config::new(TOKEN).expect("the vector token is valid")
}

/// The request half of a vector.
#[derive(Clone, Debug, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query, compared as an exact string.
    pub path: String,
    /// JSON body, compared as a JSON value; `None` means no body at all.
    pub body: Option<Value>,
}

/// The response half of a vector.
#[derive(Clone, Debug, Deserialize)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// A raw body, for answers that are not JSON.
    #[serde(default)]
    pub body_text: Option<String>,
}

/// One recorded exchange.
#[derive(Clone, Debug, Deserialize)]
pub struct Vector {
    /// The file's name without `.json`.
    #[serde(skip)]
    pub name: String,
    /// What the exchange shows.
    pub description: String,
    /// What must be sent.
    pub request: RecordedRequest,
    /// What comes back.
    pub response: RecordedResponse,
}

/// The folder holding the vectors.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

impl Vector {
    /// Reads `tests/vectors/{name}.json`.
    pub fn load(name: &str) -> Vector {
        let path = dir().join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut vector: Vector =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        vector.name = name.to_owned();
        vector
    }

    /// The canned response as the core receives it.
    pub fn response(&self) -> HttpResponse {
        let mut builder = http::Response::builder().status(self.response.status);
        for (name, value) in &self.response.headers {
            builder = builder.header(name, value);
        }
        let body = match (&self.response.body, &self.response.body_text) {
            (_, Some(text)) => text.clone().into_bytes(),
            (Some(json), None) => serde_json::to_vec(json).expect("JSON serializes"),
            (None, None) => Vec::new(),
        };
        builder.body(body).expect("vector responses are valid")
    }

    /// Checks a request against the vector: method, path and query as exact strings, body
    /// as JSON, and the standard headers.
    pub fn check_request(&self, request: &HttpRequest) -> Result<(), String> {
        let want = &self.request;
        if request.method().as_str() != want.method {
            return Err(format!("method {} != {}", request.method(), want.method));
        }
        let uri = request.uri();
        if uri.scheme_str() != Some("https") || uri.host() != Some("api.hetzner.cloud") {
            return Err(format!("sent to {uri}, not to the configured endpoint"));
        }
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
        if path != want.path {
            return Err(format!("path {path} != {}", want.path));
        }
        let header = |name: &str| request.headers().get(name).map(|v| v.to_str().unwrap_or("<binary>"));
        if header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Err(format!("authorization header {:?}", header("authorization")));
        }
        if header("accept") != Some("application/json") {
            return Err(format!("accept header {:?}", header("accept")));
        }
        if !header("user-agent").is_some_and(|ua| ua.contains("hcloud-rust/")) {
            return Err(format!("user-agent header {:?}", header("user-agent")));
        }
        match &want.body {
            None => {
                if !request.body().is_empty() {
                    return Err(format!("unexpected body {}", String::from_utf8_lossy(request.body())));
                }
                if header("content-type").is_some() {
                    return Err("content-type set without a body".into());
                }
            }
            Some(body) => {
                if header("content-type") != Some("application/json") {
                    return Err(format!("content-type header {:?}", header("content-type")));
                }
                let sent: Value =
                    serde_json::from_slice(request.body()).map_err(|e| format!("body is not JSON: {e}"))?;
                if let Some(difference) = first_difference(&sent, body) {
                    return Err(format!("body differs at {difference}"));
                }
            }
        }
        Ok(())
    }
}

/// What a case must come to.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// Success; the output serialized to JSON equals the response body at this JSON pointer
    /// (`""` for the whole body), numbers compared by value.
    Ok(&'static str),
    /// Success; the output equals the response body at `pointer` once the members at
    /// `dropped` (JSON pointers into that part: fields this SDK does not model) are removed
    /// and each `(pointer, JSON)` of `replaced` is set (nulls read as defaults).
    OkExcept {
        /// Where the output sits in the body.
        pointer: &'static str,
        /// Members the output leaves out.
        dropped: &'static [&'static str],
        /// Members the output holds differently, with the JSON text it holds.
        replaced: &'static [(&'static str, &'static str)],
    },
    /// An API error with this code.
    Api(ErrorCode),
    /// A non-JSON error answer with this status.
    Unexpected(u16),
    /// A decode error at exactly this path, keeping the body, status and correlation id.
    Decode(&'static str),
    /// An input error naming this field; nothing is sent.
    Input(&'static str),
}

/// An outcome in comparable form: the output as JSON, or the error's full `Debug` text.
pub type Outcome = Result<Value, String>;

/// Runs operations somehow: the core alone, or a driver over an in-memory transport.
pub trait Runner {
    /// Runs `op` for `case`, whose vector (if any) holds the exchange to expect.
    fn run<O>(&mut self, case: &Case, op: &O) -> Result<O::Output, Error>
    where
        O: Operation + Debug;
}

/// The core alone: build the request, check it, parse the canned response.
#[derive(Debug)]
pub struct CoreRunner;

impl Runner for CoreRunner {
    fn run<O: Operation + Debug>(&mut self, case: &Case, op: &O) -> Result<O::Output, Error> {
        let request = op.to_request(&config())?;
        let vector = case
            .vector
            .as_ref()
            .unwrap_or_else(|| panic!("{}: a request was built but no vector exists", case.name));
        if let Err(problem) = vector.check_request(&request) {
            panic!("{}: {problem}", case.name);
        }
        op.parse(vector.response())
    }
}

#[derive(Clone, Debug)]
enum AnyOp {
    List(ListServers),
    Get(GetServer),
    Create(Box<CreateServer>),
    Update(UpdateServer),
    Delete(DeleteServer),
    EnableRescue(EnableRescue),
    DisableRescue(DisableRescue),
    EnableBackup(EnableBackup),
    DisableBackup(DisableBackup),
    GetAction(GetAction),
    ListActions(ListActionsByIds),
}

/// One row of the table: a vector (none for input errors), the operation and the outcome.
#[derive(Clone, Debug)]
pub struct Case {
    /// The vector's name, or a name for an input-error case.
    pub name: String,
    /// The recorded exchange, when a request is expected.
    pub vector: Option<Vector>,
    /// The expected outcome.
    pub expect: Expect,
    op: AnyOp,
}

/// Something done with a case's operation, whatever its type.
trait Visit {
    type Out;
    fn visit<O>(&mut self, case: &Case, op: &O) -> Self::Out
    where
        O: Operation + Debug,
        O::Output: serde::Serialize;
}

/// Runs the operation through a runner and keeps the outcome in comparable form.
struct RunWith<'r, R>(&'r mut R);

impl<R: Runner> Visit for RunWith<'_, R> {
    type Out = Outcome;

    fn visit<O>(&mut self, case: &Case, op: &O) -> Outcome
    where
        O: Operation + Debug,
        O::Output: serde::Serialize,
    {
        self.0
            .run(case, op)
            .map(|value| serde_json::to_value(value).expect("outputs serialize"))
            .map_err(|e| format!("{e:?}"))
    }
}

/// Runs the operation through the core alone and keeps the typed error.
struct CoreError;

impl Visit for CoreError {
    type Out = Option<Error>;

    fn visit<O>(&mut self, case: &Case, op: &O) -> Option<Error>
    where
        O: Operation + Debug,
        O::Output: serde::Serialize,
    {
        CoreRunner.run(case, op).err()
    }
}

impl Case {
    fn dispatch<V: Visit>(&self, visitor: &mut V) -> V::Out {
        match &self.op {
            AnyOp::List(op) => visitor.visit(self, op),
            AnyOp::Get(op) => visitor.visit(self, op),
            AnyOp::Create(op) => visitor.visit(self, op.as_ref()),
            AnyOp::Update(op) => visitor.visit(self, op),
            AnyOp::Delete(op) => visitor.visit(self, op),
            AnyOp::EnableRescue(op) => visitor.visit(self, op),
            AnyOp::DisableRescue(op) => visitor.visit(self, op),
            AnyOp::EnableBackup(op) => visitor.visit(self, op),
            AnyOp::DisableBackup(op) => visitor.visit(self, op),
            AnyOp::GetAction(op) => visitor.visit(self, op),
            AnyOp::ListActions(op) => visitor.visit(self, op),
        }
    }

    /// Runs the case's operation through `runner`.
    pub fn run<R: Runner>(&self, runner: &mut R) -> Outcome {
        self.dispatch(&mut RunWith(runner))
    }

    /// Runs the case through the core alone and returns the typed error, if any, for
    /// assertions that need more than the outcome's text.
    pub fn core_error(&self) -> Option<Error> {
        self.dispatch(&mut CoreError)
    }

    /// Checks an outcome against the expectation.
    pub fn check(&self, outcome: &Outcome) -> Result<(), String> {
        let error = || self.core_error();
        match (&self.expect, outcome) {
            (Expect::Ok(pointer), Ok(value)) => {
                let vector = self.vector.as_ref().ok_or("no vector")?;
                let body = vector.response.body.as_ref().ok_or("no JSON body")?;
                let part = body.pointer(pointer).ok_or_else(|| format!("no {pointer} in the body"))?;
                match first_difference(value, part) {
                    None => Ok(()),
                    Some(difference) => Err(format!("output differs from the response at {difference}")),
                }
            }
            (Expect::OkExcept { pointer, dropped, replaced }, Ok(value)) => {
                let vector = self.vector.as_ref().ok_or("no vector")?;
                let body = vector.response.body.as_ref().ok_or("no JSON body")?;
                let mut expected =
                    body.pointer(pointer).ok_or_else(|| format!("no {pointer} in the body"))?.clone();
                for member in *dropped {
                    let (parent, name) = member.rsplit_once('/').ok_or("a dropped member is a pointer")?;
                    let removed = expected
                        .pointer_mut(parent)
                        .and_then(|p| p.as_object_mut())
                        .and_then(|p| p.remove(name));
                    if removed.is_none() {
                        return Err(format!("the body has no {member} to drop"));
                    }
                }
                for (member, json) in *replaced {
                    let (parent, name) = member.rsplit_once('/').ok_or("a replaced member is a pointer")?;
                    let parent = expected
                        .pointer_mut(parent)
                        .and_then(|p| p.as_object_mut())
                        .ok_or_else(|| format!("the body has no object holding {member}"))?;
                    let value = serde_json::from_str(json).map_err(|e| format!("{member}: {e}"))?;
                    parent.insert(name.to_owned(), value);
                }
                match first_difference(value, &expected) {
                    None => Ok(()),
                    Some(difference) => {
                        Err(format!("output differs from the adjusted response at {difference}"))
                    }
                }
            }
            (Expect::Api(code), Err(_)) => match error() {
                Some(Error::Api(api)) if api.code == *code && api.status.as_u16() == vector_status(self) => {
                    if api.correlation_id.as_deref() != Some("c0ffee00-1234") {
                        return Err("the correlation id was lost".into());
                    }
                    Ok(())
                }
                other => Err(format!("expected API error {code}, got {other:?}")),
            },
            (Expect::Unexpected(status), Err(_)) => match error() {
                Some(Error::UnexpectedResponse { status: got, .. }) if got.as_u16() == *status => Ok(()),
                other => Err(format!("expected an unexpected-response error, got {other:?}")),
            },
            (Expect::Decode(path), Err(_)) => match error() {
                Some(Error::Decode(decode)) => {
                    let vector = self.vector.as_ref().ok_or("no vector")?;
                    if decode.path != *path {
                        return Err(format!("decode error at {:?} instead of {path:?}", decode.path));
                    }
                    if decode.status.as_u16() != vector_status(self) {
                        return Err(format!("decode error with status {}", decode.status));
                    }
                    if decode.body.expose() != vector.response().body().as_slice() {
                        return Err("the decode error does not keep the whole body".into());
                    }
                    if decode.correlation_id.as_deref() != Some("c0ffee00-1234") {
                        return Err("the correlation id was lost".into());
                    }
                    Ok(())
                }
                other => Err(format!("expected a decode error at {path}, got {other:?}")),
            },
            (Expect::Input(field), Err(_)) => match error() {
                Some(Error::Input(input)) if input.field == *field => Ok(()),
                other => Err(format!("expected an input error on {field}, got {other:?}")),
            },
            (expect, outcome) => Err(format!("expected {expect:?}, got {outcome:?}")),
        }
    }
}

/// Runs every case through `runner` and returns what went wrong: each case whose outcome
/// differs from the core alone's or misses its expectation, and whatever `extra` reports
/// about the runner after each case (such as how many requests it sent).
pub fn replay<R: Runner>(
    runner: &mut R,
    mut extra: impl FnMut(&mut R, &Case) -> Option<String>,
) -> Vec<String> {
    let all = cases();
    let mut problems = Vec::new();
    for case in &all {
        let ours = case.run(runner);
        let core = case.run(&mut CoreRunner);
        if ours != core {
            problems.push(format!("{}: {ours:?} != core alone {core:?}", case.name));
        }
        if let Err(problem) = case.check(&ours) {
            problems.push(format!("{}: {problem}", case.name));
        }
        problems.extend(extra(runner, case).map(|problem| format!("{}: {problem}", case.name)));
    }
    problems
}

/// The create request with every field set, as in the `create_server_full` vector.
pub fn full_create_server() -> CreateServer {
    CreateServer {
        location: Some("nbg1".into()),
        start_after_create: Some(true),
        ssh_keys: vec!["my-ssh-key".into()],
        user_data: Some("#cloud-config\nruncmd:\n- [touch, /root/cloud-init-worked]\n".into()),
        labels: [("environment", "prod"), ("example.com/my", "label"), ("just-a-key", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        networks: vec![NetworkId(456)],
        firewalls: vec![FirewallId(38)],
        volumes: vec![VolumeId(123)],
        automount: Some(false),
        placement_group: Some(PlacementGroupId(1)),
        public_net: Some(CreatePublicNet {
            enable_ipv4: Some(false),
            enable_ipv6: Some(true),
            ipv4: None,
            ipv6: Some(PrimaryIpId(9)),
        }),
        ..CreateServer::new("my-server", "cpx22", "ubuntu-24.04")
    }
}

fn vector_status(case: &Case) -> u16 {
    case.vector.as_ref().map_or(0, |v| v.response.status)
}

fn case(name: &str, op: AnyOp, expect: Expect) -> Case {
    let vector = (!matches!(expect, Expect::Input(_))).then(|| Vector::load(name));
    Case { name: name.to_owned(), vector, expect, op }
}

fn server(id: u64) -> ServerId {
    ServerId(id)
}

/// Every case: each vector file paired with its operation, plus input errors that never
/// reach the network.
pub fn cases() -> Vec<Case> {
    use AnyOp::*;
    let full = full_create_server();
    let filtered = ListServers {
        name: Some("web-1".into()),
        label_selector: Some("env=prod,!tmp".into()),
        status: vec![ServerStatus::Running, ServerStatus::Off],
        sort: vec![Sort::desc(SortField::Name), Sort { field: SortField::Id, direction: None }],
        page: Some(2),
        per_page: Some(10),
    };
    let labels =
        [("env", "prod"), ("team", "")].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let mut table = vec![
        case(
            "list_servers_first_page",
            List(ListServers { page: Some(1), per_page: Some(50), ..ListServers::all() }),
            Expect::Ok(""),
        ),
        case("list_servers_filtered", List(filtered), Expect::Ok("")),
        case("list_servers_empty", List(ListServers::by_name("nothing")), Expect::Ok("")),
        case("get_server", Get(GetServer { id: server(42) }), Expect::Ok("/server")),
        case(
            "get_server_tolerant",
            Get(GetServer { id: server(42) }),
            Expect::OkExcept {
                pointer: "/server",
                dropped: &["/datacenter", "/future_field"],
                replaced: &[],
            },
        ),
        case(
            "get_server_nulls",
            Get(GetServer { id: server(42) }),
            Expect::OkExcept {
                pointer: "/server",
                dropped: &[],
                replaced: &[("/load_balancers", "[]"), ("/volumes", "[]"), ("/public_net/firewalls", "[]")],
            },
        ),
        case("create_server_full", Create(Box::new(full)), Expect::Ok("")),
        case(
            "create_server_minimal",
            Create(Box::new(CreateServer::new("my-server", "cpx22", "ubuntu-24.04"))),
            Expect::Ok(""),
        ),
        case(
            "update_server_rename",
            Update(UpdateServer::rename(server(42), "new-name")),
            Expect::Ok("/server"),
        ),
        case(
            "update_server_labels",
            Update(UpdateServer { id: server(42), name: Some("new-name".into()), labels: Some(labels) }),
            Expect::Ok("/server"),
        ),
        case("delete_server", Delete(DeleteServer { id: server(42) }), Expect::Ok("/action")),
        case(
            "enable_rescue",
            EnableRescue(hcloud_core::servers::EnableRescue {
                id: server(42),
                rescue_type: Some(RescueType::Linux64),
                ssh_keys: vec![SshKeyId(2323)],
            }),
            Expect::Ok(""),
        ),
        case(
            "enable_rescue_defaults",
            EnableRescue(hcloud_core::servers::EnableRescue {
                id: server(42),
                rescue_type: None,
                ssh_keys: vec![],
            }),
            Expect::Ok(""),
        ),
        case(
            "disable_rescue",
            DisableRescue(hcloud_core::servers::DisableRescue { id: server(42) }),
            Expect::Ok("/action"),
        ),
        case(
            "enable_backup",
            EnableBackup(hcloud_core::servers::EnableBackup { id: server(42) }),
            Expect::Ok("/action"),
        ),
        case(
            "disable_backup",
            DisableBackup(hcloud_core::servers::DisableBackup { id: server(42) }),
            Expect::Ok("/action"),
        ),
        case(
            "get_action",
            GetAction(hcloud_core::actions::GetAction { id: ActionId(13) }),
            Expect::Ok("/action"),
        ),
        case(
            "get_action_failed",
            GetAction(hcloud_core::actions::GetAction { id: ActionId(13) }),
            Expect::Ok("/action"),
        ),
        case(
            "get_actions",
            ListActions(ListActionsByIds::new([3, 1, 2, 1].map(ActionId))),
            Expect::Ok("/actions"),
        ),
        case(
            "error_unknown_code",
            Get(GetServer { id: server(42) }),
            Expect::Api(ErrorCode::Other("teapot".into())),
        ),
        case("error_html_502", Get(GetServer { id: server(42) }), Expect::Unexpected(502)),
        case("error_empty_503", Get(GetServer { id: server(42) }), Expect::Unexpected(503)),
        case("decode_bad_timestamp", Get(GetServer { id: server(42) }), Expect::Decode("server.created")),
        case(
            "decode_truncated",
            Get(GetServer { id: server(42) }),
            Expect::Decode("server.image.description"),
        ),
        case(
            "input_server_name",
            Create(Box::new(CreateServer::new("bad_name!", "cpx22", "ubuntu-24.04"))),
            Expect::Input("name"),
        ),
        case(
            "input_user_data",
            Create(Box::new(CreateServer {
                user_data: Some("x".repeat(32 * 1024 + 1)),
                ..CreateServer::new("web", "cpx22", "ubuntu-24.04")
            })),
            Expect::Input("user_data"),
        ),
        case(
            "input_label",
            Create(Box::new(CreateServer {
                labels: [("hetzner.cloud/x".to_owned(), "y".to_owned())].into(),
                ..CreateServer::new("web", "cpx22", "ubuntu-24.04")
            })),
            Expect::Input("labels[\"hetzner.cloud/x\"]"),
        ),
        case("input_id_zero", Get(GetServer { id: server(0) }), Expect::Input("id")),
        case("input_rename_invalid", Update(UpdateServer::rename(server(42), "-x")), Expect::Input("name")),
        case(
            "input_nothing_to_update",
            Update(UpdateServer { id: server(42), name: None, labels: None }),
            Expect::Input("name"),
        ),
        case(
            "input_per_page",
            List(ListServers { per_page: Some(51), ..ListServers::all() }),
            Expect::Input("per_page"),
        ),
        case("input_no_action_ids", ListActions(ListActionsByIds::new([])), Expect::Input("id")),
        case(
            "input_too_many_action_ids",
            ListActions(ListActionsByIds::new((1..=26).map(ActionId))),
            Expect::Input("id"),
        ),
    ];
    for (_, code) in crate::spec::error_codes() {
        table.push(case(
            &format!("error_{code}"),
            Get(GetServer { id: server(42) }),
            Expect::Api(crate::errors::code_of(&code)),
        ));
    }
    table
}
