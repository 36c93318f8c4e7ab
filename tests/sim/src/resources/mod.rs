//! What every kind shares: names, labels, updates, deletes, protection, and the
//! addresses handed out to servers, IPs and load balancers.

pub(crate) mod certificates;
pub(crate) mod firewalls;
pub(crate) mod ips;
pub(crate) mod load_balancers;
pub(crate) mod misc;
pub(crate) mod networks;
pub(crate) mod servers;
pub(crate) mod volumes;
pub(crate) mod zones;

use http::StatusCode;
use serde_json::{json, Value};

use crate::actions::Plan;
use crate::input::{labels_value, parse_body, Fields};
use crate::labels::valid_hostname;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::{Kind, Obj};
use crate::util::rfc3339;

/// State conflicts the spec gives no code of their own answer this.
pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::code(422, "service_error", message)
}

pub(crate) fn obj(v: Value) -> Obj {
    match v {
        Value::Object(m) => m,
        _ => Obj::new(),
    }
}

impl Simulator {
    /// The current time as the API writes it.
    pub(crate) fn timestamp(&self) -> String {
        rfc3339(self.epoch, self.now)
    }

    /// Checks a name for a kind; servers need a hostname.
    pub(crate) fn check_name(&self, f: &mut Fields<'_>, kind: Kind, name: Option<&str>) {
        let Some(n) = name else { return };
        if kind == Kind::Server && !valid_hostname(n) {
            f.err("name", "must be a valid hostname (RFC 1123: letters, digits, dashes and dots)");
        } else if n.is_empty() || n.len() > 128 {
            f.err("name", "must be between 1 and 128 characters");
        }
    }

    /// `409 uniqueness_error` when another resource of the kind has the name.
    pub(crate) fn ensure_name_free(
        &self,
        kind: Kind,
        name: &str,
        except: Option<u64>,
    ) -> Result<(), ApiError> {
        match self.store.by_name(kind, name) {
            Some(other) if Some(other) != except => Err(ApiError::taken("name", name)),
            _ => Ok(()),
        }
    }

    /// Resolves an "ID or name" reference to a stored resource.
    pub(crate) fn lookup(&self, kind: Kind, r: &crate::input::IdOrName) -> Option<u64> {
        let by_id = r.as_id().filter(|id| self.store.contains(kind, *id));
        match r {
            crate::input::IdOrName::Id(_) => by_id,
            crate::input::IdOrName::Name(n) => self.store.by_name(kind, n).or(by_id),
        }
    }

    /// The next public IPv4 address (from 100.64.0.0/10, never reused).
    pub(crate) fn next_ipv4(&mut self) -> String {
        self.ip_counter += 1;
        let n = self.ip_counter;
        format!("100.{}.{}.{}", 64 + (n >> 16) % 64, (n >> 8) & 0xFF, (n & 0xFF).max(1))
    }

    /// The next public IPv6 network (a /64 of 2001:db8::/32, never reused).
    pub(crate) fn next_ipv6_net(&mut self) -> String {
        self.ip_counter += 1;
        format!("2001:db8:{:x}:{:x}::/64", (self.ip_counter >> 16) & 0xFFFF, self.ip_counter & 0xFFFF)
    }

    /// `PUT /{kind}/{id}`: name and labels, plus the few fields some kinds add.
    pub(crate) fn update_resource(&mut self, req: &Req<'_>) -> Handled {
        let kind = req.kind;
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let name = if kind == Kind::Zone { None } else { f.string("name", false) };
        self.check_name(&mut f, kind, name);
        let labels = f.labels("labels");
        let mut extra: Vec<(&'static str, Value)> = Vec::new();
        match kind {
            Kind::FloatingIp | Kind::Image => {
                if f.present("description") {
                    let d = f.get("description").cloned().unwrap_or(Value::Null);
                    if !(d.is_string() || (d.is_null() && kind == Kind::FloatingIp)) {
                        f.err("description", "Not a valid string.");
                    }
                    extra.push(("description", d));
                }
                if kind == Kind::Image {
                    if let Some(t) = f.choice("type", false, &["snapshot"]) {
                        extra.push(("type", Value::from(t)));
                    }
                }
            }
            Kind::Network => {
                if let Some(b) = f.boolean("expose_routes_to_vswitch", false) {
                    extra.push(("expose_routes_to_vswitch", Value::Bool(b)));
                }
            }
            Kind::PrimaryIp => {
                if let Some(b) = f.boolean("auto_delete", false) {
                    extra.push(("auto_delete", Value::Bool(b)));
                }
            }
            _ => {}
        }
        f.finish()?;
        if kind == Kind::Image && extra.iter().any(|(k, _)| *k == "type") {
            let current = self.store.get(kind, id).and_then(|o| o.get("type")).and_then(Value::as_str);
            if !matches!(current, Some("backup" | "snapshot")) {
                return Err(ApiError::code(422, "unsupported_error", "only backups can become snapshots"));
            }
        }
        if let Some(n) = name {
            if kind.unique_names() {
                self.ensure_name_free(kind, n, Some(id))?;
            }
            self.store.rename(kind, id, n);
        }
        if let Some(o) = self.store.get_mut(kind, id) {
            if labels.is_some() {
                o.insert("labels".to_owned(), labels_value(labels));
            }
            for (k, v) in extra {
                o.insert(k.to_owned(), v);
            }
        }
        self.one_out(kind, id, StatusCode::OK)
    }

    /// `DELETE /{kind}/{id}`: protection, locks and what each kind needs first.
    pub(crate) fn delete_resource(&mut self, req: &Req<'_>) -> Handled {
        let kind = req.kind;
        let id = self.resolve_path(req)?;
        let o = self.store.get(kind, id).cloned().unwrap_or_default();
        if o.get("protection").and_then(|p| p.get("delete")).and_then(Value::as_bool) == Some(true) {
            return Err(ApiError::code(
                423,
                "protected",
                format!("{} {id} is protected against deletion", kind.title()),
            ));
        }
        self.ensure_unlocked(kind, id)?;
        match kind {
            Kind::Server => return self.delete_server(id),
            Kind::Zone => return self.delete_zone(id),
            Kind::LoadBalancer => return self.delete_load_balancer(id),
            Kind::Network => self.detach_everything_from_network(id),
            Kind::PlacementGroup => {
                for s in crate::store::ids_of(&o, "servers") {
                    if let Some(server) = self.store.get_mut(Kind::Server, s) {
                        server.insert("placement_group".to_owned(), Value::Null);
                    }
                }
            }
            _ => {
                if let Some(e) = self.delete_blocker(kind, id, &o) {
                    return Err(e);
                }
            }
        }
        self.store.remove(kind, id);
        Ok(Out::empty())
    }

    /// What keeps a resource from being deleted, beyond protection and locks.
    fn delete_blocker(&self, kind: Kind, id: u64, o: &Obj) -> Option<ApiError> {
        let set = |key: &str| o.get(key).is_some_and(|v| !v.is_null());
        match kind {
            Kind::Image if !matches!(o.get("type").and_then(Value::as_str), Some("snapshot" | "backup")) => {
                Some(ApiError::code(422, "unsupported_error", "only snapshots and backups can be deleted"))
            }
            Kind::Volume if set("server") => {
                Some(conflict(format!("volume {id} is attached to a server; detach it first")))
            }
            Kind::FloatingIp if set("server") => {
                Some(ApiError::code(422, "must_be_unassigned", "floating IP must be unassigned first"))
            }
            Kind::PrimaryIp if set("assignee_id") => {
                Some(ApiError::code(422, "must_be_unassigned", "primary IP must be unassigned first"))
            }
            Kind::Firewall
                if o.get("applied_to").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) =>
            {
                Some(ApiError::code(422, "resource_in_use", "firewall is still applied to resources"))
            }
            Kind::Certificate
                if self
                    .store
                    .items(Kind::LoadBalancer)
                    .values()
                    .any(|lb| load_balancers::certificates_of(lb).contains(&id)) =>
            {
                Some(ApiError::code(422, "resource_in_use", "certificate is used by a load balancer"))
            }
            _ => None,
        }
    }

    /// `change_protection` of any kind: `delete`, and `rebuild` for servers.
    pub(crate) fn protection_action(&mut self, req: &Req<'_>) -> Handled {
        let kind = req.kind;
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let delete = f.boolean("delete", false);
        let rebuild = if kind == Kind::Server { f.boolean("rebuild", false) } else { None };
        f.finish()?;
        self.ensure_unlocked(kind, id)?;
        if let Some(p) = self.store.get_mut(kind, id).and_then(|o| o.get_mut("protection")) {
            if let Some(d) = delete {
                p["delete"] = Value::Bool(d);
            }
            if let Some(r) = rebuild {
                p["rebuild"] = Value::Bool(r);
            }
        }
        let action = self.start_action("change_protection", vec![(kind, id)], Plan::default());
        self.settle();
        self.action_out(action)
    }

    /// Seeds the reverse DNS entries of a new address: a default name for IPv4, none for IPv6.
    pub(crate) fn default_dns_ptr(ip: &str) -> Value {
        if ip.contains(':') {
            json!([])
        } else {
            let mut parts: Vec<&str> = ip.split('.').collect();
            parts.reverse();
            json!([{"ip": ip, "dns_ptr": format!("static.{}.clients.your-server.de", parts.join("."))}])
        }
    }
}
