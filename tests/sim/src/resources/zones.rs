//! DNS zones and their RRsets, zone files, and the RRset actions.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::obj;
use crate::actions::Plan;
use crate::input::{join, labels_value, parse_body, Fields};
use crate::list::{build_filter, compare_field, page_out, parse_sort, sort_items, Filter, Paging};
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::{str_of, Kind, Obj};
use crate::view::{Body, Part, View};

const RR_TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "DS", "HINFO", "HTTPS", "MX", "NS", "PTR", "RP", "SOA", "SRV", "SVCB",
    "TLSA", "TXT",
];
const DEFAULT_TTL: i64 = 3600;
const MAX_TTL: i64 = 2_147_483_647;
/// The name servers every primary zone is assigned.
const NAMESERVERS: [&str; 3] =
    ["hydrogen.ns.hetzner.com.", "oxygen.ns.hetzner.com.", "helium.ns.hetzner.de."];

/// A record read from a zone file: name, type, TTL and value.
type ZoneLine = (String, String, Option<i64>, String);
/// An RRset to create: name, type, TTL, records and labels.
type NewRrset = (String, String, Option<i64>, Vec<Value>, Value);

/// RRsets of all zones, keyed by (zone id, name, type).
pub(crate) type RrsetKey = (u64, String, String);

fn valid_zone_name(name: &str) -> bool {
    name.contains('.')
        && name == name.to_ascii_lowercase()
        && name.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn records(list: &[&Map<String, Value>], f: &mut Fields<'_>, comment_required: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let mut rf = Fields::new(r);
        let value = rf.string("value", true);
        let comment = rf.string("comment", comment_required);
        if let Some(v) = value {
            let mut rec = json!({"value": v});
            if let Some(c) = comment {
                rec["comment"] = json!(c);
            }
            out.push(rec);
        }
        f.absorb(&join("records", &i.to_string()), rf);
    }
    out
}

fn new_rrset(zone: u64, name: &str, kind: &str, ttl: Value, records: Vec<Value>, labels: Value) -> Obj {
    obj(json!({
        "id": format!("{name}/{kind}"), "name": name, "type": kind, "ttl": ttl, "labels": labels,
        "protection": {"change": false}, "records": records, "zone": zone,
    }))
}

/// Parses a zone file into (name, type, ttl, values); names relative to `origin`.
fn parse_zonefile(text: &str, origin: &str) -> Result<Vec<ZoneLine>, String> {
    let mut origin = format!("{}.", origin.trim_end_matches('.'));
    let mut out = Vec::new();
    let mut last_name = "@".to_owned();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split(';').next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let mut words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "$ORIGIN" => {
                origin = words.get(1).ok_or(format!("line {}: $ORIGIN needs a name", n + 1))?.to_string();
                continue;
            }
            "$TTL" => continue,
            _ => {}
        }
        let name = if raw.starts_with(char::is_whitespace) {
            last_name.clone()
        } else {
            let w = words.remove(0);
            if w == "@" || w == origin {
                "@".to_owned()
            } else {
                w.strip_suffix(&format!(".{origin}")).unwrap_or(w).to_owned()
            }
        };
        last_name = name.clone();
        let ttl = words.first().and_then(|w| w.parse::<i64>().ok());
        if ttl.is_some() {
            words.remove(0);
        }
        if words.first() == Some(&"IN") {
            words.remove(0);
        }
        let kind = words.first().ok_or(format!("line {}: record type missing", n + 1))?.to_string();
        if !RR_TYPES.contains(&kind.as_str()) {
            return Err(format!("line {}: unsupported record type '{kind}'", n + 1));
        }
        if words.len() < 2 {
            return Err(format!("line {}: record value missing", n + 1));
        }
        out.push((name, kind, ttl, words[1..].join(" ")));
    }
    Ok(out)
}

impl Simulator {
    pub(crate) fn rrsets_of(&self, zone: u64) -> impl Iterator<Item = &Obj> {
        self.rrsets
            .range((zone, String::new(), String::new())..)
            .take_while(move |((z, _, _), _)| *z == zone)
            .map(|(_, r)| r)
    }

    fn zone_mode(&self, zone: u64) -> String {
        self.store.get(Kind::Zone, zone).and_then(|z| str_of(z, "mode")).unwrap_or("primary").to_owned()
    }

    fn require_mode(&self, zone: u64, mode: &str) -> Result<(), ApiError> {
        if self.zone_mode(zone) == mode {
            Ok(())
        } else {
            Err(ApiError::code(422, "incorrect_zone_mode", format!("only {mode} zones support this")))
        }
    }

    /// Replaces a primary zone's RRsets by the default SOA and NS sets plus `entries`.
    fn fill_zone(&mut self, zone: u64, entries: Vec<NewRrset>) {
        let keys: Vec<RrsetKey> = self.rrsets.keys().filter(|k| k.0 == zone).cloned().collect();
        for k in keys {
            self.rrsets.remove(&k);
        }
        let soa = format!("{} dns.hetzner.com. 2024010100 86400 10800 3600000 3600", NAMESERVERS[0]);
        let ns: Vec<Value> = NAMESERVERS.iter().map(|n| json!({"value": n})).collect();
        let defaults = [("SOA", vec![json!({"value": soa})]), ("NS", ns)];
        for (kind, recs) in defaults {
            self.rrsets.insert(
                (zone, "@".into(), kind.into()),
                new_rrset(zone, "@", kind, Value::Null, recs, json!({})),
            );
        }
        for (n, kind, ttl, recs, labels) in entries {
            let key = (zone, n.clone(), kind.clone());
            let mut set = self
                .rrsets
                .remove(&key)
                .unwrap_or_else(|| new_rrset(zone, &n, &kind, json!(ttl), Vec::new(), labels));
            if kind == "SOA" || (kind == "NS" && n == "@") {
                set.insert("records".into(), Value::Array(Vec::new()));
            }
            if let Some(Value::Array(list)) = set.get_mut("records") {
                list.extend(recs);
            }
            self.rrsets.insert(key, set);
        }
    }

    pub(crate) fn create_zone(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        if name.as_deref().is_some_and(|n| !valid_zone_name(n)) {
            f.err("name", "must be a lower-case domain name");
        }
        let mode = f.choice("mode", true, &["primary", "secondary"]).map(str::to_owned);
        let ttl = f.integer("ttl", false, 60, MAX_TTL).unwrap_or(DEFAULT_TTL);
        let labels = f.labels("labels");
        let nameservers =
            f.objects("primary_nameservers", mode.as_deref() == Some("secondary")).unwrap_or_default();
        let nameservers: Vec<Value> = nameservers.iter().map(|n| Value::Object((*n).clone())).collect();
        if nameservers.iter().any(|n| !n["address"].is_string()) {
            f.err("primary_nameservers", "every entry needs an address");
        }
        let rrset_bodies = f.objects("rrsets", false).unwrap_or_default();
        let mut entries = Vec::new();
        for (i, r) in rrset_bodies.iter().enumerate() {
            let mut rf = Fields::new(r);
            let (n, kind) = (rf.string("name", true), rf.choice("type", true, RR_TYPES));
            let ttl = rf.integer("ttl", false, 60, MAX_TTL);
            let recs = rf.objects("records", true).unwrap_or_default();
            let recs = records(&recs, &mut rf, false);
            let labels = labels_value(rf.labels("labels"));
            if let (Some(n), Some(k)) = (n, kind) {
                entries.push((n.to_owned(), k.to_owned(), ttl, recs, labels));
            }
            f.absorb(&join("rrsets", &i.to_string()), rf);
        }
        let zonefile = f.string("zonefile", false).map(str::to_owned);
        let secondary = mode.as_deref() == Some("secondary");
        if secondary && (!entries.is_empty() || zonefile.is_some()) {
            f.err("mode", "secondary zones take no records");
        }
        if !secondary && !nameservers.is_empty() {
            f.err("primary_nameservers", "only secondary zones have primary name servers");
        }
        f.finish()?;
        let name = name.unwrap_or_default();
        if let Some(text) = &zonefile {
            let parsed = parse_zonefile(text, &name).map_err(|m| ApiError::invalid_field("zonefile", m))?;
            entries.extend(
                parsed.into_iter().map(|(n, k, t, v)| (n, k, t, vec![json!({"value": v})], json!({}))),
            );
        }
        self.ensure_name_free(Kind::Zone, &name, None)?;
        let mut zone = json!({
            "name": name, "created": self.timestamp(), "mode": mode, "labels": labels_value(labels),
            "protection": {"delete": false}, "ttl": ttl, "status": "ok", "record_count": 0,
            "authoritative_nameservers": {
                "assigned": if secondary { json!([]) } else { json!(NAMESERVERS) }, "delegated": [],
                "delegation_last_check": null, "delegation_status": "unknown",
            },
            "registrar": "other",
        });
        if secondary {
            zone["primary_nameservers"] = Value::Array(nameservers);
        }
        let id = self.store.insert(Kind::Zone, obj(zone));
        if !secondary {
            self.fill_zone(id, entries);
        }
        let action = self.start_action("create_zone", vec![(Kind::Zone, id)], Plan::default());
        self.settle();
        let stored = self.store.get(Kind::Zone, id).ok_or_else(|| ApiError::missing(Kind::Zone, id))?;
        let body = Body::new()
            .with("zone", Part::One(self.view(Kind::Zone, stored)))
            .value("action", self.action_value(action));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    pub(crate) fn delete_zone(&mut self, id: u64) -> Handled {
        self.store.remove(Kind::Zone, id);
        self.rrsets.retain(|k, _| k.0 != id);
        let action = self.start_action("delete_zone", vec![(Kind::Zone, id)], Plan::default());
        self.settle();
        self.action_out(action)
    }

    pub(crate) fn get_zonefile(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        self.require_mode(id, "primary")?;
        let zone = self.store.get(Kind::Zone, id).cloned().unwrap_or_default();
        let ttl = zone["ttl"].as_i64().unwrap_or(DEFAULT_TTL);
        let mut text = format!("$ORIGIN {}.\n$TTL {ttl}\n", str_of(&zone, "name").unwrap_or(""));
        for set in self.rrsets_of(id) {
            let ttl = set["ttl"].as_i64().map(|t| format!(" {t}")).unwrap_or_default();
            for r in set["records"].as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "{}{ttl} IN {} {}\n",
                    set["name"].as_str().unwrap_or("@"),
                    set["type"].as_str().unwrap_or(""),
                    r["value"].as_str().unwrap_or("")
                ));
            }
        }
        Ok(Out::body(StatusCode::OK, &Body::new().value("zonefile", Value::from(text))))
    }

    /// `change_primary_nameservers`, `change_ttl`, `import_zonefile`.
    pub(crate) fn zone_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let command = match req.verb {
            "change_primary_nameservers" => {
                let list = f.objects("primary_nameservers", true).unwrap_or_default();
                let list: Vec<Value> = list.iter().map(|n| Value::Object((*n).clone())).collect();
                if list.iter().any(|n| !n["address"].is_string()) {
                    f.err("primary_nameservers", "every entry needs an address");
                }
                f.finish()?;
                self.require_mode(id, "secondary")?;
                self.ensure_unlocked(Kind::Zone, id)?;
                self.set_field(Kind::Zone, id, "primary_nameservers", Value::Array(list));
                "change_primary_nameservers"
            }
            "change_ttl" => {
                let ttl = f.integer("ttl", true, 60, MAX_TTL);
                f.finish()?;
                self.require_mode(id, "primary")?;
                self.ensure_unlocked(Kind::Zone, id)?;
                self.set_field(Kind::Zone, id, "ttl", json!(ttl));
                "change_ttl"
            }
            _ => {
                let text = f.string("zonefile", true).unwrap_or("").to_owned();
                f.finish()?;
                self.require_mode(id, "primary")?;
                let name =
                    self.store.get(Kind::Zone, id).and_then(|z| str_of(z, "name")).unwrap_or("").to_owned();
                let parsed =
                    parse_zonefile(&text, &name).map_err(|m| ApiError::invalid_field("zonefile", m))?;
                self.ensure_unlocked(Kind::Zone, id)?;
                let entries = parsed
                    .into_iter()
                    .map(|(n, k, t, v)| (n, k, t, vec![json!({"value": v})], json!({})))
                    .collect();
                self.fill_zone(id, entries);
                "import_zonefile"
            }
        };
        let action = self.start_action(command, vec![(Kind::Zone, id)], Plan::default());
        self.settle();
        self.action_out(action)
    }

    /// The zone of an RRset path, which must be a primary zone.
    fn rr_zone(&self, req: &Req<'_>) -> Result<u64, ApiError> {
        let id = self.resolve_path(req)?;
        self.require_mode(id, "primary")?;
        Ok(id)
    }

    fn rr_key(&self, req: &Req<'_>) -> Result<RrsetKey, ApiError> {
        let zone = self.rr_zone(req)?;
        let key = (zone, req.rr_name.to_owned(), req.rr_type.to_owned());
        if self.rrsets.contains_key(&key) {
            Ok(key)
        } else {
            Err(ApiError::not_found(&format!("RRSet '{}/{}'", req.rr_name, req.rr_type)))
        }
    }

    fn rrset_out(&self, key: &RrsetKey, status: StatusCode, action: Option<u64>) -> Handled {
        let set = self.rrsets.get(key).ok_or_else(|| ApiError::not_found("RRSet"))?;
        let mut body = Body::new().with("rrset", Part::One(View::plain(set)));
        if let Some(a) = action {
            body = body.value("action", self.action_value(a));
        }
        Ok(Out::body(status, &body))
    }

    pub(crate) fn list_rrsets(&mut self, req: &Req<'_>) -> Handled {
        let zone = self.rr_zone(req)?;
        let q = &req.ctx.query;
        let paging = Paging::parse(q)?;
        let matches = build_filter(
            q,
            &[Filter::Exact("name", "name"), Filter::Labels, Filter::OneOf("type", "type", RR_TYPES)],
        )?;
        let sorts = parse_sort(q, &["name"])?;
        let mut items: Vec<&Obj> = self.rrsets_of(zone).filter(|o| matches(o)).collect();
        sort_items(&mut items, &sorts, compare_field, |_| 0);
        let (range, pagination) = paging.window(items.len());
        let views = items[range].iter().map(|o| View::plain(o)).collect();
        Ok(page_out(req.ctx, Body::new().with("rrsets", Part::Many(views)), pagination))
    }

    pub(crate) fn get_rrset(&mut self, req: &Req<'_>) -> Handled {
        let key = self.rr_key(req)?;
        self.rrset_out(&key, StatusCode::OK, None)
    }

    pub(crate) fn create_rrset(&mut self, req: &Req<'_>) -> Handled {
        let zone = self.rr_zone(req)?;
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        let kind = f.choice("type", true, RR_TYPES).map(str::to_owned);
        let ttl =
            if f.get("ttl").is_some() { json!(f.integer("ttl", false, 60, MAX_TTL)) } else { Value::Null };
        let recs = f.objects("records", true).unwrap_or_default();
        let recs = records(&recs, &mut f, false);
        let labels = f.labels("labels");
        f.finish()?;
        let (name, kind) = (name.unwrap_or_default(), kind.unwrap_or_default());
        let key = (zone, name.clone(), kind.clone());
        if self.rrsets.contains_key(&key) {
            return Err(ApiError::taken("name", &format!("{name}/{kind}")));
        }
        self.ensure_unlocked(Kind::Zone, zone)?;
        self.rrsets.insert(key.clone(), new_rrset(zone, &name, &kind, ttl, recs, labels_value(labels)));
        let action = self.start_action("create_rrset", vec![(Kind::Zone, zone)], Plan::default());
        self.settle();
        self.rrset_out(&key, StatusCode::CREATED, Some(action))
    }

    pub(crate) fn update_rrset(&mut self, req: &Req<'_>) -> Handled {
        let key = self.rr_key(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let labels = f.labels("labels");
        f.finish()?;
        if let (Some(set), Some(l)) = (self.rrsets.get_mut(&key), labels) {
            set.insert("labels".into(), labels_value(Some(l)));
        }
        self.rrset_out(&key, StatusCode::OK, None)
    }

    fn ensure_changeable(&self, key: &RrsetKey) -> Result<(), ApiError> {
        if self.rrsets.get(key).is_some_and(|s| s["protection"]["change"] == true) {
            return Err(ApiError::code(
                423,
                "protected",
                format!("RRSet {}/{} is protected against changes", key.1, key.2),
            ));
        }
        self.ensure_unlocked(Kind::Zone, key.0)
    }

    pub(crate) fn delete_rrset(&mut self, req: &Req<'_>) -> Handled {
        let key = self.rr_key(req)?;
        self.ensure_changeable(&key)?;
        self.rrsets.remove(&key);
        let action = self.start_action("delete_rrset", vec![(Kind::Zone, key.0)], Plan::default());
        self.settle();
        self.action_out(action)
    }

    /// The RRset actions: protection, TTL and records.
    pub(crate) fn rrset_action(&mut self, req: &Req<'_>) -> Handled {
        let zone = self.rr_zone(req)?;
        let key = (zone, req.rr_name.to_owned(), req.rr_type.to_owned());
        // Adding records creates the set; every other action needs it.
        if req.verb != "add_records" && !self.rrsets.contains_key(&key) {
            return Err(ApiError::not_found(&format!("RRSet '{}/{}'", req.rr_name, req.rr_type)));
        }
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let command = match req.verb {
            "change_protection" => {
                let change = f.boolean("change", true);
                f.finish()?;
                self.ensure_unlocked(Kind::Zone, zone)?;
                if let (Some(set), Some(c)) = (self.rrsets.get_mut(&key), change) {
                    set["protection"]["change"] = json!(c);
                }
                "change_rrset_protection"
            }
            "change_ttl" => {
                let ttl = if f.get("ttl").is_some() {
                    json!(f.integer("ttl", false, 60, MAX_TTL))
                } else {
                    Value::Null
                };
                f.finish()?;
                self.ensure_changeable(&key)?;
                if let Some(set) = self.rrsets.get_mut(&key) {
                    set.insert("ttl".into(), ttl);
                }
                "change_rrset_ttl"
            }
            verb => {
                let list = f.objects("records", true).unwrap_or_default();
                let recs = records(&list, &mut f, verb == "update_records");
                let ttl = if verb == "add_records" && f.get("ttl").is_some() {
                    Some(f.integer("ttl", false, 60, MAX_TTL))
                } else {
                    None
                };
                f.finish()?;
                if !RR_TYPES.contains(&req.rr_type) {
                    return Err(ApiError::invalid_field(
                        "type",
                        format!("unsupported record type '{}'", req.rr_type),
                    ));
                }
                if self.rrsets.contains_key(&key) {
                    self.ensure_changeable(&key)?;
                } else {
                    self.ensure_unlocked(Kind::Zone, zone)?;
                    self.rrsets.insert(
                        key.clone(),
                        new_rrset(
                            zone,
                            req.rr_name,
                            req.rr_type,
                            json!(ttl.flatten()),
                            Vec::new(),
                            json!({}),
                        ),
                    );
                }
                let set = self.rrsets.get_mut(&key).ok_or_else(|| ApiError::not_found("RRSet"))?;
                let mut current: Vec<Value> = set["records"].as_array().cloned().unwrap_or_default();
                let same = |a: &Value, b: &Value| a["value"] == b["value"];
                match verb {
                    "set_records" => current = recs,
                    "add_records" => {
                        for r in recs {
                            if !current.iter().any(|c| same(c, &r)) {
                                current.push(r);
                            }
                        }
                    }
                    "remove_records" => current.retain(|c| !recs.iter().any(|r| same(c, r))),
                    _ => {
                        for r in recs {
                            match current.iter_mut().find(|c| same(c, &r)) {
                                Some(c) => *c = r,
                                None => {
                                    return Err(ApiError::invalid_field(
                                        "records",
                                        format!("no record with value {}", r["value"]),
                                    ))
                                }
                            }
                        }
                    }
                }
                let empty = current.is_empty();
                set.insert("records".into(), Value::Array(current));
                if empty {
                    self.rrsets.remove(&key);
                }
                match verb {
                    "set_records" => "set_rrset_records",
                    "add_records" => "add_rrset_records",
                    "remove_records" => "remove_rrset_records",
                    _ => "update_rrset_records",
                }
            }
        };
        let action = self.start_action(command, vec![(Kind::Zone, zone)], Plan::default());
        self.settle();
        let out = self.action_out(action)?;
        // `update_records` answers 200, the other actions 201.
        let status = if req.verb == "update_records" { StatusCode::OK } else { out.status };
        Ok(Out { status, ..out })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_files() {
        let text = "$ORIGIN example.com.\n$TTL 3600\n@ IN A 192.0.2.1 ; apex\nwww 300 IN CNAME example.com.\n  IN TXT \"v=1\"\nmail.example.com. MX 10 mx.example.com.\n";
        let parsed = parse_zonefile(text, "example.com").unwrap();
        assert_eq!(parsed[0], ("@".into(), "A".into(), None, "192.0.2.1".into()));
        assert_eq!(parsed[1], ("www".into(), "CNAME".into(), Some(300), "example.com.".into()));
        assert_eq!(parsed[2], ("www".into(), "TXT".into(), None, "\"v=1\"".into()));
        assert_eq!(parsed[3].0, "mail");
        assert!(parse_zonefile("x IN BOGUS 1", "example.com").is_err());
        assert!(
            valid_zone_name("example.com")
                && !valid_zone_name("Example.com")
                && !valid_zone_name("localhost")
        );
    }
}
