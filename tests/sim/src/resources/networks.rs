//! Private networks: subnets, routes, servers and load balancers attached.

use std::net::Ipv4Addr;

use http::StatusCode;
use serde_json::{json, Value};

use super::{conflict, obj};
use crate::actions::Plan;
use crate::input::{labels_value, parse_body, Fields};
use crate::render::ref_id;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Simulator};
use crate::store::{pull_id, push_id, str_of, Kind, Obj};

/// An IPv4 network: base address and prefix length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cidr {
    pub base: u32,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/16`; host bits must be zero.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let (addr, prefix) = s.split_once('/')?;
        let base = u32::from(addr.parse::<Ipv4Addr>().ok()?);
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let c = Cidr { base, prefix };
        (base & !c.mask() == 0).then_some(c)
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    pub(crate) fn size(self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    pub(crate) fn contains(self, ip: u32) -> bool {
        ip & self.mask() == self.base
    }

    pub(crate) fn covers(self, other: Cidr) -> bool {
        other.prefix >= self.prefix && self.contains(other.base)
    }

    pub(crate) fn overlaps(self, other: Cidr) -> bool {
        self.covers(other) || other.covers(self)
    }

    pub(crate) fn nth(self, n: u32) -> String {
        Ipv4Addr::from(self.base.wrapping_add(n)).to_string()
    }

    /// Whether the range is private (RFC 1918), where networks must live.
    fn private(self) -> bool {
        [("10.0.0.0", 8), ("172.16.0.0", 12), ("192.168.0.0", 16)].iter().any(|(b, p)| {
            Cidr { base: u32::from(b.parse::<Ipv4Addr>().unwrap_or(Ipv4Addr::UNSPECIFIED)), prefix: *p }
                .covers(self)
        })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

pub(crate) fn ip_u32(s: &str) -> Option<u32> {
    s.parse::<Ipv4Addr>().ok().map(u32::from)
}

fn subnets(net: &Obj) -> Vec<Value> {
    net.get("subnets").and_then(Value::as_array).cloned().unwrap_or_default()
}

impl Simulator {
    pub(crate) fn network_zone_of_location(&self, location: u64) -> String {
        self.store
            .get(Kind::Location, location)
            .and_then(|l| str_of(l, "network_zone"))
            .unwrap_or("eu-central")
            .to_owned()
    }

    /// A subnet of the network where servers of the zone can get addresses.
    pub(crate) fn subnet_for(&self, network: u64, zone: &str, ip_range: Option<&str>) -> Option<Cidr> {
        let net = self.store.get(Kind::Network, network)?;
        subnets(net)
            .iter()
            .filter(|s| s["network_zone"] == zone && s["type"] != "vswitch")
            .filter(|s| ip_range.is_none_or(|r| s["ip_range"] == r))
            .find_map(|s| s["ip_range"].as_str().and_then(Cidr::parse))
    }

    /// Addresses in use inside a network (servers, alias IPs, load balancers).
    fn used_ips(&self, network: u64) -> Vec<String> {
        let mut used = Vec::new();
        for kind in [Kind::Server, Kind::LoadBalancer] {
            for o in self.store.items(kind).values() {
                for p in o.get("private_net").and_then(Value::as_array).into_iter().flatten() {
                    if p["network"].as_u64() == Some(network) {
                        used.extend(p["ip"].as_str().map(str::to_owned));
                        used.extend(
                            p["alias_ips"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|a| a.as_str().map(str::to_owned)),
                        );
                    }
                }
            }
        }
        used
    }

    /// Picks (or checks) an address for a new member of a network.
    pub(crate) fn allocate_private_ip(
        &self,
        network: u64,
        zone: &str,
        ip: Option<&str>,
        ip_range: Option<&str>,
    ) -> Result<String, ApiError> {
        let subnet = self.subnet_for(network, zone, ip_range).ok_or_else(|| {
            ApiError::code(422, "no_subnet_available", format!("network {network} has no subnet in {zone}"))
        })?;
        let used = self.used_ips(network);
        match ip {
            Some(ip) => {
                let ok = ip_u32(ip).is_some_and(|n| subnet.contains(n) && n > subnet.base + 1)
                    && !used.iter().any(|u| u == ip);
                if ok {
                    Ok(ip.to_owned())
                } else {
                    Err(ApiError::code(422, "ip_not_available", format!("{ip} is not available in {subnet}")))
                }
            }
            None => (2..subnet.size().saturating_sub(1) as u32)
                .map(|n| subnet.nth(n))
                .find(|c| !used.contains(c))
                .ok_or_else(|| ApiError::code(422, "ip_not_available", format!("{subnet} is full"))),
        }
    }

    /// Attaches a server to a network.
    pub(crate) fn join_network(
        &mut self,
        server: u64,
        network: u64,
        ip: Option<&str>,
        alias_ips: Vec<String>,
    ) -> Result<(), ApiError> {
        let location = self.store.get(Kind::Server, server).and_then(|s| ref_id(s, "location")).unwrap_or(0);
        let zone = self.network_zone_of_location(location);
        let ip = self.allocate_private_ip(network, &zone, ip, None)?;
        let mac =
            format!("86:00:00:{:02x}:{:02x}:{:02x}", (server >> 8) & 0xFF, server & 0xFF, network & 0xFF);
        if let Some(Value::Array(nets)) =
            self.store.get_mut(Kind::Server, server).and_then(|s| s.get_mut("private_net"))
        {
            nets.push(json!({"network": network, "ip": ip, "alias_ips": alias_ips, "mac_address": mac}));
        }
        if let Some(n) = self.store.get_mut(Kind::Network, network) {
            push_id(n, "servers", server);
        }
        Ok(())
    }

    fn leave_network(&mut self, kind: Kind, member: u64, network: u64) {
        if let Some(Value::Array(nets)) =
            self.store.get_mut(kind, member).and_then(|s| s.get_mut("private_net"))
        {
            nets.retain(|p| p["network"].as_u64() != Some(network));
        }
        let key = if kind == Kind::Server { "servers" } else { "load_balancers" };
        if let Some(n) = self.store.get_mut(Kind::Network, network) {
            pull_id(n, key, member);
        }
    }

    fn attached(&self, kind: Kind, member: u64, network: u64) -> bool {
        self.store
            .get(kind, member)
            .and_then(|s| s.get("private_net"))
            .and_then(Value::as_array)
            .is_some_and(|nets| nets.iter().any(|p| p["network"].as_u64() == Some(network)))
    }

    /// Deleting a network detaches whatever was attached.
    pub(crate) fn detach_everything_from_network(&mut self, network: u64) {
        let net = self.store.get(Kind::Network, network).cloned().unwrap_or_default();
        for s in crate::store::ids_of(&net, "servers") {
            self.leave_network(Kind::Server, s, network);
        }
        for lb in crate::store::ids_of(&net, "load_balancers") {
            self.leave_network(Kind::LoadBalancer, lb, network);
        }
    }

    /// `attach_to_network`, `detach_from_network`, `change_alias_ips` of a server.
    pub(crate) fn server_network_action(
        &mut self,
        req: &Req<'_>,
        id: u64,
        body: &serde_json::Map<String, Value>,
    ) -> Handled {
        let mut f = Fields::new(body);
        let network = f.id("network", true).unwrap_or(0);
        let ip = f.string("ip", false).map(str::to_owned);
        let ip_range = f.string("ip_range", false).map(str::to_owned);
        let alias_ips = f.string_list("alias_ips", req.verb == "change_alias_ips").unwrap_or_default();
        f.finish()?;
        if !self.store.contains(Kind::Network, network) {
            return Err(ApiError::missing(Kind::Network, network));
        }
        self.ensure_unlocked(Kind::Server, id)?;
        let attached = self.attached(Kind::Server, id, network);
        let command = match req.verb {
            "attach_to_network" => {
                if attached {
                    return Err(ApiError::code(
                        422,
                        "server_already_attached",
                        "server is already attached to this network",
                    ));
                }
                let location =
                    self.store.get(Kind::Server, id).and_then(|s| ref_id(s, "location")).unwrap_or(0);
                let zone = self.network_zone_of_location(location);
                let ip = self.allocate_private_ip(network, &zone, ip.as_deref(), ip_range.as_deref())?;
                self.join_network(id, network, Some(&ip), alias_ips)?;
                "attach_to_network"
            }
            "detach_from_network" => {
                if !attached {
                    return Err(conflict("server is not attached to this network"));
                }
                self.leave_network(Kind::Server, id, network);
                "detach_from_network"
            }
            _ => {
                if !attached {
                    return Err(conflict("server is not attached to this network"));
                }
                if let Some(Value::Array(nets)) =
                    self.store.get_mut(Kind::Server, id).and_then(|s| s.get_mut("private_net"))
                {
                    for p in nets.iter_mut().filter(|p| p["network"].as_u64() == Some(network)) {
                        p["alias_ips"] = json!(alias_ips);
                    }
                }
                "change_alias_ips"
            }
        };
        let action =
            self.start_action(command, vec![(Kind::Server, id), (Kind::Network, network)], Plan::default());
        self.settle();
        self.action_out(action)
    }

    /// Attaches a load balancer to a network.
    pub(crate) fn join_network_lb(
        &mut self,
        lb: u64,
        network: u64,
        ip: Option<&str>,
        ip_range: Option<&str>,
    ) -> Result<(), ApiError> {
        if self.attached(Kind::LoadBalancer, lb, network) {
            return Err(ApiError::code(
                422,
                "load_balancer_already_attached",
                "load balancer is already attached",
            ));
        }
        let location =
            self.store.get(Kind::LoadBalancer, lb).and_then(|l| ref_id(l, "location")).unwrap_or(0);
        let zone = self.network_zone_of_location(location);
        let ip = self.allocate_private_ip(network, &zone, ip, ip_range)?;
        if let Some(Value::Array(nets)) =
            self.store.get_mut(Kind::LoadBalancer, lb).and_then(|s| s.get_mut("private_net"))
        {
            nets.push(json!({"network": network, "ip": ip}));
        }
        if let Some(n) = self.store.get_mut(Kind::Network, network) {
            push_id(n, "load_balancers", lb);
        }
        Ok(())
    }

    pub(crate) fn leave_network_lb(&mut self, lb: u64, network: u64) -> Result<(), ApiError> {
        if !self.attached(Kind::LoadBalancer, lb, network) {
            return Err(conflict("load balancer is not attached to this network"));
        }
        self.leave_network(Kind::LoadBalancer, lb, network);
        Ok(())
    }

    /// Validates a subnet against its network and the other subnets, filling in a free range.
    fn check_subnet(
        &self,
        range: Cidr,
        existing: &[Value],
        f: &mut Fields<'_>,
        s: &serde_json::Map<String, Value>,
        field: &str,
    ) -> Option<Value> {
        let mut sf = Fields::new(s);
        let kind = sf.choice("type", true, &["cloud", "server", "vswitch"]);
        let zone = sf.string("network_zone", true);
        let given = sf.string("ip_range", false);
        let vswitch = sf.id("vswitch_id", kind == Some("vswitch"));
        f.absorb(field, sf);
        let (kind, zone) = (kind?, zone?);
        let taken: Vec<Cidr> =
            existing.iter().filter_map(|e| e["ip_range"].as_str().and_then(Cidr::parse)).collect();
        let sub = match given {
            Some(g) => match Cidr::parse(g) {
                Some(c) if range.covers(c) && !taken.iter().any(|t| t.overlaps(c)) => c,
                _ => {
                    f.err(
                        &crate::input::join(field, "ip_range"),
                        "must be a free range inside the network's ip_range",
                    );
                    return None;
                }
            },
            None => {
                let prefix = range.prefix.max(24);
                let step = 1u64 << (32 - prefix);
                let found = (0..range.size() / step)
                    .map(|i| Cidr { base: range.base + (i * step) as u32, prefix })
                    .find(|c| !taken.iter().any(|t| t.overlaps(*c)));
                match found {
                    Some(c) => c,
                    None => {
                        f.err(&crate::input::join(field, "ip_range"), "no free range left in the network");
                        return None;
                    }
                }
            }
        };
        let mut out =
            json!({"type": kind, "ip_range": sub.to_string(), "network_zone": zone, "gateway": range.nth(1)});
        if let Some(v) = vswitch {
            out["vswitch_id"] = json!(v);
        }
        Some(out)
    }

    fn check_route(
        range: Cidr,
        r: &serde_json::Map<String, Value>,
        f: &mut Fields<'_>,
        field: &str,
    ) -> Option<Value> {
        let mut rf = Fields::new(r);
        let destination = rf.string("destination", true);
        let gateway = rf.string("gateway", true);
        if destination.is_some_and(|d| Cidr::parse(d).is_none()) {
            rf.err("destination", "must be an IPv4 network in CIDR notation");
        }
        if gateway.is_some_and(|g| !ip_u32(g).is_some_and(|g| range.contains(g) && g != range.base + 1)) {
            rf.err("gateway", "must be an address inside the network other than its gateway");
        }
        let ok = !rf.has_errors();
        f.absorb(field, rf);
        ok.then(|| json!({"destination": destination, "gateway": gateway}))
    }

    pub(crate) fn create_network(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true);
        self.check_name(&mut f, Kind::Network, name);
        let range = f.string("ip_range", true).and_then(|r| {
            let c = Cidr::parse(r).filter(|c| c.private() && (8..=24).contains(&c.prefix));
            if c.is_none() {
                f.err("ip_range", "must be a private IPv4 network (RFC 1918) between /8 and /24");
            }
            c
        });
        let labels = f.labels("labels");
        let expose = f.boolean("expose_routes_to_vswitch", false).unwrap_or(false);
        let subnet_bodies = f.objects("subnets", false).unwrap_or_default();
        let route_bodies = f.objects("routes", false).unwrap_or_default();
        let mut subnets = Vec::new();
        let mut routes = Vec::new();
        if let Some(range) = range {
            for (i, s) in subnet_bodies.iter().enumerate() {
                if let Some(sub) = self.check_subnet(range, &subnets, &mut f, s, &format!("subnets.{i}")) {
                    subnets.push(sub);
                }
            }
            for (i, r) in route_bodies.iter().enumerate() {
                routes.extend(Self::check_route(range, r, &mut f, &format!("routes.{i}")));
            }
        }
        f.finish()?;
        let (Some(name), Some(range)) = (name, range) else {
            return Err(ApiError::invalid_field("name", crate::input::MISSING));
        };
        self.ensure_name_free(Kind::Network, name, None)?;
        let id = self.store.insert(
            Kind::Network,
            obj(json!({
                "name": name, "ip_range": range.to_string(), "subnets": subnets, "routes": routes,
                "servers": [], "load_balancers": [], "protection": {"delete": false},
                "labels": labels_value(labels), "created": self.timestamp(), "expose_routes_to_vswitch": expose,
            })),
        );
        self.one_out(Kind::Network, id, StatusCode::CREATED)
    }

    /// `add_route`, `delete_route`, `add_subnet`, `delete_subnet`, `change_ip_range`.
    pub(crate) fn network_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let net = self.store.get(Kind::Network, id).cloned().unwrap_or_default();
        let range = net
            .get("ip_range")
            .and_then(Value::as_str)
            .and_then(Cidr::parse)
            .unwrap_or(Cidr { base: 0, prefix: 8 });
        let mut subnets_now = subnets(&net);
        let mut routes_now = net.get("routes").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut new_range = None;
        let command = match req.verb {
            "add_route" | "delete_route" => {
                let route = Self::check_route(range, &body, &mut f, "");
                f.finish()?;
                let route = route.unwrap_or(Value::Null);
                let exists = routes_now.contains(&route);
                if req.verb == "add_route" {
                    if exists {
                        return Err(conflict("route already exists"));
                    }
                    routes_now.push(route);
                    "add_route"
                } else {
                    if !exists {
                        return Err(ApiError::not_found("route"));
                    }
                    routes_now.retain(|r| *r != route);
                    "delete_route"
                }
            }
            "add_subnet" => {
                let sub = self.check_subnet(range, &subnets_now, &mut f, &body, "");
                f.finish()?;
                subnets_now.push(sub.unwrap_or(Value::Null));
                "add_subnet"
            }
            "delete_subnet" => {
                let r = f.string("ip_range", true).map(str::to_owned);
                f.finish()?;
                let r = r.unwrap_or_default();
                if !subnets_now.iter().any(|s| s["ip_range"] == r.as_str()) {
                    return Err(ApiError::not_found(&format!("subnet '{r}'")));
                }
                let sub = Cidr::parse(&r);
                if sub.is_some_and(|c| {
                    self.used_ips(id).iter().any(|ip| ip_u32(ip).is_some_and(|n| c.contains(n)))
                }) {
                    return Err(ApiError::code(
                        422,
                        "resource_in_use",
                        "subnet still has attached resources",
                    ));
                }
                subnets_now.retain(|s| s["ip_range"] != r.as_str());
                "delete_subnet"
            }
            _ => {
                let r = f.string("ip_range", true).map(str::to_owned);
                f.finish()?;
                let c = r.as_deref().and_then(Cidr::parse).filter(|c| c.private() && c.covers(range));
                let Some(c) = c else {
                    return Err(ApiError::invalid_field(
                        "ip_range",
                        "must be a private network containing the current range",
                    ));
                };
                new_range = Some(c.to_string());
                "change_ip_range"
            }
        };
        self.ensure_unlocked(Kind::Network, id)?;
        if let Some(n) = self.store.get_mut(Kind::Network, id) {
            n.insert("subnets".to_owned(), Value::Array(subnets_now));
            n.insert("routes".to_owned(), Value::Array(routes_now));
            if let Some(r) = new_range {
                n.insert("ip_range".to_owned(), Value::from(r));
            }
        }
        let action = self.start_action(command, vec![(Kind::Network, id)], Plan::default());
        self.settle();
        self.action_out(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_arithmetic() {
        let net = Cidr::parse("10.0.0.0/16").unwrap();
        let sub = Cidr::parse("10.0.1.0/24").unwrap();
        assert!(net.covers(sub) && !sub.covers(net) && net.overlaps(sub));
        assert!(net.contains(ip_u32("10.0.255.1").unwrap()));
        assert!(!net.contains(ip_u32("10.1.0.1").unwrap()));
        assert_eq!(net.nth(1), "10.0.0.1");
        assert_eq!(sub.to_string(), "10.0.1.0/24");
        assert!(Cidr::parse("10.0.0.1/16").is_none(), "host bits set");
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(net.private() && !Cidr::parse("8.8.0.0/16").unwrap().private());
    }
}
