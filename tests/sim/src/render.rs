//! How each kind is shown: stored objects plus the fields derived from other
//! resources at read time (embedded catalog entries, `locked`, resources a
//! label selector reaches, …).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::labels::parse_selector;
use crate::sim::Simulator;
use crate::store::{labels_of, u64_of, Kind, Obj};
use crate::view::View;

/// The id inside a stored reference such as `"server_type": {"id": 22}`.
pub(crate) fn ref_id(obj: &Obj, key: &str) -> Option<u64> {
    obj.get(key).and_then(|v| v.get("id")).and_then(Value::as_u64)
}

impl Simulator {
    pub(crate) fn view<'a>(&'a self, kind: Kind, obj: &'a Obj) -> View<'a> {
        let mut v = View::plain(obj);
        let id = u64_of(obj, "id").unwrap_or(0);
        match kind {
            Kind::Server => self.server_view(&mut v, obj, id),
            Kind::Firewall => {
                if let Some(applied) = obj.get("applied_to").and_then(Value::as_array) {
                    let expanded: Vec<Value> = applied
                        .iter()
                        .map(|entry| {
                            let mut e = entry.clone();
                            if let Some(sel) =
                                entry.pointer("/label_selector/selector").and_then(Value::as_str)
                            {
                                e["applied_to_resources"] = Value::Array(
                                    self.servers_matching(sel)
                                        .into_iter()
                                        .map(|s| json!({"type": "server", "server": {"id": s}}))
                                        .collect(),
                                );
                            }
                            e
                        })
                        .collect();
                    v.set("applied_to", Value::Array(expanded));
                }
            }
            Kind::Certificate => {
                let used_by: Vec<Value> = self
                    .store
                    .items(Kind::LoadBalancer)
                    .values()
                    .filter(|lb| crate::resources::load_balancers::certificates_of(lb).contains(&id))
                    .map(|lb| json!({"id": lb["id"], "type": "load_balancer"}))
                    .collect();
                v.set("used_by", Value::Array(used_by));
            }
            Kind::LoadBalancer => self.load_balancer_view(&mut v, obj),
            Kind::Zone => {
                let records: usize =
                    self.rrsets_of(id).map(|r| r["records"].as_array().map_or(0, Vec::len)).sum();
                v.set("record_count", Value::from(records));
            }
            _ => {}
        }
        v
    }

    fn server_view<'a>(&'a self, v: &mut View<'a>, obj: &'a Obj, id: u64) {
        let embed = |kind: Kind, key: &str| ref_id(obj, key).and_then(|i| self.store.get(kind, i));
        v.embed("server_type", embed(Kind::ServerType, "server_type"));
        v.embed("location", embed(Kind::Location, "location"));
        v.embed("image", embed(Kind::Image, "image"));
        v.embed("iso", embed(Kind::Iso, "iso"));
        v.embed("placement_group", embed(Kind::PlacementGroup, "placement_group"));
        v.set("locked", Value::Bool(self.running_on(Kind::Server, id).is_some()));

        let mut public_net = obj.get("public_net").cloned().unwrap_or_else(|| json!({}));
        let floating: Vec<u64> = self
            .store
            .items(Kind::FloatingIp)
            .values()
            .filter(|f| u64_of(f, "server") == Some(id))
            .filter_map(|f| u64_of(f, "id"))
            .collect();
        public_net["floating_ips"] = json!(floating);
        let labels = labels_of(obj);
        let firewalls: Vec<Value> = self
            .store
            .items(Kind::Firewall)
            .values()
            .filter(|f| reaches(f, "applied_to", id, &labels))
            .map(|f| json!({"id": f["id"], "status": "applied"}))
            .collect();
        public_net["firewalls"] = Value::Array(firewalls);
        v.set("public_net", public_net);

        let lbs: Vec<u64> = self
            .store
            .items(Kind::LoadBalancer)
            .values()
            .filter(|lb| reaches(lb, "targets", id, &labels))
            .filter_map(|lb| u64_of(lb, "id"))
            .collect();
        v.set("load_balancers", json!(lbs));
    }

    fn load_balancer_view<'a>(&'a self, v: &mut View<'a>, obj: &'a Obj) {
        v.embed(
            "load_balancer_type",
            ref_id(obj, "load_balancer_type").and_then(|i| self.store.get(Kind::LoadBalancerType, i)),
        );
        v.embed("location", ref_id(obj, "location").and_then(|i| self.store.get(Kind::Location, i)));
        let ports: Vec<u64> = obj
            .get("services")
            .and_then(Value::as_array)
            .map(|s| s.iter().filter_map(|s| s["listen_port"].as_u64()).collect())
            .unwrap_or_default();
        let health = |_: &Value| -> Value {
            Value::Array(ports.iter().map(|p| json!({"listen_port": p, "status": "healthy"})).collect())
        };
        let targets: Vec<Value> = obj
            .get("targets")
            .and_then(Value::as_array)
            .map(|ts| {
                ts.iter()
                    .map(|t| {
                        let mut t = t.clone();
                        t["health_status"] = health(&t);
                        if let Some(sel) = t.pointer("/label_selector/selector").and_then(Value::as_str) {
                            let use_private = t["use_private_ip"].clone();
                            let resolved: Vec<Value> = self
                                .servers_matching(sel)
                                .into_iter()
                                .map(|s| {
                                    json!({"type": "server", "server": {"id": s, "ip": self.server_public_ip(s)},
                                           "health_status": health(&Value::Null), "use_private_ip": use_private})
                                })
                                .collect();
                            t["targets"] = Value::Array(resolved);
                            if let Some(m) = t.as_object_mut() {
                                m.remove("health_status");
                            }
                        }
                        if let Some(sid) = t.pointer("/server/id").and_then(Value::as_u64) {
                            t["server"]["ip"] = Value::from(self.server_public_ip(sid));
                        }
                        t
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.set("targets", Value::Array(targets));
    }

    /// Ids of servers whose labels match a selector (none for a malformed one).
    pub(crate) fn servers_matching(&self, selector: &str) -> Vec<u64> {
        let Ok(sel) = parse_selector(selector) else { return Vec::new() };
        self.store
            .items(Kind::Server)
            .iter()
            .filter(|(_, s)| sel.matches(&labels_of(s)))
            .map(|(id, _)| *id)
            .collect()
    }

    /// A server's public IPv4 address, or its IPv6 network's first address, or "".
    pub(crate) fn server_public_ip(&self, id: u64) -> String {
        let Some(s) = self.store.get(Kind::Server, id) else { return String::new() };
        if let Some(ip) = s.pointer_str("/public_net/ipv4/ip") {
            return ip.to_owned();
        }
        s.pointer_str("/public_net/ipv6/ip").map(|n| n.replace("::/64", "::1")).unwrap_or_default()
    }
}

/// Reads a string at a JSON pointer of a stored object.
pub(crate) trait PointerStr {
    fn pointer_str(&self, pointer: &str) -> Option<&str>;
}

impl PointerStr for Obj {
    fn pointer_str(&self, pointer: &str) -> Option<&str> {
        let (first, rest) =
            pointer.trim_start_matches('/').split_once('/').unwrap_or((pointer.trim_start_matches('/'), ""));
        let v = self.get(first)?;
        if rest.is_empty() {
            v.as_str()
        } else {
            v.pointer(&format!("/{rest}")).and_then(Value::as_str)
        }
    }
}

/// Whether one firewall `applied_to` entry or load balancer target reaches the
/// server, directly or through a label selector.
pub(crate) fn entry_reaches(e: &Value, server: u64, labels: &BTreeMap<String, String>) -> bool {
    match e["type"].as_str() {
        Some("server") => e.pointer("/server/id").and_then(Value::as_u64) == Some(server),
        Some("label_selector") => e
            .pointer("/label_selector/selector")
            .and_then(Value::as_str)
            .and_then(|s| parse_selector(s).ok())
            .is_some_and(|sel| sel.matches(labels)),
        _ => false,
    }
}

/// Whether any entry of the list at `key` reaches the server.
pub(crate) fn reaches(obj: &Obj, key: &str, server: u64, labels: &BTreeMap<String, String>) -> bool {
    obj.get(key)
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|e| entry_reaches(e, server, labels)))
}
