//! Floating IPs and Primary IPs: creation, assignment and reverse DNS.

use std::net::Ipv6Addr;

use http::StatusCode;
use serde_json::{json, Value};

use super::{conflict, obj};
use crate::actions::Plan;
use crate::input::{labels_value, parse_body, Fields};
use crate::render::ref_id;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::{str_of, u64_of, Kind, Obj};
use crate::view::{Body, Part};

/// Whether an address is the IP itself (IPv4) or inside its /64 (IPv6).
pub(crate) fn ip_belongs(o: &Obj, ip: &str) -> bool {
    let own = str_of(o, "ip").unwrap_or("");
    if own == ip {
        return true;
    }
    let (Some(net), Ok(addr)) =
        (own.split('/').next().and_then(|n| n.parse::<Ipv6Addr>().ok()), ip.parse::<Ipv6Addr>())
    else {
        return false;
    };
    net.segments()[..4] == addr.segments()[..4]
}

/// Sets (or, with `null`, resets) the reverse DNS entry of one address.
pub(crate) fn set_dns_ptr(sim: &mut Simulator, kind: Kind, id: u64, ip: &str, ptr: Value) {
    let Some(o) = sim.store.get_mut(kind, id) else { return };
    let mut entries: Vec<Value> = o.get("dns_ptr").and_then(Value::as_array).cloned().unwrap_or_default();
    entries.retain(|e| e["ip"] != ip);
    match ptr {
        Value::String(p) => entries.push(json!({"ip": ip, "dns_ptr": p})),
        _ if !ip.contains(':') => {
            entries.extend(Simulator::default_dns_ptr(ip).as_array().cloned().unwrap_or_default());
        }
        _ => {}
    }
    o.insert("dns_ptr".to_owned(), Value::Array(entries));
}

/// Reads `{ip, dns_ptr}` of a `change_dns_ptr` body.
fn dns_ptr_input(f: &mut Fields<'_>) -> (String, Value) {
    let ip = f.string("ip", true).unwrap_or("").to_owned();
    let ptr = f.get("dns_ptr").cloned().unwrap_or(Value::Null);
    if !(ptr.is_null() || ptr.is_string()) {
        f.err("dns_ptr", "Not a valid string.");
    }
    (ip, ptr)
}

impl Simulator {
    fn location_value(&self, id: u64) -> Value {
        self.store.get(Kind::Location, id).cloned().map(Value::Object).unwrap_or(Value::Null)
    }

    fn zone_of(&self, o: &Obj, key: &str) -> Option<String> {
        ref_id(o, key).map(|l| self.network_zone_of_location(l))
    }

    pub(crate) fn create_floating_ip(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let family = f.choice("type", true, &["ipv4", "ipv6"]).map(str::to_owned);
        let server = f.id("server", false);
        let home = f.id_or_name("home_location", false);
        let description = f.get("description").cloned().unwrap_or(Value::Null);
        let name = f.string("name", false).map(str::to_owned);
        self.check_name(&mut f, Kind::FloatingIp, name.as_deref());
        let labels = f.labels("labels");
        if server.is_none() && home.is_none() && !f.has_errors() {
            f.err("home_location", "either home_location or server is required");
        }
        f.finish()?;
        let family = family.unwrap_or_default();
        let location = match (server, &home) {
            (Some(s), _) => {
                let srv =
                    self.store.get(Kind::Server, s).ok_or_else(|| ApiError::missing(Kind::Server, s))?;
                ref_id(srv, "location").unwrap_or(1)
            }
            (None, Some(h)) => self.lookup(Kind::Location, h).ok_or_else(|| {
                ApiError::invalid_field("home_location", format!("location '{}' not found", h.display()))
            })?,
            (None, None) => 1,
        };
        let id = self.store.next_id(Kind::FloatingIp);
        let name = name.unwrap_or_else(|| format!("floating_ip-{id}"));
        self.ensure_name_free(Kind::FloatingIp, &name, None)?;
        let ip = if family == "ipv4" { self.next_ipv4() } else { self.next_ipv6_net() };
        self.store.insert(
            Kind::FloatingIp,
            obj(json!({
                "name": name, "description": description, "ip": ip, "type": family, "server": server,
                "dns_ptr": Self::default_dns_ptr(&ip), "home_location": self.location_value(location), "blocked": false,
                "protection": {"delete": false}, "labels": labels_value(labels), "created": self.timestamp(),
            })),
        );
        let action = server.map(|s| {
            self.start_action(
                "assign_floating_ip",
                vec![(Kind::FloatingIp, id), (Kind::Server, s)],
                Plan::default(),
            )
        });
        self.settle();
        let stored =
            self.store.get(Kind::FloatingIp, id).ok_or_else(|| ApiError::missing(Kind::FloatingIp, id))?;
        let body = Body::new()
            .with("floating_ip", Part::One(self.view(Kind::FloatingIp, stored)))
            .value("action", action.map_or(Value::Null, |a| self.action_value(a)));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// `assign`, `unassign`, `change_dns_ptr` of a floating IP.
    pub(crate) fn floating_ip_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let fip = self.store.get(Kind::FloatingIp, id).cloned().unwrap_or_default();
        let mut resources = vec![(Kind::FloatingIp, id)];
        let command = match req.verb {
            "assign" => {
                let server = f.id("server", true);
                f.finish()?;
                let server = server.unwrap_or(0);
                let srv = self
                    .store
                    .get(Kind::Server, server)
                    .ok_or_else(|| ApiError::missing(Kind::Server, server))?;
                if !fip["server"].is_null() && u64_of(&fip, "server") != Some(server) {
                    return Err(ApiError::code(
                        422,
                        "floating_ip_assigned",
                        "floating IP is already assigned to another server",
                    ));
                }
                if self.zone_of(srv, "location") != self.zone_of(&fip, "home_location") {
                    return Err(conflict("server and floating IP must be in the same network zone"));
                }
                self.ensure_unlocked(Kind::FloatingIp, id)?;
                resources.push((Kind::Server, server));
                self.set_field(Kind::FloatingIp, id, "server", Value::from(server));
                "assign_floating_ip"
            }
            "unassign" => {
                f.finish()?;
                self.ensure_unlocked(Kind::FloatingIp, id)?;
                if let Some(s) = u64_of(&fip, "server") {
                    resources.push((Kind::Server, s));
                }
                self.set_field(Kind::FloatingIp, id, "server", Value::Null);
                "unassign_floating_ip"
            }
            _ => {
                let (ip, ptr) = dns_ptr_input(&mut f);
                f.finish()?;
                if !ip_belongs(&fip, &ip) {
                    return Err(ApiError::invalid_field(
                        "ip",
                        format!("'{ip}' does not belong to this floating IP"),
                    ));
                }
                self.ensure_unlocked(Kind::FloatingIp, id)?;
                set_dns_ptr(self, Kind::FloatingIp, id, &ip, ptr);
                "change_dns_ptr"
            }
        };
        let action = self.start_action(command, resources, Plan::default());
        self.settle();
        self.action_out(action)
    }

    pub(crate) fn set_field(&mut self, kind: Kind, id: u64, key: &str, value: Value) {
        if let Some(o) = self.store.get_mut(kind, id) {
            o.insert(key.to_owned(), value);
        }
    }

    /// Checks that a server can take a primary IP of a family; returns its location.
    fn check_assignee(&self, server: u64, family: &str) -> Result<u64, ApiError> {
        let srv =
            self.store.get(Kind::Server, server).ok_or_else(|| ApiError::missing(Kind::Server, server))?;
        if str_of(srv, "status") != Some("off") {
            return Err(ApiError::code(
                422,
                "server_not_stopped",
                format!("server {server} must be powered off first"),
            ));
        }
        if !srv["public_net"][family].is_null() {
            return Err(ApiError::code(
                422,
                "primary_ip_already_assigned",
                format!("server {server} already has a primary {family}"),
            ));
        }
        Ok(ref_id(srv, "location").unwrap_or(1))
    }

    fn assign_primary_ip(&mut self, pip: u64, server: u64) {
        self.set_field(Kind::PrimaryIp, pip, "assignee_id", Value::from(server));
        self.refresh_server_ip(pip);
    }

    pub(crate) fn create_primary_ip(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        self.check_name(&mut f, Kind::PrimaryIp, name.as_deref());
        let labels = f.labels("labels");
        let family = f.choice("type", true, &["ipv4", "ipv6"]).map(str::to_owned);
        let location = f.id_or_name("location", false);
        f.choice("assignee_type", false, &["server"]);
        let assignee = f.id("assignee_id", false);
        let auto_delete = f.boolean("auto_delete", false).unwrap_or(false);
        if location.is_none() && assignee.is_none() && !f.has_errors() {
            f.err("location", "either location or assignee_id is required");
        }
        f.finish()?;
        let (name, family) = (name.unwrap_or_default(), family.unwrap_or_default());
        self.ensure_name_free(Kind::PrimaryIp, &name, None)?;
        let location = match (assignee, location) {
            (Some(s), _) => self.check_assignee(s, &family)?,
            (None, Some(l)) => self.lookup(Kind::Location, &l).ok_or_else(|| {
                ApiError::invalid_field("location", format!("location '{}' not found", l.display()))
            })?,
            (None, None) => 1,
        };
        let ip = if family == "ipv4" { self.next_ipv4() } else { self.next_ipv6_net() };
        let id = self.store.insert(
            Kind::PrimaryIp,
            obj(json!({
                "name": name, "labels": labels_value(labels), "created": self.timestamp(), "blocked": false,
                "location": self.location_value(location), "ip": ip, "dns_ptr": Self::default_dns_ptr(&ip),
                "protection": {"delete": false}, "type": family, "auto_delete": auto_delete,
                "assignee_type": "server", "assignee_id": null,
            })),
        );
        let mut resources = vec![(Kind::PrimaryIp, id)];
        if let Some(s) = assignee {
            self.assign_primary_ip(id, s);
            resources.push((Kind::Server, s));
        }
        let action = self.start_action("create_primary_ip", resources, Plan::default());
        self.settle();
        let stored =
            self.store.get(Kind::PrimaryIp, id).ok_or_else(|| ApiError::missing(Kind::PrimaryIp, id))?;
        let body = Body::new()
            .with("primary_ip", Part::One(self.view(Kind::PrimaryIp, stored)))
            .value("action", self.action_value(action));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// `assign`, `unassign`, `change_dns_ptr` of a primary IP.
    pub(crate) fn primary_ip_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let pip = self.store.get(Kind::PrimaryIp, id).cloned().unwrap_or_default();
        let family = str_of(&pip, "type").unwrap_or("ipv4").to_owned();
        let mut resources = vec![(Kind::PrimaryIp, id)];
        let command = match req.verb {
            "assign" => {
                f.choice("assignee_type", true, &["server"]);
                let server = f.id("assignee_id", true);
                f.finish()?;
                let server = server.unwrap_or(0);
                if !pip["assignee_id"].is_null() {
                    return Err(ApiError::code(
                        422,
                        "primary_ip_already_assigned",
                        "primary IP is already assigned",
                    ));
                }
                let location = self.check_assignee(server, &family)?;
                if ref_id(&pip, "location") != Some(location) {
                    return Err(conflict("server and primary IP must be in the same location"));
                }
                self.ensure_unlocked(Kind::PrimaryIp, id)?;
                self.assign_primary_ip(id, server);
                resources.push((Kind::Server, server));
                "assign_primary_ip"
            }
            "unassign" => {
                f.finish()?;
                if let Some(server) = u64_of(&pip, "assignee_id") {
                    if self.store.get(Kind::Server, server).and_then(|s| str_of(s, "status")) != Some("off") {
                        return Err(ApiError::code(
                            422,
                            "server_not_stopped",
                            format!("server {server} must be powered off first"),
                        ));
                    }
                    self.ensure_unlocked(Kind::PrimaryIp, id)?;
                    if let Some(s) = self.store.get_mut(Kind::Server, server) {
                        s["public_net"][family.as_str()] = Value::Null;
                    }
                    resources.push((Kind::Server, server));
                }
                self.set_field(Kind::PrimaryIp, id, "assignee_id", Value::Null);
                "unassign_primary_ip"
            }
            _ => {
                let (ip, ptr) = dns_ptr_input(&mut f);
                f.finish()?;
                if !ip_belongs(&pip, &ip) {
                    return Err(ApiError::invalid_field(
                        "ip",
                        format!("'{ip}' does not belong to this primary IP"),
                    ));
                }
                self.ensure_unlocked(Kind::PrimaryIp, id)?;
                set_dns_ptr(self, Kind::PrimaryIp, id, &ip, ptr);
                self.refresh_server_ip(id);
                "change_dns_ptr"
            }
        };
        let action = self.start_action(command, resources, Plan::default());
        self.settle();
        self.action_out(action)
    }
}
