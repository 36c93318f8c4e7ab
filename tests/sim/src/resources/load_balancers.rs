//! Load balancers: services, targets, networks, algorithm, type, public interface.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::{conflict, obj};
use crate::actions::Plan;
use crate::input::{join, labels_value, parse_body, Fields};
use crate::labels::parse_selector;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::{Kind, Obj};
use crate::view::{Body, Part};

/// Certificates the load balancer's HTTPS services use.
pub(crate) fn certificates_of(lb: &Obj) -> Vec<u64> {
    lb.get("services")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|s| s.pointer("/http/certificates").and_then(Value::as_array).cloned().unwrap_or_default())
        .filter_map(|c| c.as_u64())
        .collect()
}

/// Reads a health check, over `base` (the current one, or defaults).
fn health_check(h: Option<&Map<String, Value>>, base: Value, f: &mut Fields<'_>, field: &str) -> Value {
    let Some(h) = h else { return base };
    let mut out = base;
    let mut hf = Fields::new(h);
    if let Some(p) = hf.choice("protocol", false, &["tcp", "http"]) {
        out["protocol"] = json!(p);
    }
    for (key, min, max) in [("port", 1, 65535), ("interval", 3, 60), ("timeout", 1, 60), ("retries", 0, 5)] {
        if let Some(n) = hf.integer(key, false, min, max) {
            out[key] = json!(n);
        }
    }
    if let Some(http) = hf.object("http", false) {
        let mut current = out.get("http").cloned().unwrap_or_else(|| {
            json!({"domain": null, "path": "/", "response": "", "status_codes": ["2??", "3??"], "tls": false})
        });
        let mut pf = Fields::new(http);
        if pf.present("domain") {
            current["domain"] = pf.get("domain").cloned().unwrap_or(Value::Null);
        }
        for key in ["path", "response"] {
            if let Some(s) = pf.string(key, false) {
                current[key] = json!(s);
            }
        }
        if let Some(codes) = pf.string_list("status_codes", false) {
            current["status_codes"] = json!(codes);
        }
        if let Some(tls) = pf.boolean("tls", false) {
            current["tls"] = json!(tls);
        }
        hf.absorb("http", pf);
        out["http"] = current;
    }
    if out["protocol"] == "tcp" {
        if let Some(m) = out.as_object_mut() {
            m.remove("http");
        }
    }
    f.absorb(field, hf);
    out
}

/// Reads a service, over an existing one when updating.
fn service(
    s: &Map<String, Value>,
    existing: Option<&Value>,
    f: &mut Fields<'_>,
    field: &str,
) -> Option<Value> {
    let mut sf = Fields::new(s);
    let protocol = sf
        .choice("protocol", existing.is_none(), &["tcp", "http", "https"])
        .map(str::to_owned)
        .or_else(|| existing.and_then(|e| e["protocol"].as_str().map(str::to_owned)))?;
    let default_listen = match protocol.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    let listen = sf
        .integer("listen_port", default_listen.is_none() && existing.is_none(), 1, 65535)
        .or_else(|| existing.and_then(|e| e["listen_port"].as_i64()))
        .or(default_listen);
    let destination = sf
        .integer("destination_port", protocol == "tcp" && existing.is_none(), 1, 65535)
        .or_else(|| existing.and_then(|e| e["destination_port"].as_i64()))
        .or(if protocol == "tcp" { listen } else { Some(80) });
    let proxy = sf
        .boolean("proxyprotocol", false)
        .or_else(|| existing.and_then(|e| e["proxyprotocol"].as_bool()))
        .unwrap_or(false);
    let default_health = json!({
        "protocol": if protocol == "tcp" { "tcp" } else { "http" }, "port": destination,
        "interval": 15, "timeout": 10, "retries": 3,
        "http": {"domain": null, "path": "/", "response": "", "status_codes": ["2??", "3??"], "tls": false},
    });
    let base_health = existing.map(|e| e["health_check"].clone()).unwrap_or(default_health);
    let health = sf.object("health_check", false);
    let health = health_check(health, base_health, &mut sf, "health_check");
    let mut out = json!({
        "protocol": protocol, "listen_port": listen, "destination_port": destination,
        "proxyprotocol": proxy, "health_check": health,
    });
    if protocol != "tcp" {
        let mut http = existing.and_then(|e| e.get("http").cloned()).unwrap_or_else(|| {
            json!({"cookie_name": "HCLBSTICKY", "cookie_lifetime": 300, "timeout_idle": 60, "sticky_sessions": false})
        });
        if let Some(h) = sf.object("http", false) {
            let mut hf = Fields::new(h);
            if let Some(s) = hf.string("cookie_name", false) {
                http["cookie_name"] = json!(s);
            }
            for (key, min, max) in [("cookie_lifetime", 1, 86_400), ("timeout_idle", 1, 3_600)] {
                if let Some(n) = hf.integer(key, false, min, max) {
                    http[key] = json!(n);
                }
            }
            for key in ["sticky_sessions", "redirect_http"] {
                if let Some(b) = hf.boolean(key, false) {
                    http[key] = json!(b);
                }
            }
            if hf.present("certificates") {
                http["certificates"] = json!(hf.id_list("certificates"));
            }
            sf.absorb("http", hf);
        }
        if let Some(m) = http.as_object_mut() {
            if protocol == "https" {
                m.entry("certificates").or_insert_with(|| json!([]));
                m.entry("redirect_http").or_insert(Value::Bool(false));
            } else {
                m.remove("certificates");
                m.remove("redirect_http");
            }
        }
        out["http"] = http;
    }
    let ok = !sf.has_errors();
    f.absorb(field, sf);
    ok.then_some(out)
}

/// Reads a target in its stored shape.
fn target(t: &Map<String, Value>, f: &mut Fields<'_>, field: &str) -> Option<Value> {
    let mut tf = Fields::new(t);
    let kind = tf.choice("type", true, &["server", "label_selector", "ip"]);
    let private = tf.boolean("use_private_ip", false).unwrap_or(false);
    let out = match kind {
        Some("server") => {
            let id = tf.object("server", true).and_then(|s| s.get("id")).and_then(Value::as_u64);
            id.map(|id| json!({"type": "server", "server": {"id": id}, "use_private_ip": private}))
        }
        Some("label_selector") => {
            let sel =
                tf.object("label_selector", true).and_then(|s| s.get("selector")).and_then(Value::as_str);
            match sel.map(|s| (s, parse_selector(s))) {
                Some((s, Ok(_))) => Some(
                    json!({"type": "label_selector", "label_selector": {"selector": s}, "use_private_ip": private}),
                ),
                _ => {
                    tf.err("label_selector", "needs a valid selector");
                    None
                }
            }
        }
        Some(_) => {
            let ip = tf.object("ip", true).and_then(|s| s.get("ip")).and_then(Value::as_str);
            ip.map(|ip| json!({"type": "ip", "ip": {"ip": ip}}))
        }
        None => None,
    };
    if out.is_none() && !tf.has_errors() {
        tf.err("type", "the target is incomplete");
    }
    f.absorb(field, tf);
    out
}

/// Targets compare by what they point at, not by their options.
fn same_target(a: &Value, b: &Value) -> bool {
    a["type"] == b["type"]
        && a["server"]["id"] == b["server"]["id"]
        && a["label_selector"] == b["label_selector"]
        && a["ip"] == b["ip"]
}

fn list(o: &Obj, key: &str) -> Vec<Value> {
    o.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

impl Simulator {
    /// Checks a target against the load balancer (existence, duplicates, networks).
    fn check_target(&self, lb: &Obj, t: &Value) -> Result<(), ApiError> {
        if let Some(id) = t.pointer("/server/id").and_then(Value::as_u64) {
            if !self.store.contains(Kind::Server, id) {
                return Err(ApiError::missing(Kind::Server, id));
            }
        }
        if list(lb, "targets").iter().any(|x| same_target(x, t)) {
            return Err(ApiError::code(422, "target_already_defined", "the target is already defined"));
        }
        let private = t["use_private_ip"].as_bool() == Some(true);
        if private && list(lb, "private_net").is_empty() {
            return Err(ApiError::code(
                422,
                "load_balancer_not_attached_to_network",
                "load balancer is not attached to a network",
            ));
        }
        if !private && lb["public_net"]["enabled"] == false && t["type"] != "ip" {
            return Err(ApiError::code(
                422,
                "load_balancer_public_interface_disabled",
                "the public interface is disabled",
            ));
        }
        Ok(())
    }

    fn check_service(&self, lb: &Obj, s: &Value, replacing: Option<i64>) -> Result<(), ApiError> {
        let port = s["listen_port"].as_i64();
        if list(lb, "services")
            .iter()
            .any(|x| x["listen_port"].as_i64() == port && Some(port.unwrap_or(0)) != replacing)
        {
            return Err(ApiError::code(
                412,
                "source_port_already_used",
                format!("listen port {} is already used", port.unwrap_or(0)),
            ));
        }
        for c in s.pointer("/http/certificates").and_then(Value::as_array).into_iter().flatten() {
            let c = c.as_u64().unwrap_or(0);
            if !self.store.contains(Kind::Certificate, c) {
                return Err(ApiError::missing(Kind::Certificate, c));
            }
        }
        Ok(())
    }

    pub(crate) fn create_load_balancer(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        self.check_name(&mut f, Kind::LoadBalancer, name.as_deref());
        let lb_type = f.id_or_name("load_balancer_type", true).and_then(|t| {
            let found = self.lookup(Kind::LoadBalancerType, &t);
            if found.is_none() {
                f.err("load_balancer_type", format!("load balancer type '{}' not found", t.display()));
            }
            found
        });
        let algorithm = f.object("algorithm", false).map(|a| {
            let mut af = Fields::new(a);
            let t = af
                .choice("type", true, &["round_robin", "least_connections"])
                .unwrap_or("round_robin")
                .to_owned();
            f.absorb("algorithm", af);
            t
        });
        let services: Vec<Value> = f
            .objects("services", false)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, s)| service(s, None, &mut f, &join("services", &i.to_string())))
            .collect();
        let targets: Vec<Value> = f
            .objects("targets", false)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, t)| target(t, &mut f, &join("targets", &i.to_string())))
            .collect();
        let labels = f.labels("labels");
        let public = f.boolean("public_interface", false).unwrap_or(true);
        let network = f.id("network", false);
        let zone = f.string("network_zone", false).map(str::to_owned);
        let location = f.id_or_name("location", false).and_then(|l| {
            let found = self.lookup(Kind::Location, &l);
            if found.is_none() {
                f.err("location", format!("location '{}' not found", l.display()));
            }
            found
        });
        if location.is_none() && zone.is_none() && !f.has_errors() {
            f.err("location", "either location or network_zone is required");
        }
        f.finish()?;
        let name = name.unwrap_or_default();
        self.ensure_name_free(Kind::LoadBalancer, &name, None)?;
        if let Some(n) = network {
            if !self.store.contains(Kind::Network, n) {
                return Err(ApiError::missing(Kind::Network, n));
            }
        }
        let location = match (location, zone) {
            (Some(l), _) => l,
            (None, Some(z)) => self
                .store
                .items(Kind::Location)
                .iter()
                .find(|(_, l)| l["network_zone"] == z.as_str())
                .map(|(id, _)| *id)
                .ok_or_else(|| {
                    ApiError::invalid_field("network_zone", format!("unknown network zone '{z}'"))
                })?,
            (None, None) => 1,
        };
        let lb_type = lb_type.unwrap_or(1);
        let location_name = self
            .store
            .get(Kind::Location, location)
            .and_then(|l| l["name"].as_str())
            .unwrap_or("")
            .to_owned();
        let included = self
            .store
            .get(Kind::LoadBalancerType, lb_type)
            .and_then(|t| t["prices"].as_array())
            .and_then(|ps| ps.iter().find(|p| p["location"] == location_name.as_str()))
            .map_or(Value::from(0), |p| p["included_traffic"].clone());
        let ipv4 = self.next_ipv4();
        let ipv6 = self.next_ipv6_net().replace("::/64", "::1");
        let mut draft = obj(json!({
            "name": name,
            "public_net": {"enabled": public, "ipv4": {"ip": ipv4, "dns_ptr": null}, "ipv6": {"ip": ipv6, "dns_ptr": null}},
            "private_net": [], "location": {"id": location}, "load_balancer_type": {"id": lb_type},
            "protection": {"delete": false}, "labels": labels_value(labels), "created": self.timestamp(),
            "services": [], "targets": [], "algorithm": {"type": algorithm.unwrap_or_else(|| "round_robin".to_owned())},
            "outgoing_traffic": 0, "ingoing_traffic": 0, "included_traffic": included,
        }));
        for s in &services {
            self.check_service(&draft, s, None)?;
            if let Some(Value::Array(list)) = draft.get_mut("services") {
                list.push(s.clone());
            }
        }
        let id = self.store.insert(Kind::LoadBalancer, draft.clone());
        if let Some(n) = network {
            if let Err(e) = self.join_network_lb(id, n, None, None) {
                self.store.remove(Kind::LoadBalancer, id);
                return Err(e);
            }
        }
        draft = self.store.get(Kind::LoadBalancer, id).cloned().unwrap_or_default();
        for t in &targets {
            if let Err(e) = self.check_target(&draft, t) {
                self.detach_everything_from_lb(id);
                self.store.remove(Kind::LoadBalancer, id);
                return Err(e);
            }
            if let Some(Value::Array(list)) = draft.get_mut("targets") {
                list.push(t.clone());
            }
        }
        self.set_field(Kind::LoadBalancer, id, "targets", Value::Array(targets));
        let action =
            self.start_action("create_load_balancer", vec![(Kind::LoadBalancer, id)], Plan::default());
        self.settle();
        let stored = self
            .store
            .get(Kind::LoadBalancer, id)
            .ok_or_else(|| ApiError::missing(Kind::LoadBalancer, id))?;
        let body = Body::new()
            .with("load_balancer", Part::One(self.view(Kind::LoadBalancer, stored)))
            .value("action", self.action_value(action));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// Deletes at once and answers `200` with the `delete_load_balancer` action,
    /// as the API does since the spec snapshot (which still says `204`); the
    /// official Python client reads that action.
    pub(crate) fn delete_load_balancer(&mut self, id: u64) -> Handled {
        self.detach_everything_from_lb(id);
        self.store.remove(Kind::LoadBalancer, id);
        let action =
            self.start_action("delete_load_balancer", vec![(Kind::LoadBalancer, id)], Plan::default());
        self.settle();
        Ok(Out::body(StatusCode::OK, &Body::new().value("action", self.action_value(action))))
    }

    fn detach_everything_from_lb(&mut self, lb: u64) {
        let nets: Vec<u64> = self
            .store
            .get(Kind::LoadBalancer, lb)
            .map(|o| list(o, "private_net").iter().filter_map(|p| p["network"].as_u64()).collect())
            .unwrap_or_default();
        for n in nets {
            let _ = self.leave_network_lb(lb, n);
        }
    }

    /// Every `POST /load_balancers/{id}/actions/…` but `change_protection`.
    pub(crate) fn load_balancer_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let lb = self.store.get(Kind::LoadBalancer, id).cloned().unwrap_or_default();
        let mut services = list(&lb, "services");
        let mut targets = list(&lb, "targets");
        let mut resources = vec![(Kind::LoadBalancer, id)];
        let command = match req.verb {
            "add_service" => {
                let s = service(&body, None, &mut f, "");
                f.finish()?;
                let s = s.unwrap_or(Value::Null);
                self.check_service(&lb, &s, None)?;
                services.push(s);
                "add_service"
            }
            "update_service" => {
                let port = f.integer("listen_port", true, 1, 65535);
                f.finish()?;
                let port = port.unwrap_or(0);
                let i = services
                    .iter()
                    .position(|s| s["listen_port"].as_i64() == Some(port))
                    .ok_or_else(|| ApiError::not_found(&format!("service on port {port}")))?;
                let mut f = Fields::new(&body);
                let s = service(&body, Some(&services[i]), &mut f, "");
                f.finish()?;
                let s = s.unwrap_or(Value::Null);
                self.check_service(&lb, &s, Some(port))?;
                services[i] = s;
                "update_service"
            }
            "delete_service" => {
                let port = f.integer("listen_port", true, 1, 65535);
                f.finish()?;
                let before = services.len();
                services.retain(|s| s["listen_port"].as_i64() != port);
                if services.len() == before {
                    return Err(ApiError::not_found(&format!("service on port {}", port.unwrap_or(0))));
                }
                "delete_service"
            }
            "add_target" | "remove_target" => {
                let t = target(&body, &mut f, "");
                f.finish()?;
                let t = t.unwrap_or(Value::Null);
                if let Some(s) = t.pointer("/server/id").and_then(Value::as_u64) {
                    resources.push((Kind::Server, s));
                }
                if req.verb == "add_target" {
                    self.check_target(&lb, &t)?;
                    targets.push(t);
                    "add_target"
                } else {
                    let before = targets.len();
                    targets.retain(|x| !same_target(x, &t));
                    if targets.len() == before {
                        return Err(ApiError::not_found("target"));
                    }
                    "remove_target"
                }
            }
            "attach_to_network" | "detach_from_network" => {
                let network = f.id("network", true).unwrap_or(0);
                let ip = f.string("ip", false).map(str::to_owned);
                let ip_range = f.string("ip_range", false).map(str::to_owned);
                f.finish()?;
                if !self.store.contains(Kind::Network, network) {
                    return Err(ApiError::missing(Kind::Network, network));
                }
                self.ensure_unlocked(Kind::LoadBalancer, id)?;
                resources.push((Kind::Network, network));
                if req.verb == "attach_to_network" {
                    self.join_network_lb(id, network, ip.as_deref(), ip_range.as_deref())?;
                    "attach_to_network"
                } else {
                    self.leave_network_lb(id, network)?;
                    "detach_from_network"
                }
            }
            "change_algorithm" => {
                let t = f.choice("type", true, &["round_robin", "least_connections"]).map(str::to_owned);
                f.finish()?;
                self.ensure_unlocked(Kind::LoadBalancer, id)?;
                self.set_field(Kind::LoadBalancer, id, "algorithm", json!({"type": t}));
                "change_algorithm"
            }
            "change_dns_ptr" => {
                let ip = f.string("ip", true).unwrap_or("").to_owned();
                let ptr = f.get("dns_ptr").cloned().unwrap_or(Value::Null);
                f.finish()?;
                let family =
                    ["ipv4", "ipv6"].into_iter().find(|fam| lb["public_net"][fam]["ip"] == ip.as_str());
                let Some(family) = family else {
                    return Err(ApiError::invalid_field(
                        "ip",
                        format!("'{ip}' is not an address of this load balancer"),
                    ));
                };
                self.ensure_unlocked(Kind::LoadBalancer, id)?;
                if let Some(o) = self.store.get_mut(Kind::LoadBalancer, id) {
                    o["public_net"][family]["dns_ptr"] = ptr;
                }
                "change_dns_ptr"
            }
            "change_type" => {
                let t = f.id_or_name("load_balancer_type", true);
                f.finish()?;
                let t = t.and_then(|t| self.lookup(Kind::LoadBalancerType, &t)).ok_or_else(|| {
                    ApiError::invalid_field("load_balancer_type", "load balancer type not found")
                })?;
                let limits = self.store.get(Kind::LoadBalancerType, t).cloned().unwrap_or_default();
                if services.len() as u64 > limits["max_services"].as_u64().unwrap_or(0)
                    || targets.len() as u64 > limits["max_targets"].as_u64().unwrap_or(0)
                {
                    return Err(ApiError::code(
                        422,
                        "invalid_load_balancer_type",
                        "the new type is too small",
                    ));
                }
                self.ensure_unlocked(Kind::LoadBalancer, id)?;
                self.set_field(Kind::LoadBalancer, id, "load_balancer_type", json!({"id": t}));
                "change_load_balancer_type"
            }
            "enable_public_interface" | "disable_public_interface" => {
                f.finish()?;
                let enable = req.verb == "enable_public_interface";
                if !enable {
                    if list(&lb, "private_net").is_empty() {
                        return Err(ApiError::code(
                            422,
                            "load_balancer_not_attached_to_network",
                            "attach the load balancer to a network first",
                        ));
                    }
                    if targets.iter().any(|t| t["type"] != "ip" && t["use_private_ip"] != true) {
                        return Err(ApiError::code(
                            422,
                            "targets_without_use_private_ip",
                            "some targets use the public interface",
                        ));
                    }
                }
                self.ensure_unlocked(Kind::LoadBalancer, id)?;
                if let Some(o) = self.store.get_mut(Kind::LoadBalancer, id) {
                    o["public_net"]["enabled"] = Value::Bool(enable);
                }
                req.verb
            }
            _ => return Err(conflict("unknown action")),
        };
        self.ensure_unlocked(Kind::LoadBalancer, id)?;
        if let Some(o) = self.store.get_mut(Kind::LoadBalancer, id) {
            o.insert("services".to_owned(), Value::Array(services));
            o.insert("targets".to_owned(), Value::Array(targets));
        }
        let action = self.start_action(command, resources, Plan::default());
        self.settle();
        self.action_out(action)
    }
}
