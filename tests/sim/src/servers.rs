//! The `/servers` resource and its actions.

use std::collections::BTreeMap;

use http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::labels::{parse_selector, valid_hostname, validate_label};
use crate::model::{ActionView, Effect, Meta, PrivateNet, Server, ServerView};
use crate::sim::{
    parse_sort, sort_by_keys, valid_server_status, ApiError, Ctx, Handled, Out, Paging, Simulator,
};
use crate::util::rfc3339;

const MISSING: &str = "Missing data for required field.";
const USER_DATA_MAX: usize = 32 * 1024;

/// Parses a JSON object body; an empty body counts as `{}` when allowed.
pub(crate) fn parse_body(body: &[u8], empty_ok: bool) -> Result<Map<String, Value>, ApiError> {
    if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, "json_error", "request body must be a JSON object"))
        }
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "json_error",
            format!("invalid JSON in request body: {e}"),
        )),
    }
}

/// Typed access to body fields that collects every problem instead of stopping
/// at the first, so one 422 can name all offending fields.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: Vec<(String, String)>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, errors: Vec::new() }
    }

    fn err(&mut self, field: &str, msg: impl Into<String>) {
        self.errors.push((field.to_owned(), msg.into()));
    }

    /// `None` when absent or JSON `null`.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn string(&mut self, key: &str, required: bool) -> Option<&'a str> {
        match self.get(key) {
            None => {
                if required {
                    self.err(key, MISSING);
                }
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                self.err(key, "Not a valid string.");
                None
            }
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.err(key, "Not a valid boolean.");
                None
            }
        }
    }

    fn id(&mut self, key: &str) -> Option<u64> {
        match self.get(key) {
            None => None,
            Some(v) => match v.as_u64().filter(|&n| n >= 1) {
                Some(n) => Some(n),
                None => {
                    self.err(key, "Not a valid integer.");
                    None
                }
            },
        }
    }

    fn id_list(&mut self, key: &str) -> Vec<u64> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let ids: Vec<u64> = items.iter().filter_map(|v| v.as_u64().filter(|&n| n >= 1)).collect();
                if ids.len() != items.len() {
                    self.err(key, "Not a valid list of integers.");
                }
                ids
            }
            Some(_) => {
                self.err(key, "Not a valid list.");
                Vec::new()
            }
        }
    }

    /// SSH keys may be given by id or by name.
    fn key_list(&mut self, key: &str) -> Vec<String> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut keys = Vec::new();
                for v in items {
                    match v {
                        Value::String(s) if !s.is_empty() => keys.push(s.clone()),
                        Value::Number(n) if n.as_u64().is_some() => keys.push(n.to_string()),
                        _ => {
                            self.err(key, "Not a valid list of SSH key IDs or names.");
                            break;
                        }
                    }
                }
                keys
            }
            Some(_) => {
                self.err(key, "Not a valid list.");
                Vec::new()
            }
        }
    }

    fn labels(&mut self, key: &str) -> Option<BTreeMap<String, String>> {
        match self.get(key) {
            None => None,
            Some(Value::Object(map)) => {
                let mut labels = BTreeMap::new();
                for (k, v) in map {
                    match v.as_str() {
                        Some(s) => match validate_label(k, s) {
                            Ok(()) => {
                                labels.insert(k.clone(), s.to_owned());
                            }
                            Err(m) => self.err(key, m),
                        },
                        None => self.err(key, format!("value of label '{k}' must be a string")),
                    }
                }
                Some(labels)
            }
            Some(_) => {
                self.err(key, "Not a valid mapping type.");
                None
            }
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(&self.errors))
        }
    }
}

fn name_taken(name: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        "uniqueness_error",
        format!("server name '{name}' is already used"),
    );
    e.details = Some(serde_json::json!({"fields": [{"name": "name"}]}));
    e
}

const INVALID_NAME: &str = "must be a valid hostname (RFC 1123: letters, digits, dashes and dots)";

/// A server to place directly into a simulator's state, bypassing the API: no
/// actions, no rate limit, immediately in its final status.
///
/// ```
/// use hcloud_sim::{ServerSeed, Simulator};
/// let mut sim = Simulator::default();
/// let id = sim
///     .insert_server(ServerSeed::new("db-1").with_label("role", "db").with_status("off"))
///     .unwrap();
/// assert_eq!(sim.server_count(), 1);
/// # let _ = id;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSeed {
    /// Server name; must be a valid, unused hostname.
    pub name: String,
    /// Server type name or id (default `cx22`).
    pub server_type: String,
    /// Image name or id (default `ubuntu-24.04`).
    pub image: String,
    /// Location name or id (default `fsn1`).
    pub location: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Status, one of the API's server statuses (default `running`).
    pub status: String,
}

impl ServerSeed {
    /// A running `cx22` with `ubuntu-24.04` in `fsn1`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            server_type: "cx22".to_owned(),
            image: "ubuntu-24.04".to_owned(),
            location: "fsn1".to_owned(),
            labels: BTreeMap::new(),
            status: "running".to_owned(),
        }
    }

    /// Sets the server type.
    pub fn with_server_type(mut self, server_type: impl Into<String>) -> Self {
        self.server_type = server_type.into();
        self
    }

    /// Sets the image.
    pub fn with_image(mut self, image: impl Into<String>) -> Self {
        self.image = image.into();
        self
    }

    /// Sets the location.
    pub fn with_location(mut self, location: impl Into<String>) -> Self {
        self.location = location.into();
        self
    }

    /// Adds a label.
    pub fn with_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Sets the status.
    pub fn with_status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }
}

/// Resolved, validated inputs of a new server.
struct NewServer {
    name: String,
    server_type: usize,
    location: usize,
    image: usize,
    status: &'static str,
    labels: BTreeMap<String, String>,
    ipv4: bool,
    ipv6: bool,
    networks: Vec<u64>,
    firewalls: Vec<u64>,
    volumes: Vec<u64>,
    placement_group: Option<u64>,
}

#[derive(Serialize)]
struct CreateServerResponse<'a> {
    server: ServerView<'a>,
    action: ActionView<'a>,
    next_actions: Vec<ActionView<'a>>,
    root_password: Option<String>,
}

#[derive(Serialize)]
struct ServerResponse<'a> {
    server: ServerView<'a>,
}

#[derive(Serialize)]
struct ServerListResponse<'a> {
    servers: Vec<ServerView<'a>>,
    meta: Meta,
}

#[derive(Serialize)]
pub(crate) struct ActionResponse<'a> {
    pub action: ActionView<'a>,
}

#[derive(Serialize)]
struct RescueResponse<'a> {
    root_password: String,
    action: ActionView<'a>,
}

impl Simulator {
    /// Places a server directly into the state (see [`ServerSeed`]) and returns its id.
    pub fn insert_server(&mut self, seed: ServerSeed) -> Result<u64, String> {
        if !valid_hostname(&seed.name) {
            return Err(format!("invalid name '{}'", seed.name));
        }
        if self.names.contains_key(&seed.name) {
            return Err(format!("name '{}' is already used", seed.name));
        }
        let server_type = self
            .catalog
            .server_type(&seed.server_type)
            .ok_or_else(|| format!("unknown server type '{}'", seed.server_type))?;
        let arch = self.catalog.server_types[server_type].architecture;
        let image = self
            .catalog
            .image(&seed.image, arch)
            .ok_or_else(|| format!("unknown image '{}' for {arch}", seed.image))?;
        let location = self
            .catalog
            .location(&seed.location)
            .ok_or_else(|| format!("unknown location '{}'", seed.location))?;
        let status = crate::model::SERVER_STATUSES
            .iter()
            .copied()
            .find(|s| *s == seed.status)
            .ok_or_else(|| format!("unknown status '{}'", seed.status))?;
        for (k, v) in &seed.labels {
            validate_label(k, v)?;
        }
        Ok(self.add_server(NewServer {
            name: seed.name,
            server_type,
            location,
            image,
            status,
            labels: seed.labels,
            ipv4: true,
            ipv6: true,
            networks: Vec::new(),
            firewalls: Vec::new(),
            volumes: Vec::new(),
            placement_group: None,
        }))
    }

    /// Inserts `n` running servers named `server-<id>` (see [`insert_server`](Self::insert_server))
    /// and returns their ids; meant for paging tests and benchmarks.
    pub fn insert_servers(&mut self, n: usize) -> Vec<u64> {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let mut name = format!("server-{}", self.next_server_id);
            let mut suffix = 0u32;
            while self.names.contains_key(&name) {
                suffix += 1;
                name = format!("server-{}-{suffix}", self.next_server_id);
            }
            // The seed is valid by construction, so this cannot fail.
            if let Ok(id) = self.insert_server(ServerSeed::new(name)) {
                ids.push(id);
            }
        }
        ids
    }

    fn add_server(&mut self, new: NewServer) -> u64 {
        let id = self.next_server_id;
        self.next_server_id += 1;
        // Addresses from documentation-style ranges, unique per id.
        let ipv4 =
            new.ipv4.then(|| format!("100.{}.{}.{}", 64 + (id >> 16) % 64, (id >> 8) & 0xFF, id & 0xFF));
        let ipv6 = new.ipv6.then(|| format!("2001:db8:{:x}::/64", id & 0xFFFF));
        let private_net = new
            .networks
            .iter()
            .enumerate()
            .map(|(i, &network)| PrivateNet {
                network,
                ip: format!("10.{}.{}.{}", i, (id >> 8) & 0xFF, (id & 0xFF).max(2)),
                alias_ips: Vec::new(),
                mac_address: format!(
                    "86:00:00:{:02x}:{:02x}:{:02x}",
                    (id >> 16) & 0xFF,
                    (id >> 8) & 0xFF,
                    id & 0xFF
                ),
            })
            .collect();
        if let Some(pg) = new.placement_group {
            self.placement_groups.entry(pg).or_default().push(id);
        }
        self.names.insert(new.name.clone(), id);
        self.servers.insert(
            id,
            Server {
                id,
                name: new.name,
                status: new.status,
                created_at: self.now,
                created: rfc3339(self.config.epoch_unix, self.now),
                server_type: new.server_type,
                location: new.location,
                image: new.image,
                ipv4,
                ipv6,
                private_net,
                firewalls: new.firewalls,
                volumes: new.volumes,
                placement_group: new.placement_group,
                rescue_enabled: false,
                backup_window: None,
                labels: new.labels,
                running: Vec::new(),
            },
        );
        id
    }

    fn render_server(&self, id: u64) -> Option<ServerView<'_>> {
        self.servers.get(&id).map(|s| s.view(&self.catalog, &self.placement_groups))
    }

    fn action_view(&self, id: u64) -> ActionView<'_> {
        self.actions[&id].view(self.now, self.config.epoch_unix)
    }

    /// `423 locked` while any action of the server is still running.
    fn ensure_unlocked(&self, id: u64) -> Result<(), ApiError> {
        let server = self.server(id)?;
        match server.running.first() {
            None => Ok(()),
            Some(action) => Err(ApiError::new(
                StatusCode::LOCKED,
                "locked",
                format!(
                    "server {id} is locked: action {action} ({}) is still running",
                    self.actions.get(action).map_or("unknown", |a| a.command)
                ),
            )),
        }
    }

    pub(crate) fn create_server(&mut self, ctx: &Ctx<'_>) -> Handled {
        let body = parse_body(ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true);
        if let Some(n) = name {
            if !valid_hostname(n) {
                f.err("name", INVALID_NAME);
            }
        }
        let server_type = f.string("server_type", true).and_then(|t| {
            let found = self.catalog.server_type(t);
            if found.is_none() {
                f.err("server_type", format!("server type '{t}' not found"));
            }
            found
        });
        let arch = server_type.map_or("x86", |t| self.catalog.server_types[t].architecture);
        let image = f.string("image", true).and_then(|i| {
            let found = self.catalog.image(i, arch);
            match found {
                None => f.err("image", format!("image '{i}' not found")),
                Some(idx) if self.catalog.images[idx].architecture != arch => {
                    f.err(
                        "image",
                        format!("image '{i}' does not match the {arch} architecture of the server type"),
                    );
                }
                Some(_) => {}
            }
            found
        });
        let location = f.string("location", false).map(|l| {
            let found = self.catalog.location(l);
            if found.is_none() {
                f.err("location", format!("location '{l}' not found"));
            }
            found
        });
        let start = f.boolean("start_after_create").unwrap_or(true);
        let ssh_keys = f.key_list("ssh_keys");
        if let Some(data) = f.string("user_data", false) {
            if data.len() > USER_DATA_MAX {
                f.err("user_data", "is too long");
            }
        }
        let labels = f.labels("labels").unwrap_or_default();
        let networks = f.id_list("networks");
        let volumes = f.id_list("volumes");
        f.boolean("automount");
        let placement_group = f.id("placement_group");
        let mut firewalls = Vec::new();
        match f.get("firewalls") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item.get("firewall").and_then(Value::as_u64) {
                        Some(id) if id >= 1 => firewalls.push(id),
                        _ => f.err("firewalls", "each entry needs an integer 'firewall'"),
                    }
                }
            }
            Some(_) => f.err("firewalls", "Not a valid list."),
        }
        let (mut ipv4, mut ipv6) = (true, true);
        match f.get("public_net") {
            None => {}
            Some(Value::Object(pn)) => {
                let mut sub = Fields::new(pn);
                ipv4 = sub.boolean("enable_ipv4").unwrap_or(true);
                ipv6 = sub.boolean("enable_ipv6").unwrap_or(true);
                sub.id("ipv4");
                sub.id("ipv6");
                for (field, msg) in sub.errors {
                    f.err(&format!("public_net.{field}"), msg);
                }
            }
            Some(_) => f.err("public_net", "Not a valid mapping type."),
        }
        f.finish()?;
        let (Some(name), Some(server_type), Some(image)) = (name, server_type, image) else {
            // finish() has already reported whichever was missing.
            return Err(ApiError::invalid_field("name", MISSING));
        };
        let location = match location.flatten() {
            Some(l) => l,
            // Like the real API, pick a location where the type is offered.
            None => {
                let first = self.catalog.server_types[server_type].locations[0].name;
                self.catalog.location(first).unwrap_or(0)
            }
        };
        if !self.catalog.type_available_in(server_type, location) {
            return Err(ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "resource_unavailable",
                format!(
                    "server type {} is not available in location {}",
                    self.catalog.server_types[server_type].name, self.catalog.locations[location].name
                ),
            ));
        }
        if self.names.contains_key(name) {
            return Err(name_taken(name));
        }

        let id = self.add_server(NewServer {
            name: name.to_owned(),
            server_type,
            location,
            image,
            status: "initializing",
            labels,
            ipv4,
            ipv6,
            networks,
            firewalls,
            volumes,
            placement_group,
        });
        let create_fails = self.config.fails("create_server");
        let create_done = self.now + self.config.duration_of("create_server");
        let create =
            self.start_action("create_server", id, create_done, Effect::Create { start }, create_fails);
        // start_server cannot finish before the server exists.
        let next = start.then(|| {
            let done = (self.now + self.config.duration_of("start_server")).max(create_done);
            let fails = create_fails || self.config.fails("start_server");
            self.start_action("start_server", id, done, Effect::Start, fails)
        });
        let root_password = ssh_keys.is_empty().then(|| self.secrets.alnum(20));
        self.settle();

        let server =
            self.render_server(id).ok_or_else(|| ApiError::not_found(&format!("server with ID '{id}'")))?;
        Ok(Out::json(
            StatusCode::CREATED,
            &CreateServerResponse {
                server,
                action: self.action_view(create),
                next_actions: next.into_iter().map(|a| self.action_view(a)).collect(),
                root_password,
            },
        ))
    }

    pub(crate) fn list_servers(&self, ctx: &Ctx<'_>) -> Handled {
        let q = &ctx.query;
        let paging = Paging::parse(q)?;
        let selector = q
            .get("label_selector")
            .map(parse_selector)
            .transpose()
            .map_err(|e| ApiError::invalid_field("label_selector", e))?;
        let statuses: Vec<&str> = q.all("status").collect();
        if let Some(bad) = statuses.iter().find(|s| !valid_server_status(s)) {
            return Err(ApiError::invalid_field("status", format!("invalid status '{bad}'")));
        }
        let sorts = parse_sort(q, &["id", "name", "created"])?;

        let keep = |s: &&Server| {
            (statuses.is_empty() || statuses.contains(&s.status))
                && selector.as_ref().is_none_or(|sel| sel.matches(&s.labels))
        };
        let mut items: Vec<&Server> = match q.get("name") {
            // Names are unique: answer by index instead of scanning.
            Some(name) => {
                self.names.get(name).and_then(|id| self.servers.get(id)).into_iter().filter(keep).collect()
            }
            None => self.servers.values().filter(keep).collect(),
        };
        sort_by_keys(
            &mut items,
            &sorts,
            |a, b, field| match field {
                "name" => a.name.cmp(&b.name),
                "created" => a.created_at.cmp(&b.created_at),
                _ => a.id.cmp(&b.id),
            },
            |item| item.id,
        );
        let (range, pagination) = paging.window(items.len());
        let servers = items[range].iter().map(|s| s.view(&self.catalog, &self.placement_groups)).collect();
        let mut out = Out::json(StatusCode::OK, &ServerListResponse { servers, meta: Meta { pagination } });
        out.link = Some(link_header(ctx, &pagination));
        Ok(out)
    }

    pub(crate) fn get_server(&self, id: u64) -> Handled {
        self.server(id)?;
        let server = self.render_server(id).ok_or_else(|| ApiError::not_found("server"))?;
        Ok(Out::json(StatusCode::OK, &ServerResponse { server }))
    }

    pub(crate) fn update_server(&mut self, ctx: &Ctx<'_>, id: u64) -> Handled {
        self.server(id)?;
        let body = parse_body(ctx.body, true)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", false);
        if let Some(n) = name {
            if !valid_hostname(n) {
                f.err("name", INVALID_NAME);
            }
        }
        let labels = f.labels("labels");
        f.finish()?;
        // Renaming and relabelling start no action, so a running action does not block them.
        self.server(id)?;
        if let Some(n) = name {
            if self.names.get(n).is_some_and(|&other| other != id) {
                return Err(name_taken(n));
            }
        }
        if let Some(server) = self.servers.get_mut(&id) {
            if let Some(n) = name {
                self.names.remove(&server.name);
                server.name = n.to_owned();
                self.names.insert(n.to_owned(), id);
            }
            if let Some(l) = labels {
                server.labels = l;
            }
        }
        self.get_server(id)
    }

    pub(crate) fn delete_server(&mut self, id: u64) -> Handled {
        self.ensure_unlocked(id)?;
        let previous = self.server(id)?.status;
        if let Some(s) = self.servers.get_mut(&id) {
            s.status = "deleting";
        }
        let action = self.start_configured_action("delete_server", id, Effect::Delete { previous });
        self.settle();
        Ok(Out::json(StatusCode::OK, &ActionResponse { action: self.action_view(action) }))
    }

    pub(crate) fn server_action(&mut self, ctx: &Ctx<'_>, id: u64, verb: &str) -> Handled {
        const VERBS: &[&str] = &[
            "enable_rescue",
            "disable_rescue",
            "enable_backup",
            "disable_backup",
            "poweron",
            "poweroff",
            "shutdown",
            "reboot",
            "reset",
        ];
        if !VERBS.contains(&verb) {
            return Err(ApiError::not_found(&format!("server action '{verb}'")));
        }
        if *ctx.method != http::Method::POST {
            return Err(crate::sim::method_not_allowed("POST, OPTIONS"));
        }
        let status = self.server(id)?.status;
        let body = parse_body(ctx.body, true)?;
        let mut rescue_password = None;
        if verb == "enable_rescue" {
            let mut f = Fields::new(&body);
            if let Some(t) = f.string("type", false) {
                if t != "linux64" {
                    f.err("type", format!("unsupported rescue type '{t}'"));
                }
            }
            f.id_list("ssh_keys");
            f.finish()?;
        }
        self.ensure_unlocked(id)?;

        let (command, effect, interim): (&'static str, Effect, Option<&'static str>) = match verb {
            "enable_rescue" => {
                rescue_password = Some(self.secrets.alnum(20));
                ("enable_rescue", Effect::Rescue(true), None)
            }
            "disable_rescue" => ("disable_rescue", Effect::Rescue(false), None),
            "enable_backup" => ("enable_backup", Effect::Backup(Some("22-02".to_owned())), None),
            "disable_backup" => ("disable_backup", Effect::Backup(None), None),
            "poweron" => ("start_server", Effect::Start, Some("starting")),
            "poweroff" => ("stop_server", Effect::Stop { previous: status }, Some("stopping")),
            "shutdown" => ("shutdown_server", Effect::Stop { previous: status }, Some("stopping")),
            "reboot" => ("reboot_server", Effect::Nothing, None),
            _ => ("reset_server", Effect::Nothing, None),
        };
        if let (Some(s), Some(interim)) = (self.servers.get_mut(&id), interim) {
            s.status = interim;
        }
        let action = self.start_configured_action(command, id, effect);
        self.settle();
        let action = self.action_view(action);
        Ok(match rescue_password {
            Some(root_password) => Out::json(StatusCode::CREATED, &RescueResponse { root_password, action }),
            None => Out::json(StatusCode::CREATED, &ActionResponse { action }),
        })
    }
}

/// `Link` header with `prev`, `next` and `last`, keeping the caller's other
/// query parameters as they were sent.
pub(crate) fn link_header(ctx: &Ctx<'_>, p: &crate::model::Pagination) -> String {
    let base = format!("http://{}{}", ctx.host, ctx.full_path);
    let rest = ctx.query.raw_without("page");
    let url = |page: u64| {
        let mut parts: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
        parts.push(format!("page={page}"));
        format!("<{base}?{}>", parts.join("&"))
    };
    let mut links = Vec::new();
    if let Some(prev) = p.previous_page {
        links.push(format!("{}; rel=\"prev\"", url(prev)));
    }
    if let Some(next) = p.next_page {
        links.push(format!("{}; rel=\"next\"", url(next)));
    }
    if let Some(last) = p.last_page {
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    links.join(", ")
}
