//! Servers: creation with every reference, deletion, and all server actions.

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::{json, Value};

use super::{conflict, obj};
use crate::actions::{Patch, Plan};
use crate::input::{labels_value, parse_body, Fields, IdOrName};
use crate::labels::{valid_hostname, validate_label};
use crate::render::ref_id;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::{ids_of, pull_id, push_id, str_of, u64_of, Kind};
use crate::view::{Body, Part};

const USER_DATA_MAX: usize = 32 * 1024;
/// Servers a spread placement group can hold.
const SPREAD_MAX: usize = 10;

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
    server_type: u64,
    location: u64,
    image: u64,
    status: String,
    labels: BTreeMap<String, String>,
    ipv4: Option<Option<u64>>,
    ipv6: Option<Option<u64>>,
    networks: Vec<u64>,
    firewalls: Vec<u64>,
    volumes: Vec<u64>,
    placement_group: Option<u64>,
    ssh_keys: Vec<u64>,
    user_data: Option<String>,
}

impl Simulator {
    /// Looks a server type up by name or id.
    fn server_type_id(&self, r: &IdOrName) -> Option<u64> {
        self.lookup(Kind::ServerType, r)
    }

    /// Looks an image up by id, or by name for an architecture (x86 and arm
    /// builds share names, not ids).
    pub(crate) fn image_id(&self, r: &IdOrName, arch: &str) -> Option<u64> {
        let fits = |id: &u64| {
            self.store.get(Kind::Image, *id).is_some_and(|i| str_of(i, "architecture") == Some(arch))
        };
        if let Some(id) = r.as_id().filter(|id| self.store.contains(Kind::Image, *id)) {
            return Some(id).filter(fits);
        }
        let IdOrName::Name(name) = r else { return None };
        self.store
            .items(Kind::Image)
            .iter()
            .find(|(id, i)| str_of(i, "name") == Some(name) && fits(id))
            .map(|(id, _)| *id)
    }

    fn arch_of_type(&self, t: u64) -> &str {
        self.store.get(Kind::ServerType, t).and_then(|t| str_of(t, "architecture")).unwrap_or("x86")
    }

    /// Whether a server type is offered (and not past its deprecation) in a location.
    fn type_offered_in(&self, t: u64, location: u64) -> bool {
        self.store
            .get(Kind::ServerType, t)
            .and_then(|t| t.get("locations"))
            .and_then(Value::as_array)
            .is_some_and(|ls| {
                ls.iter()
                    .any(|l| l["id"].as_u64() == Some(location) && l["available"].as_bool() == Some(true))
            })
    }

    /// Places a server directly into the state (see [`ServerSeed`]) and returns its id.
    pub fn insert_server(&mut self, seed: ServerSeed) -> Result<u64, String> {
        if !valid_hostname(&seed.name) {
            return Err(format!("invalid name '{}'", seed.name));
        }
        if self.store.by_name(Kind::Server, &seed.name).is_some() {
            return Err(format!("name '{}' is already used", seed.name));
        }
        let server_type = self
            .server_type_id(&IdOrName::Name(seed.server_type.clone()))
            .ok_or_else(|| format!("unknown server type '{}'", seed.server_type))?;
        let arch = self.arch_of_type(server_type).to_owned();
        let image = self
            .image_id(&IdOrName::Name(seed.image.clone()), &arch)
            .ok_or_else(|| format!("unknown image '{}' for {arch}", seed.image))?;
        let location = self
            .lookup(Kind::Location, &IdOrName::Name(seed.location.clone()))
            .ok_or_else(|| format!("unknown location '{}'", seed.location))?;
        if !crate::list::SERVER_STATUSES.contains(&seed.status.as_str()) {
            return Err(format!("unknown status '{}'", seed.status));
        }
        for (k, v) in &seed.labels {
            validate_label(k, v)?;
        }
        Ok(self.add_server(NewServer {
            name: seed.name,
            server_type,
            location,
            image,
            status: seed.status,
            labels: seed.labels,
            ipv4: Some(None),
            ipv6: Some(None),
            networks: Vec::new(),
            firewalls: Vec::new(),
            volumes: Vec::new(),
            placement_group: None,
            ssh_keys: Vec::new(),
            user_data: None,
        }))
    }

    /// Inserts `n` running servers named `server-<id>` (see [`insert_server`](Self::insert_server))
    /// and returns their ids; meant for paging tests and benchmarks.
    pub fn insert_servers(&mut self, n: usize) -> Vec<u64> {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let next = self.store.next_id(Kind::Server);
            let mut name = format!("server-{next}");
            let mut suffix = 0u32;
            while self.store.by_name(Kind::Server, &name).is_some() {
                suffix += 1;
                name = format!("server-{next}-{suffix}");
            }
            // The seed is valid by construction, so this cannot fail.
            if let Ok(id) = self.insert_server(ServerSeed::new(name)) {
                ids.push(id);
            }
        }
        ids
    }

    /// Creates a primary IP assigned to a server (as creating a server does).
    fn new_primary_ip(&mut self, family: &str, location: u64, server: u64) -> u64 {
        let ip = if family == "ipv4" { self.next_ipv4() } else { self.next_ipv6_net() };
        let id = self.store.next_id(Kind::PrimaryIp);
        let created = self.timestamp();
        let location_obj =
            self.store.get(Kind::Location, location).cloned().map(Value::Object).unwrap_or(Value::Null);
        self.store.insert(
            Kind::PrimaryIp,
            obj(json!({
                "name": format!("primary_ip-{id}"), "labels": {}, "created": created, "blocked": false,
                "location": location_obj, "ip": ip, "dns_ptr": Self::default_dns_ptr(&ip),
                "protection": {"delete": false}, "type": family, "auto_delete": true,
                "assignee_type": "server", "assignee_id": server,
            })),
        )
    }

    /// Copies a primary IP's address and reverse DNS into its server's `public_net`.
    pub(crate) fn refresh_server_ip(&mut self, pip: u64) {
        let Some(p) = self.store.get(Kind::PrimaryIp, pip) else { return };
        let Some(server) = u64_of(p, "assignee_id") else { return };
        let family = str_of(p, "type").unwrap_or("ipv4").to_owned();
        let ip = str_of(p, "ip").unwrap_or("").to_owned();
        let ptrs = p.get("dns_ptr").cloned().unwrap_or_else(|| json!([]));
        let blocked = p.get("blocked").cloned().unwrap_or(Value::Bool(false));
        let entry = if family == "ipv4" {
            let ptr = ptrs.get(0).and_then(|e| e.get("dns_ptr")).cloned().unwrap_or_else(|| Value::from(""));
            json!({"id": pip, "ip": ip, "blocked": blocked, "dns_ptr": ptr})
        } else {
            json!({"id": pip, "ip": ip, "blocked": blocked, "dns_ptr": ptrs})
        };
        if let Some(s) = self.store.get_mut(Kind::Server, server) {
            s["public_net"][family.as_str()] = entry;
        }
    }

    fn add_server(&mut self, new: NewServer) -> u64 {
        let id = self.store.next_id(Kind::Server);
        let t = self.store.get(Kind::ServerType, new.server_type).cloned().unwrap_or_default();
        let location_name =
            self.store.get(Kind::Location, new.location).and_then(|l| str_of(l, "name")).unwrap_or("");
        let included = t
            .get("prices")
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().find(|p| p["location"] == location_name))
            .map_or(Value::Null, |p| p["included_traffic"].clone());
        let created = self.timestamp();
        let server = obj(json!({
            "name": new.name, "status": new.status, "created": created,
            "public_net": {"ipv4": null, "ipv6": null, "floating_ips": [], "firewalls": []},
            "private_net": [], "server_type": {"id": new.server_type}, "location": {"id": new.location},
            "image": {"id": new.image}, "iso": null, "rescue_enabled": false, "locked": false,
            "backup_window": null, "outgoing_traffic": 0, "ingoing_traffic": 0, "included_traffic": included,
            "protection": {"delete": false, "rebuild": false}, "labels": labels_value(Some(new.labels)),
            "volumes": [], "load_balancers": [], "primary_disk_size": t.get("disk").cloned().unwrap_or(Value::from(20)),
            "placement_group": null, "_ssh_keys": new.ssh_keys, "_user_data": new.user_data,
        }));
        self.store.insert(Kind::Server, server);
        for (family, choice) in [("ipv4", new.ipv4), ("ipv6", new.ipv6)] {
            let pip = match choice {
                None => continue,
                Some(Some(existing)) => {
                    if let Some(p) = self.store.get_mut(Kind::PrimaryIp, existing) {
                        p.insert("assignee_id".to_owned(), Value::from(id));
                    }
                    existing
                }
                Some(None) => self.new_primary_ip(family, new.location, id),
            };
            self.refresh_server_ip(pip);
        }
        for network in new.networks {
            // Checked by the caller: a subnet in the server's zone exists.
            let _ = self.join_network(id, network, None, Vec::new());
        }
        for fw in new.firewalls {
            self.apply_firewall_to_server(fw, id);
        }
        for volume in new.volumes {
            self.link_volume(volume, id);
        }
        if let Some(pg) = new.placement_group {
            self.join_placement_group(id, pg);
        }
        id
    }

    fn join_placement_group(&mut self, server: u64, pg: u64) {
        if let Some(s) = self.store.get_mut(Kind::Server, server) {
            s.insert("placement_group".to_owned(), json!({"id": pg}));
        }
        if let Some(g) = self.store.get_mut(Kind::PlacementGroup, pg) {
            push_id(g, "servers", server);
        }
    }

    fn leave_placement_group(&mut self, server: u64) {
        let pg = self.store.get(Kind::Server, server).and_then(|s| ref_id(s, "placement_group"));
        if let Some(s) = self.store.get_mut(Kind::Server, server) {
            s.insert("placement_group".to_owned(), Value::Null);
        }
        if let Some(g) = pg.and_then(|pg| self.store.get_mut(Kind::PlacementGroup, pg)) {
            pull_id(g, "servers", server);
        }
    }

    /// `404 not_found` for the first reference that names nothing.
    fn require(&self, kind: Kind, ids: &[u64]) -> Result<(), ApiError> {
        match ids.iter().find(|id| !self.store.contains(kind, **id)) {
            Some(id) => Err(ApiError::missing(kind, *id)),
            None => Ok(()),
        }
    }

    /// Resolves SSH keys given by id or name; `404` for a missing one.
    pub(crate) fn ssh_key_ids(&self, refs: &[IdOrName]) -> Result<Vec<u64>, ApiError> {
        refs.iter()
            .map(|r| {
                self.lookup(Kind::SshKey, r)
                    .ok_or_else(|| ApiError::not_found(&format!("SSH Key '{}'", r.display())))
            })
            .collect()
    }

    pub(crate) fn create_server(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true);
        self.check_name(&mut f, Kind::Server, name);
        let server_type = f.id_or_name("server_type", true).and_then(|t| {
            let found = self.server_type_id(&t);
            if found.is_none() {
                f.err("server_type", format!("server type '{}' not found", t.display()));
            }
            found
        });
        let arch = server_type.map_or("x86", |t| self.arch_of_type(t)).to_owned();
        let image = f.id_or_name("image", true).and_then(|i| {
            let found = self.image_id(&i, &arch);
            if found.is_none() {
                f.err("image", format!("image '{}' not found for architecture {arch}", i.display()));
            }
            found
        });
        let location = f.id_or_name("location", false).and_then(|l| {
            let found = self.lookup(Kind::Location, &l);
            if found.is_none() {
                f.err("location", format!("location '{}' not found", l.display()));
            }
            found
        });
        // Older clients still send a datacenter; it stands for its location.
        let datacenter_location = f.id_or_name("datacenter", false).and_then(|d| {
            let found = self.lookup(Kind::Datacenter, &d).and_then(|dc| self.store.get(Kind::Datacenter, dc));
            if found.is_none() {
                f.err("datacenter", format!("datacenter '{}' not found", d.display()));
            }
            found.and_then(|dc| ref_id(dc, "location"))
        });
        let start = f.boolean("start_after_create", false).unwrap_or(true);
        let ssh_keys = f.id_or_name_list("ssh_keys");
        let volumes = f.id_list("volumes");
        let networks = f.id_list("networks");
        let firewalls: Vec<u64> = f
            .objects("firewalls", false)
            .unwrap_or_default()
            .iter()
            .filter_map(|fw| fw.get("firewall").and_then(Value::as_u64))
            .collect();
        if f.get("firewalls").and_then(Value::as_array).is_some_and(|a| a.len() != firewalls.len()) {
            f.err("firewalls", "each entry needs an integer 'firewall'");
        }
        let user_data = f.string("user_data", false);
        if user_data.is_some_and(|u| u.len() > USER_DATA_MAX) {
            f.err("user_data", format!("must be at most {USER_DATA_MAX} bytes"));
        }
        let labels = f.labels("labels");
        f.boolean("automount", false);
        let placement_group = f.id("placement_group", false);
        let public_net = f.object("public_net", false);
        let (mut enable_v4, mut enable_v6, mut pip4, mut pip6) = (true, true, None, None);
        if let Some(pn) = public_net {
            let mut pf = Fields::new(pn);
            enable_v4 = pf.boolean("enable_ipv4", false).unwrap_or(true);
            enable_v6 = pf.boolean("enable_ipv6", false).unwrap_or(true);
            pip4 = pf.id("ipv4", false);
            pip6 = pf.id("ipv6", false);
            f.absorb("public_net", pf);
        }
        f.finish()?;
        let (Some(name), Some(server_type), Some(image)) = (name, server_type, image) else {
            return Err(ApiError::invalid_field("name", crate::input::MISSING));
        };

        let ssh_keys = self.ssh_key_ids(&ssh_keys)?;
        self.require(Kind::Volume, &volumes)?;
        self.require(Kind::Network, &networks)?;
        self.require(Kind::Firewall, &firewalls)?;
        self.require(Kind::PlacementGroup, placement_group.as_slice())?;
        self.require(Kind::PrimaryIp, &[pip4, pip6].into_iter().flatten().collect::<Vec<_>>())?;
        self.ensure_name_free(Kind::Server, name, None)?;

        let pip_location = [pip4, pip6]
            .into_iter()
            .flatten()
            .find_map(|p| self.store.get(Kind::PrimaryIp, p).and_then(|p| ref_id(p, "location")));
        let volume_location = volumes
            .first()
            .and_then(|v| self.store.get(Kind::Volume, *v))
            .and_then(|v| ref_id(v, "location"));
        let location = location
            .or(datacenter_location)
            .or(pip_location)
            .or(volume_location)
            .or_else(|| {
                self.store
                    .get(Kind::ServerType, server_type)
                    .and_then(|t| t["locations"].get(0))
                    .and_then(|l| l["id"].as_u64())
            })
            .unwrap_or(1);
        if !self.type_offered_in(server_type, location) {
            return Err(ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "resource_unavailable",
                "server type is not available in this location",
            ));
        }
        for (family, pip) in [("ipv4", pip4), ("ipv6", pip6)] {
            let Some(p) = pip.and_then(|p| self.store.get(Kind::PrimaryIp, p)) else { continue };
            if str_of(p, "type") != Some(family) {
                return Err(ApiError::code(
                    412,
                    "primary_ip_version_mismatch",
                    format!("primary IP is not {family}"),
                ));
            }
            if !p["assignee_id"].is_null() {
                return Err(ApiError::code(422, "primary_ip_assigned", "primary IP is already assigned"));
            }
            if ref_id(p, "location") != Some(location) {
                return Err(ApiError::code(
                    422,
                    "primary_ip_datacenter_mismatch",
                    "primary IP is in another location",
                ));
            }
        }
        for v in &volumes {
            let vol = self.store.get(Kind::Volume, *v).cloned().unwrap_or_default();
            if !vol["server"].is_null() {
                return Err(conflict(format!("volume {v} is already attached")));
            }
            if ref_id(&vol, "location") != Some(location) {
                return Err(conflict(format!("volume {v} is in another location")));
            }
        }
        let zone = self.network_zone_of_location(location);
        for n in &networks {
            if self.subnet_for(*n, &zone, None).is_none() {
                return Err(ApiError::code(
                    422,
                    "no_subnet_available",
                    format!("network {n} has no subnet in {zone}"),
                ));
            }
        }
        if let Some(pg) = placement_group.and_then(|pg| self.store.get(Kind::PlacementGroup, pg)) {
            if ids_of(pg, "servers").len() >= SPREAD_MAX {
                return Err(ApiError::code(422, "placement_error", "placement group is full"));
            }
        }

        let id = self.add_server(NewServer {
            name: name.to_owned(),
            server_type,
            location,
            image,
            status: "initializing".to_owned(),
            labels: labels.unwrap_or_default(),
            ipv4: enable_v4.then_some(pip4),
            ipv6: enable_v6.then_some(pip6),
            networks,
            firewalls,
            volumes,
            placement_group,
            ssh_keys: ssh_keys.clone(),
            user_data: user_data.map(str::to_owned),
        });
        let status = |s: &str| Patch::new(Kind::Server, id, "/status", s);
        let create = self.start_action(
            "create_server",
            vec![(Kind::Server, id)],
            Plan::default().success(status(if start { "starting" } else { "off" })).error(status("off")),
        );
        let mut next = Vec::new();
        if start {
            next.push(self.start_action(
                "start_server",
                vec![(Kind::Server, id)],
                Plan::default().success(status("running")).error(status("off")).after(create),
            ));
        }
        let root_password =
            if ssh_keys.is_empty() { Value::from(self.secrets.alnum(20)) } else { Value::Null };
        self.settle();
        let server = self.store.get(Kind::Server, id).ok_or_else(|| ApiError::missing(Kind::Server, id))?;
        let body = Body::new()
            .with("server", Part::One(self.view(Kind::Server, server)))
            .value("action", self.action_value(create))
            .value("next_actions", Value::Array(next.iter().map(|a| self.action_value(*a)).collect()))
            .value("root_password", root_password);
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// Removes a server at once, detaching everything it used; the action finishes later.
    pub(crate) fn delete_server(&mut self, id: u64) -> Handled {
        let server = self.store.get(Kind::Server, id).cloned().unwrap_or_default();
        for family in ["ipv4", "ipv6"] {
            let Some(pip) = server["public_net"][family]["id"].as_u64() else { continue };
            let auto = self
                .store
                .get(Kind::PrimaryIp, pip)
                .and_then(|p| p["auto_delete"].as_bool())
                .unwrap_or(false);
            if auto {
                self.store.remove(Kind::PrimaryIp, pip);
            } else if let Some(p) = self.store.get_mut(Kind::PrimaryIp, pip) {
                p.insert("assignee_id".to_owned(), Value::Null);
            }
        }
        for v in ids_of(&server, "volumes") {
            if let Some(vol) = self.store.get_mut(Kind::Volume, v) {
                vol.insert("server".to_owned(), Value::Null);
            }
        }
        let floating: Vec<u64> = self
            .store
            .items(Kind::FloatingIp)
            .iter()
            .filter(|(_, f)| u64_of(f, "server") == Some(id))
            .map(|(fid, _)| *fid)
            .collect();
        for fid in floating {
            if let Some(fip) = self.store.get_mut(Kind::FloatingIp, fid) {
                fip.insert("server".to_owned(), Value::Null);
            }
        }
        for net in server["private_net"].as_array().cloned().unwrap_or_default() {
            if let Some(n) = net["network"].as_u64().and_then(|n| self.store.get_mut(Kind::Network, n)) {
                pull_id(n, "servers", id);
            }
        }
        let firewalls: Vec<u64> = self.store.items(Kind::Firewall).keys().copied().collect();
        for fw in firewalls {
            self.unapply_firewall_from_server(fw, id);
        }
        let lbs: Vec<u64> = self.store.items(Kind::LoadBalancer).keys().copied().collect();
        for lb in lbs {
            if let Some(Value::Array(targets)) =
                self.store.get_mut(Kind::LoadBalancer, lb).and_then(|l| l.get_mut("targets"))
            {
                targets.retain(|t| t.pointer("/server/id").and_then(Value::as_u64) != Some(id));
            }
        }
        self.leave_placement_group(id);
        self.store.remove(Kind::Server, id);
        let action = self.start_action("delete_server", vec![(Kind::Server, id)], Plan::default());
        self.settle();
        Ok(Out::body(StatusCode::OK, &Body::new().value("action", self.action_value(action))))
    }

    fn server_status(&self, id: u64) -> String {
        self.store.get(Kind::Server, id).and_then(|s| str_of(s, "status")).unwrap_or("off").to_owned()
    }

    fn set_server(&mut self, id: u64, key: &str, value: Value) {
        if let Some(s) = self.store.get_mut(Kind::Server, id) {
            s.insert(key.to_owned(), value);
        }
    }

    fn ensure_stopped(&self, id: u64) -> Result<(), ApiError> {
        if self.server_status(id) == "off" {
            Ok(())
        } else {
            Err(ApiError::code(422, "server_not_stopped", format!("server {id} must be powered off first")))
        }
    }

    /// `POST /servers/{id}/actions/{verb}`.
    pub(crate) fn server_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let me = vec![(Kind::Server, id)];
        let status = |s: &str| Patch::new(Kind::Server, id, "/status", s.to_owned());
        let previous = self.server_status(id);
        match req.verb {
            "poweron"
            | "poweroff"
            | "shutdown"
            | "reboot"
            | "reset"
            | "disable_rescue"
            | "enable_backup"
            | "disable_backup"
            | "detach_iso"
            | "remove_from_placement_group"
            | "request_console"
            | "reset_password" => {
                f.finish()?;
                self.ensure_unlocked(Kind::Server, id)?;
                let (command, plan, interim): (&'static str, Plan, Option<&str>) = match req.verb {
                    "poweron" => (
                        "start_server",
                        Plan::default().success(status("running")).error(status("off")),
                        Some("starting"),
                    ),
                    "poweroff" => (
                        "stop_server",
                        Plan::default().success(status("off")).error(status(&previous)),
                        Some("stopping"),
                    ),
                    "shutdown" => (
                        "shutdown_server",
                        Plan::default().success(status("off")).error(status(&previous)),
                        Some("stopping"),
                    ),
                    "reboot" => ("reboot_server", Plan::default(), None),
                    "reset" => ("reset_server", Plan::default(), None),
                    "disable_rescue" => (
                        "disable_rescue",
                        Plan::default().success(Patch::new(Kind::Server, id, "/rescue_enabled", false)),
                        None,
                    ),
                    "enable_backup" => (
                        "enable_backup",
                        Plan::default().success(Patch::new(Kind::Server, id, "/backup_window", "22-02")),
                        None,
                    ),
                    "disable_backup" => (
                        "disable_backup",
                        Plan::default().success(Patch::new(Kind::Server, id, "/backup_window", Value::Null)),
                        None,
                    ),
                    "detach_iso" => {
                        self.set_server(id, "iso", Value::Null);
                        ("detach_iso", Plan::default(), None)
                    }
                    "remove_from_placement_group" => {
                        self.leave_placement_group(id);
                        ("remove_from_placement_group", Plan::default(), None)
                    }
                    "request_console" => ("request_console", Plan::default(), None),
                    _ => ("reset_password", Plan::default(), None),
                };
                if let Some(s) = interim {
                    self.set_server(id, "status", Value::from(s));
                }
                let action = self.start_action(command, me, plan);
                self.settle();
                match req.verb {
                    "request_console" => {
                        let token = self.secrets.alnum(32);
                        let body = Body::new()
                            .value(
                                "wss_url",
                                Value::from(format!(
                                    "wss://{}/_sim/console/{id}?token={token}",
                                    req.ctx.host
                                )),
                            )
                            .value("password", Value::from(self.secrets.alnum(20)))
                            .value("action", self.action_value(action));
                        Ok(Out::body(StatusCode::CREATED, &body))
                    }
                    "reset_password" => {
                        let password = Value::from(self.secrets.alnum(20));
                        self.password_out(action, password)
                    }
                    _ => self.action_out(action),
                }
            }
            "enable_rescue" => {
                f.choice("type", false, &["linux64"]);
                let keys = f.id_list("ssh_keys");
                f.finish()?;
                self.require(Kind::SshKey, &keys)?;
                self.ensure_unlocked(Kind::Server, id)?;
                let password = Value::from(self.secrets.alnum(20));
                let action = self.start_action(
                    "enable_rescue",
                    me,
                    Plan::default().success(Patch::new(Kind::Server, id, "/rescue_enabled", true)),
                );
                self.settle();
                self.password_out(action, password)
            }
            "rebuild" => {
                let image = f.id_or_name("image", true);
                f.string("user_data", false);
                let given = f.string("root_password", false).map(str::to_owned);
                f.finish()?;
                let server = self.store.get(Kind::Server, id).cloned().unwrap_or_default();
                if server["protection"]["rebuild"] == Value::Bool(true) {
                    return Err(ApiError::code(
                        423,
                        "protected",
                        format!("server {id} is protected against rebuilds"),
                    ));
                }
                let arch = ref_id(&server, "server_type").map_or("x86", |t| self.arch_of_type(t)).to_owned();
                let image = image.as_ref().and_then(|i| self.image_id(i, &arch)).ok_or_else(|| {
                    ApiError::invalid_field("image", "image not found for this server's architecture")
                })?;
                self.ensure_unlocked(Kind::Server, id)?;
                self.set_server(id, "image", json!({"id": image}));
                self.set_server(id, "status", Value::from("rebuilding"));
                let after = if previous == "off" { "off" } else { "running" };
                let action = self.start_action(
                    "rebuild_server",
                    me,
                    Plan::default().success(status(after)).error(status(after)),
                );
                self.settle();
                let has_keys = !ids_of(&server, "_ssh_keys").is_empty();
                let password = match given {
                    Some(p) => Value::from(p),
                    None if has_keys => Value::Null,
                    None => Value::from(self.secrets.alnum(20)),
                };
                self.password_out(action, password)
            }
            "change_type" => {
                let target = f.id_or_name("server_type", true);
                let upgrade_disk = f.boolean("upgrade_disk", true).unwrap_or(false);
                f.finish()?;
                let target = target.unwrap_or(IdOrName::Id(0));
                let new_type = self.server_type_id(&target).ok_or_else(|| {
                    ApiError::invalid_field(
                        "server_type",
                        format!("server type '{}' not found", target.display()),
                    )
                })?;
                self.ensure_unlocked(Kind::Server, id)?;
                self.ensure_stopped(id)?;
                let server = self.store.get(Kind::Server, id).cloned().unwrap_or_default();
                let location = ref_id(&server, "location").unwrap_or(0);
                let old_arch =
                    ref_id(&server, "server_type").map_or("x86", |t| self.arch_of_type(t)).to_owned();
                let new_disk =
                    self.store.get(Kind::ServerType, new_type).and_then(|t| t["disk"].as_u64()).unwrap_or(0);
                let current_disk = server["primary_disk_size"].as_u64().unwrap_or(0);
                let invalid = |m: &str| ApiError::code(422, "invalid_server_type", m.to_owned());
                if self.arch_of_type(new_type) != old_arch {
                    return Err(invalid("the new server type has another CPU architecture"));
                }
                if !self.type_offered_in(new_type, location) {
                    return Err(invalid("the new server type is not available in this location"));
                }
                if new_disk < current_disk {
                    return Err(invalid("the new server type's disk is smaller than the server's disk"));
                }
                let mut plan = Plan::default().success(Patch::new(
                    Kind::Server,
                    id,
                    "/server_type",
                    json!({"id": new_type}),
                ));
                if upgrade_disk {
                    plan = plan.success(Patch::new(Kind::Server, id, "/primary_disk_size", new_disk));
                }
                let action = self.start_action("change_server_type", me, plan);
                self.settle();
                self.action_out(action)
            }
            "change_dns_ptr" => {
                let ip = f.string("ip", true).map(str::to_owned);
                let ptr = f.get("dns_ptr").cloned().unwrap_or(Value::Null);
                if !(ptr.is_null() || ptr.is_string()) {
                    f.err("dns_ptr", "Not a valid string.");
                }
                f.finish()?;
                let ip = ip.unwrap_or_default();
                let server = self.store.get(Kind::Server, id).cloned().unwrap_or_default();
                let pip = ["ipv4", "ipv6"]
                    .iter()
                    .filter_map(|fam| server["public_net"][fam]["id"].as_u64())
                    .find(|p| {
                        self.store
                            .get(Kind::PrimaryIp, *p)
                            .is_some_and(|p| crate::resources::ips::ip_belongs(p, &ip))
                    })
                    .ok_or_else(|| {
                        ApiError::invalid_field("ip", format!("'{ip}' is not an address of this server"))
                    })?;
                self.ensure_unlocked(Kind::Server, id)?;
                crate::resources::ips::set_dns_ptr(self, Kind::PrimaryIp, pip, &ip, ptr);
                self.refresh_server_ip(pip);
                let action = self.start_action("change_dns_ptr", me, Plan::default());
                self.settle();
                self.action_out(action)
            }
            "attach_iso" => {
                let iso = f.id_or_name("iso", true);
                f.finish()?;
                let iso = iso.unwrap_or(IdOrName::Id(0));
                let iso_id = self
                    .lookup(Kind::Iso, &iso)
                    .ok_or_else(|| ApiError::not_found(&format!("ISO '{}'", iso.display())))?;
                self.ensure_unlocked(Kind::Server, id)?;
                self.set_server(id, "iso", json!({"id": iso_id}));
                let action = self.start_action("attach_iso", me, Plan::default());
                self.settle();
                self.action_out(action)
            }
            "create_image" => {
                let description = f.string("description", false).map(str::to_owned);
                let kind = f.choice("type", false, &["snapshot", "backup"]).unwrap_or("snapshot").to_owned();
                let labels = f.labels("labels");
                f.finish()?;
                self.ensure_unlocked(Kind::Server, id)?;
                let server = self.store.get(Kind::Server, id).cloned().unwrap_or_default();
                let source = ref_id(&server, "image")
                    .and_then(|i| self.store.get(Kind::Image, i))
                    .cloned()
                    .unwrap_or_default();
                let disk = server["primary_disk_size"].as_f64().unwrap_or(20.0);
                let image = obj(json!({
                    "type": kind, "status": "creating", "name": null,
                    "description": description.unwrap_or_else(|| format!("{} {}", str_of(&server, "name").unwrap_or(""), kind)),
                    "image_size": (disk * 0.05 * 100.0).round() / 100.0, "disk_size": disk, "created": self.timestamp(),
                    "created_from": {"id": id, "name": server["name"]},
                    "bound_to": if kind == "backup" { Value::from(id) } else { Value::Null },
                    "os_flavor": source.get("os_flavor").cloned().unwrap_or(Value::from("unknown")),
                    "os_version": source.get("os_version").cloned().unwrap_or(Value::Null),
                    "rapid_deploy": false, "protection": {"delete": false}, "deprecated": null, "deleted": null,
                    "labels": labels_value(labels),
                    "architecture": source.get("architecture").cloned().unwrap_or(Value::from("x86")),
                }));
                let image_id = self.store.insert(Kind::Image, image);
                let action = self.start_action(
                    "create_image",
                    vec![(Kind::Server, id), (Kind::Image, image_id)],
                    Plan::default().success(Patch::new(Kind::Image, image_id, "/status", "available")),
                );
                self.settle();
                let stored = self
                    .store
                    .get(Kind::Image, image_id)
                    .ok_or_else(|| ApiError::missing(Kind::Image, image_id))?;
                let body = Body::new()
                    .with("image", Part::One(self.view(Kind::Image, stored)))
                    .value("action", self.action_value(action));
                Ok(Out::body(StatusCode::CREATED, &body))
            }
            "add_to_placement_group" => {
                let pg = f.id("placement_group", true);
                f.finish()?;
                let pg = pg.unwrap_or(0);
                self.require(Kind::PlacementGroup, &[pg])?;
                self.ensure_unlocked(Kind::Server, id)?;
                self.ensure_stopped(id)?;
                if self.store.get(Kind::Server, id).is_some_and(|s| !s["placement_group"].is_null()) {
                    return Err(ApiError::code(
                        422,
                        "already_in_placement_group",
                        "server is already in a placement group",
                    ));
                }
                self.join_placement_group(id, pg);
                let action = self.start_action("add_to_placement_group", me, Plan::default());
                self.settle();
                self.action_out(action)
            }
            "attach_to_network" | "detach_from_network" | "change_alias_ips" => {
                self.server_network_action(req, id, &body)
            }
            _ => Err(ApiError::not_found("action")),
        }
    }

    fn password_out(&self, action: u64, password: Value) -> Handled {
        let body = Body::new().value("root_password", password).value("action", self.action_value(action));
        Ok(Out::body(StatusCode::CREATED, &body))
    }
}
