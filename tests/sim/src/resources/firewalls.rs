//! Firewalls: rules, and application to servers and label selectors.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::obj;
use crate::actions::Plan;
use crate::input::{join, labels_value, parse_body, Fields};
use crate::labels::parse_selector;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::Kind;
use crate::view::{Body, Part};

const PROTOCOLS: &[&str] = &["tcp", "udp", "icmp", "esp", "gre"];

fn valid_port(p: &str) -> bool {
    let num = |s: &str| s.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
    match p.split_once('-') {
        Some((a, b)) => num(a) && num(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok(),
        None => num(p) || p == "any",
    }
}

fn valid_cidr(s: &str) -> bool {
    match s.split_once('/') {
        Some((ip, p)) => {
            (ip.parse::<std::net::Ipv4Addr>().is_ok() && p.parse::<u8>().is_ok_and(|p| p <= 32))
                || (ip.parse::<std::net::Ipv6Addr>().is_ok() && p.parse::<u8>().is_ok_and(|p| p <= 128))
        }
        None => false,
    }
}

/// Validates one rule and returns it in the stored shape.
fn rule(r: &Map<String, Value>, f: &mut Fields<'_>, field: &str) -> Option<Value> {
    let mut rf = Fields::new(r);
    let direction = rf.choice("direction", true, &["in", "out"]);
    let protocol = rf.choice("protocol", true, PROTOCOLS);
    let port = rf.string("port", false);
    let sources = rf.string_list("source_ips", direction == Some("in")).unwrap_or_default();
    let destinations = rf.string_list("destination_ips", direction == Some("out")).unwrap_or_default();
    let description = rf.get("description").cloned().unwrap_or(Value::Null);
    for (key, list) in [("source_ips", &sources), ("destination_ips", &destinations)] {
        if list.iter().any(|ip| !valid_cidr(ip)) {
            rf.err(key, "every entry must be an IP network in CIDR notation");
        }
    }
    match (protocol, port) {
        (Some("tcp" | "udp"), None) => rf.err("port", "is required for tcp and udp"),
        (Some("tcp" | "udp"), Some(p)) if !valid_port(p) => {
            rf.err("port", "must be a port, a range such as 80-85, or any")
        }
        (Some("icmp" | "esp" | "gre"), Some(_)) => rf.err("port", "is only allowed for tcp and udp"),
        _ => {}
    }
    let ok = !rf.has_errors();
    f.absorb(field, rf);
    ok.then(|| {
        json!({
            "description": description, "direction": direction, "source_ips": sources,
            "destination_ips": destinations, "protocol": protocol, "port": port,
        })
    })
}

fn rules(list: &[&Map<String, Value>], f: &mut Fields<'_>) -> Vec<Value> {
    list.iter().enumerate().filter_map(|(i, r)| rule(r, f, &join("rules", &i.to_string()))).collect()
}

/// A target of `apply_to` / `remove_from`, in the stored shape.
fn target(t: &Map<String, Value>, f: &mut Fields<'_>, field: &str) -> Option<Value> {
    let mut tf = Fields::new(t);
    let kind = tf.choice("type", true, &["server", "label_selector"]);
    let out = match kind {
        Some("server") => {
            let id = tf.object("server", true).and_then(|s| s.get("id")).and_then(Value::as_u64);
            if id.is_none() && !tf.has_errors() {
                tf.err("server", "needs an integer id");
            }
            id.map(|id| json!({"type": "server", "server": {"id": id}}))
        }
        Some(_) => {
            let sel =
                tf.object("label_selector", true).and_then(|s| s.get("selector")).and_then(Value::as_str);
            match sel.map(|s| (s, parse_selector(s))) {
                Some((s, Ok(_))) => {
                    Some(json!({"type": "label_selector", "label_selector": {"selector": s}}))
                }
                Some((_, Err(m))) => {
                    tf.err("label_selector", m);
                    None
                }
                None => {
                    tf.err("label_selector", "needs a selector");
                    None
                }
            }
        }
        None => None,
    };
    f.absorb(field, tf);
    out
}

fn targets(list: &[&Map<String, Value>], f: &mut Fields<'_>, key: &str) -> Vec<Value> {
    list.iter().enumerate().filter_map(|(i, t)| target(t, f, &join(key, &i.to_string()))).collect()
}

fn applied(sim: &Simulator, fw: u64) -> Vec<Value> {
    sim.store
        .get(Kind::Firewall, fw)
        .and_then(|f| f.get("applied_to"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

impl Simulator {
    pub(crate) fn apply_firewall_to_server(&mut self, fw: u64, server: u64) {
        let entry = json!({"type": "server", "server": {"id": server}});
        if let Some(Value::Array(list)) =
            self.store.get_mut(Kind::Firewall, fw).and_then(|f| f.get_mut("applied_to"))
        {
            if !list.contains(&entry) {
                list.push(entry);
            }
        }
    }

    pub(crate) fn unapply_firewall_from_server(&mut self, fw: u64, server: u64) {
        if let Some(Value::Array(list)) =
            self.store.get_mut(Kind::Firewall, fw).and_then(|f| f.get_mut("applied_to"))
        {
            list.retain(|e| e.pointer("/server/id").and_then(Value::as_u64) != Some(server));
        }
    }

    /// Checks that every server target exists (`404 firewall_resource_not_found`).
    fn targets_exist(&self, list: &[Value]) -> Result<(), ApiError> {
        for t in list {
            if let Some(id) = t.pointer("/server/id").and_then(Value::as_u64) {
                if !self.store.contains(Kind::Server, id) {
                    return Err(ApiError::code(
                        404,
                        "firewall_resource_not_found",
                        format!("server {id} not found"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The servers a list of targets reaches right now.
    fn servers_of(&self, list: &[Value]) -> Vec<(Kind, u64)> {
        let mut out = Vec::new();
        for t in list {
            let ids = match t.pointer("/server/id").and_then(Value::as_u64) {
                Some(id) => vec![id],
                None => t
                    .pointer("/label_selector/selector")
                    .and_then(Value::as_str)
                    .map(|s| self.servers_matching(s))
                    .unwrap_or_default(),
            };
            out.extend(ids.into_iter().map(|id| (Kind::Server, id)));
        }
        out
    }

    pub(crate) fn create_firewall(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true);
        self.check_name(&mut f, Kind::Firewall, name);
        let labels = f.labels("labels");
        let rule_list = f.objects("rules", false).unwrap_or_default();
        let rules = rules(&rule_list, &mut f);
        let apply_list = f.objects("apply_to", false).unwrap_or_default();
        let apply = targets(&apply_list, &mut f, "apply_to");
        f.finish()?;
        let name = name.unwrap_or_default();
        self.ensure_name_free(Kind::Firewall, name, None)?;
        self.targets_exist(&apply)?;
        let id = self.store.insert(
            Kind::Firewall,
            obj(json!({"name": name, "labels": labels_value(labels), "created": self.timestamp(), "rules": rules, "applied_to": []})),
        );
        let mut actions = Vec::new();
        if !rules.is_empty() {
            actions.push(self.start_action(
                "set_firewall_rules",
                vec![(Kind::Firewall, id)],
                Plan::default(),
            ));
        }
        if !apply.is_empty() {
            if let Some(Value::Array(list)) =
                self.store.get_mut(Kind::Firewall, id).and_then(|f| f.get_mut("applied_to"))
            {
                list.extend(apply.iter().cloned());
            }
            let mut resources = vec![(Kind::Firewall, id)];
            resources.extend(self.servers_of(&apply));
            actions.push(self.start_action("apply_firewall", resources, Plan::default()));
        }
        self.settle();
        let stored =
            self.store.get(Kind::Firewall, id).ok_or_else(|| ApiError::missing(Kind::Firewall, id))?;
        let body = Body::new()
            .with("firewall", Part::One(self.view(Kind::Firewall, stored)))
            .value("actions", Value::Array(actions.iter().map(|a| self.action_value(*a)).collect()));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// `apply_to_resources`, `remove_from_resources`, `set_rules`.
    pub(crate) fn firewall_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let current = applied(self, id);
        let action = match req.verb {
            "set_rules" => {
                let list = f.objects("rules", true).unwrap_or_default();
                let rules = rules(&list, &mut f);
                f.finish()?;
                self.ensure_unlocked(Kind::Firewall, id)?;
                if let Some(fw) = self.store.get_mut(Kind::Firewall, id) {
                    fw.insert("rules".to_owned(), Value::Array(rules));
                }
                let mut resources = vec![(Kind::Firewall, id)];
                resources.extend(self.servers_of(&current));
                self.start_action("set_firewall_rules", resources, Plan::default())
            }
            "apply_to_resources" => {
                let list = f.objects("apply_to", true).unwrap_or_default();
                let apply = targets(&list, &mut f, "apply_to");
                f.finish()?;
                self.targets_exist(&apply)?;
                if let Some(dup) = apply.iter().find(|t| current.contains(t)) {
                    return Err(ApiError::code(
                        422,
                        "firewall_already_applied",
                        format!("firewall is already applied to {dup}"),
                    ));
                }
                self.ensure_unlocked(Kind::Firewall, id)?;
                if let Some(Value::Array(stored)) =
                    self.store.get_mut(Kind::Firewall, id).and_then(|f| f.get_mut("applied_to"))
                {
                    stored.extend(apply.iter().cloned());
                }
                let mut resources = vec![(Kind::Firewall, id)];
                resources.extend(self.servers_of(&apply));
                self.start_action("apply_firewall", resources, Plan::default())
            }
            _ => {
                let list = f.objects("remove_from", true).unwrap_or_default();
                let remove = targets(&list, &mut f, "remove_from");
                f.finish()?;
                for t in &remove {
                    if !current.contains(t) {
                        let server = t
                            .pointer("/server/id")
                            .and_then(Value::as_u64)
                            .and_then(|s| self.store.get(Kind::Server, s));
                        let by_selector = server.is_some_and(|srv| {
                            current.iter().any(|e| {
                                e.pointer("/label_selector/selector")
                                    .and_then(Value::as_str)
                                    .and_then(|s| parse_selector(s).ok())
                                    .is_some_and(|sel| sel.matches(&crate::store::labels_of(srv)))
                            })
                        });
                        return Err(if by_selector {
                            ApiError::code(
                                422,
                                "firewall_managed_by_label_selector",
                                "the server is reached through a label selector",
                            )
                        } else {
                            ApiError::code(
                                404,
                                "firewall_resource_not_found",
                                "the firewall is not applied to this resource",
                            )
                        });
                    }
                }
                self.ensure_unlocked(Kind::Firewall, id)?;
                let resources: Vec<(Kind, u64)> =
                    std::iter::once((Kind::Firewall, id)).chain(self.servers_of(&remove)).collect();
                if let Some(Value::Array(stored)) =
                    self.store.get_mut(Kind::Firewall, id).and_then(|f| f.get_mut("applied_to"))
                {
                    stored.retain(|e| !remove.contains(e));
                }
                self.start_action("remove_firewall", resources, Plan::default())
            }
        };
        self.settle();
        self.actions_out(&[action])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_networks() {
        for ok in ["80", "1-65535", "any", "443"] {
            assert!(valid_port(ok), "{ok}");
        }
        for bad in ["0", "70000", "90-80", "x", ""] {
            assert!(!valid_port(bad), "{bad}");
        }
        assert!(valid_cidr("0.0.0.0/0") && valid_cidr("::/0") && valid_cidr("10.0.0.0/8"));
        assert!(!valid_cidr("10.0.0.0") && !valid_cidr("10.0.0.0/40"));
    }
}
