//! The table of every operation of the API and the matching of paths against it.

use http::Method;

use crate::sim::{method_not_allowed_for, parse_id, ApiError, Ctx, Handled, Simulator};
use crate::store::Kind;

/// One request, matched against a route.
pub(crate) struct Req<'a> {
    pub ctx: &'a Ctx<'a>,
    pub kind: Kind,
    /// The `{id}` or `{id_or_name}` segment, empty when the path has none.
    pub id_raw: &'a str,
    pub action_id: Option<u64>,
    pub rr_name: &'a str,
    pub rr_type: &'a str,
    /// The last literal segment of an action path, e.g. `poweron`.
    pub verb: &'static str,
    global: bool,
}

impl Req<'_> {
    /// Whether this is one of the project-wide `/actions` routes.
    pub(crate) fn kind_is_actions(&self) -> bool {
        self.global
    }
}

type Handler = fn(&mut Simulator, &Req<'_>) -> Handled;

/// An operation: its id, method, path template, kind and handler.
pub(crate) struct Route {
    pub op: &'static str,
    pub method: Method,
    pub path: &'static str,
    kind: Kind,
    handler: Handler,
}

macro_rules! routes {
    ($( $op:literal $method:ident $path:literal $kind:ident $handler:path ;)*) => {
        fn table() -> Vec<Route> {
            vec![$( Route { op: $op, method: Method::$method, path: $path, kind: Kind::$kind, handler: $handler } ),*]
        }
    };
}

use Simulator as S;

routes! {
    "get_actions" GET "/actions" Server S::list_actions;
    "get_action" GET "/actions/{id}" Server S::get_action;

    "list_certificates" GET "/certificates" Certificate S::list_resources;
    "create_certificate" POST "/certificates" Certificate S::create_certificate;
    "list_certificates_actions" GET "/certificates/actions" Certificate S::list_actions;
    "get_certificates_action" GET "/certificates/actions/{id}" Certificate S::get_action;
    "get_certificate" GET "/certificates/{id}" Certificate S::get_resource;
    "update_certificate" PUT "/certificates/{id}" Certificate S::update_resource;
    "delete_certificate" DELETE "/certificates/{id}" Certificate S::delete_resource;
    "list_certificate_actions" GET "/certificates/{id}/actions" Certificate S::list_actions;
    "retry_certificate" POST "/certificates/{id}/actions/retry" Certificate S::certificate_action;
    "get_certificate_action" GET "/certificates/{id}/actions/{action_id}" Certificate S::get_action;

    "list_datacenters" GET "/datacenters" Datacenter S::list_resources;
    "get_datacenter" GET "/datacenters/{id}" Datacenter S::get_resource;

    "list_firewalls" GET "/firewalls" Firewall S::list_resources;
    "create_firewall" POST "/firewalls" Firewall S::create_firewall;
    "list_firewalls_actions" GET "/firewalls/actions" Firewall S::list_actions;
    "get_firewalls_action" GET "/firewalls/actions/{id}" Firewall S::get_action;
    "get_firewall" GET "/firewalls/{id}" Firewall S::get_resource;
    "update_firewall" PUT "/firewalls/{id}" Firewall S::update_resource;
    "delete_firewall" DELETE "/firewalls/{id}" Firewall S::delete_resource;
    "list_firewall_actions" GET "/firewalls/{id}/actions" Firewall S::list_actions;
    "apply_firewall_to_resources" POST "/firewalls/{id}/actions/apply_to_resources" Firewall S::firewall_action;
    "remove_firewall_from_resources" POST "/firewalls/{id}/actions/remove_from_resources" Firewall S::firewall_action;
    "set_firewall_rules" POST "/firewalls/{id}/actions/set_rules" Firewall S::firewall_action;
    "get_firewall_action" GET "/firewalls/{id}/actions/{action_id}" Firewall S::get_action;

    "list_floating_ips" GET "/floating_ips" FloatingIp S::list_resources;
    "create_floating_ip" POST "/floating_ips" FloatingIp S::create_floating_ip;
    "list_floating_ips_actions" GET "/floating_ips/actions" FloatingIp S::list_actions;
    "get_floating_ips_action" GET "/floating_ips/actions/{id}" FloatingIp S::get_action;
    "get_floating_ip" GET "/floating_ips/{id}" FloatingIp S::get_resource;
    "update_floating_ip" PUT "/floating_ips/{id}" FloatingIp S::update_resource;
    "delete_floating_ip" DELETE "/floating_ips/{id}" FloatingIp S::delete_resource;
    "list_floating_ip_actions" GET "/floating_ips/{id}/actions" FloatingIp S::list_actions;
    "assign_floating_ip" POST "/floating_ips/{id}/actions/assign" FloatingIp S::floating_ip_action;
    "change_floating_ip_dns_ptr" POST "/floating_ips/{id}/actions/change_dns_ptr" FloatingIp S::floating_ip_action;
    "change_floating_ip_protection" POST "/floating_ips/{id}/actions/change_protection" FloatingIp S::protection_action;
    "unassign_floating_ip" POST "/floating_ips/{id}/actions/unassign" FloatingIp S::floating_ip_action;
    "get_floating_ip_action" GET "/floating_ips/{id}/actions/{action_id}" FloatingIp S::get_action;

    "list_images" GET "/images" Image S::list_resources;
    "list_images_actions" GET "/images/actions" Image S::list_actions;
    "get_images_action" GET "/images/actions/{id}" Image S::get_action;
    "get_image" GET "/images/{id}" Image S::get_resource;
    "update_image" PUT "/images/{id}" Image S::update_resource;
    "delete_image" DELETE "/images/{id}" Image S::delete_resource;
    "list_image_actions" GET "/images/{id}/actions" Image S::list_actions;
    "change_image_protection" POST "/images/{id}/actions/change_protection" Image S::protection_action;
    "get_image_action" GET "/images/{id}/actions/{action_id}" Image S::get_action;

    "list_isos" GET "/isos" Iso S::list_resources;
    "get_iso" GET "/isos/{id}" Iso S::get_resource;

    "list_load_balancer_types" GET "/load_balancer_types" LoadBalancerType S::list_resources;
    "get_load_balancer_type" GET "/load_balancer_types/{id}" LoadBalancerType S::get_resource;

    "list_load_balancers" GET "/load_balancers" LoadBalancer S::list_resources;
    "create_load_balancer" POST "/load_balancers" LoadBalancer S::create_load_balancer;
    "list_load_balancers_actions" GET "/load_balancers/actions" LoadBalancer S::list_actions;
    "get_load_balancers_action" GET "/load_balancers/actions/{id}" LoadBalancer S::get_action;
    "get_load_balancer" GET "/load_balancers/{id}" LoadBalancer S::get_resource;
    "update_load_balancer" PUT "/load_balancers/{id}" LoadBalancer S::update_resource;
    "delete_load_balancer" DELETE "/load_balancers/{id}" LoadBalancer S::delete_resource;
    "list_load_balancer_actions" GET "/load_balancers/{id}/actions" LoadBalancer S::list_actions;
    "add_load_balancer_service" POST "/load_balancers/{id}/actions/add_service" LoadBalancer S::load_balancer_action;
    "add_load_balancer_target" POST "/load_balancers/{id}/actions/add_target" LoadBalancer S::load_balancer_action;
    "attach_load_balancer_to_network" POST "/load_balancers/{id}/actions/attach_to_network" LoadBalancer S::load_balancer_action;
    "change_load_balancer_algorithm" POST "/load_balancers/{id}/actions/change_algorithm" LoadBalancer S::load_balancer_action;
    "change_load_balancer_dns_ptr" POST "/load_balancers/{id}/actions/change_dns_ptr" LoadBalancer S::load_balancer_action;
    "change_load_balancer_protection" POST "/load_balancers/{id}/actions/change_protection" LoadBalancer S::protection_action;
    "change_load_balancer_type" POST "/load_balancers/{id}/actions/change_type" LoadBalancer S::load_balancer_action;
    "delete_load_balancer_service" POST "/load_balancers/{id}/actions/delete_service" LoadBalancer S::load_balancer_action;
    "detach_load_balancer_from_network" POST "/load_balancers/{id}/actions/detach_from_network" LoadBalancer S::load_balancer_action;
    "disable_load_balancer_public_interface" POST "/load_balancers/{id}/actions/disable_public_interface" LoadBalancer S::load_balancer_action;
    "enable_load_balancer_public_interface" POST "/load_balancers/{id}/actions/enable_public_interface" LoadBalancer S::load_balancer_action;
    "remove_load_balancer_target" POST "/load_balancers/{id}/actions/remove_target" LoadBalancer S::load_balancer_action;
    "update_load_balancer_service" POST "/load_balancers/{id}/actions/update_service" LoadBalancer S::load_balancer_action;
    "get_load_balancer_action" GET "/load_balancers/{id}/actions/{action_id}" LoadBalancer S::get_action;
    "get_load_balancer_metrics" GET "/load_balancers/{id}/metrics" LoadBalancer S::get_metrics;

    "list_locations" GET "/locations" Location S::list_resources;
    "get_location" GET "/locations/{id}" Location S::get_resource;

    "list_networks" GET "/networks" Network S::list_resources;
    "create_network" POST "/networks" Network S::create_network;
    "list_networks_actions" GET "/networks/actions" Network S::list_actions;
    "get_networks_action" GET "/networks/actions/{id}" Network S::get_action;
    "get_network" GET "/networks/{id}" Network S::get_resource;
    "update_network" PUT "/networks/{id}" Network S::update_resource;
    "delete_network" DELETE "/networks/{id}" Network S::delete_resource;
    "list_network_actions" GET "/networks/{id}/actions" Network S::list_actions;
    "add_network_route" POST "/networks/{id}/actions/add_route" Network S::network_action;
    "add_network_subnet" POST "/networks/{id}/actions/add_subnet" Network S::network_action;
    "change_network_ip_range" POST "/networks/{id}/actions/change_ip_range" Network S::network_action;
    "change_network_protection" POST "/networks/{id}/actions/change_protection" Network S::protection_action;
    "delete_network_route" POST "/networks/{id}/actions/delete_route" Network S::network_action;
    "delete_network_subnet" POST "/networks/{id}/actions/delete_subnet" Network S::network_action;
    "get_network_action" GET "/networks/{id}/actions/{action_id}" Network S::get_action;

    "list_placement_groups" GET "/placement_groups" PlacementGroup S::list_resources;
    "create_placement_group" POST "/placement_groups" PlacementGroup S::create_placement_group;
    "get_placement_group" GET "/placement_groups/{id}" PlacementGroup S::get_resource;
    "update_placement_group" PUT "/placement_groups/{id}" PlacementGroup S::update_resource;
    "delete_placement_group" DELETE "/placement_groups/{id}" PlacementGroup S::delete_resource;

    "get_pricing" GET "/pricing" Server S::get_pricing;

    "list_primary_ips" GET "/primary_ips" PrimaryIp S::list_resources;
    "create_primary_ip" POST "/primary_ips" PrimaryIp S::create_primary_ip;
    "list_primary_ips_actions" GET "/primary_ips/actions" PrimaryIp S::list_actions;
    "get_primary_ips_action" GET "/primary_ips/actions/{id}" PrimaryIp S::get_action;
    "list_primary_ip_actions" GET "/primary_ips/{id}/actions" PrimaryIp S::list_actions;
    "get_primary_ip_action" GET "/primary_ips/{id}/actions/{action_id}" PrimaryIp S::get_action;
    "get_primary_ip" GET "/primary_ips/{id}" PrimaryIp S::get_resource;
    "update_primary_ip" PUT "/primary_ips/{id}" PrimaryIp S::update_resource;
    "delete_primary_ip" DELETE "/primary_ips/{id}" PrimaryIp S::delete_resource;
    "assign_primary_ip" POST "/primary_ips/{id}/actions/assign" PrimaryIp S::primary_ip_action;
    "change_primary_ip_dns_ptr" POST "/primary_ips/{id}/actions/change_dns_ptr" PrimaryIp S::primary_ip_action;
    "change_primary_ip_protection" POST "/primary_ips/{id}/actions/change_protection" PrimaryIp S::protection_action;
    "unassign_primary_ip" POST "/primary_ips/{id}/actions/unassign" PrimaryIp S::primary_ip_action;

    "list_server_types" GET "/server_types" ServerType S::list_resources;
    "get_server_type" GET "/server_types/{id}" ServerType S::get_resource;

    "list_servers" GET "/servers" Server S::list_resources;
    "create_server" POST "/servers" Server S::create_server;
    "list_servers_actions" GET "/servers/actions" Server S::list_actions;
    "get_servers_action" GET "/servers/actions/{id}" Server S::get_action;
    "get_server" GET "/servers/{id}" Server S::get_resource;
    "update_server" PUT "/servers/{id}" Server S::update_resource;
    "delete_server" DELETE "/servers/{id}" Server S::delete_resource;
    "list_server_actions" GET "/servers/{id}/actions" Server S::list_actions;
    "add_server_to_placement_group" POST "/servers/{id}/actions/add_to_placement_group" Server S::server_action;
    "attach_server_iso" POST "/servers/{id}/actions/attach_iso" Server S::server_action;
    "attach_server_to_network" POST "/servers/{id}/actions/attach_to_network" Server S::server_action;
    "change_server_alias_ips" POST "/servers/{id}/actions/change_alias_ips" Server S::server_action;
    "change_server_dns_ptr" POST "/servers/{id}/actions/change_dns_ptr" Server S::server_action;
    "change_server_protection" POST "/servers/{id}/actions/change_protection" Server S::protection_action;
    "change_server_type" POST "/servers/{id}/actions/change_type" Server S::server_action;
    "create_server_image" POST "/servers/{id}/actions/create_image" Server S::server_action;
    "detach_server_from_network" POST "/servers/{id}/actions/detach_from_network" Server S::server_action;
    "detach_server_iso" POST "/servers/{id}/actions/detach_iso" Server S::server_action;
    "disable_server_backup" POST "/servers/{id}/actions/disable_backup" Server S::server_action;
    "disable_server_rescue" POST "/servers/{id}/actions/disable_rescue" Server S::server_action;
    "enable_server_backup" POST "/servers/{id}/actions/enable_backup" Server S::server_action;
    "enable_server_rescue" POST "/servers/{id}/actions/enable_rescue" Server S::server_action;
    "poweroff_server" POST "/servers/{id}/actions/poweroff" Server S::server_action;
    "poweron_server" POST "/servers/{id}/actions/poweron" Server S::server_action;
    "reboot_server" POST "/servers/{id}/actions/reboot" Server S::server_action;
    "rebuild_server" POST "/servers/{id}/actions/rebuild" Server S::server_action;
    "remove_server_from_placement_group" POST "/servers/{id}/actions/remove_from_placement_group" Server S::server_action;
    "request_server_console" POST "/servers/{id}/actions/request_console" Server S::server_action;
    "reset_server" POST "/servers/{id}/actions/reset" Server S::server_action;
    "reset_server_password" POST "/servers/{id}/actions/reset_password" Server S::server_action;
    "shutdown_server" POST "/servers/{id}/actions/shutdown" Server S::server_action;
    "get_server_action" GET "/servers/{id}/actions/{action_id}" Server S::get_action;
    "get_server_metrics" GET "/servers/{id}/metrics" Server S::get_metrics;

    "list_ssh_keys" GET "/ssh_keys" SshKey S::list_resources;
    "create_ssh_key" POST "/ssh_keys" SshKey S::create_ssh_key;
    "get_ssh_key" GET "/ssh_keys/{id}" SshKey S::get_resource;
    "update_ssh_key" PUT "/ssh_keys/{id}" SshKey S::update_resource;
    "delete_ssh_key" DELETE "/ssh_keys/{id}" SshKey S::delete_resource;

    "list_volumes" GET "/volumes" Volume S::list_resources;
    "create_volume" POST "/volumes" Volume S::create_volume;
    "list_volumes_actions" GET "/volumes/actions" Volume S::list_actions;
    "get_volumes_action" GET "/volumes/actions/{id}" Volume S::get_action;
    "get_volume" GET "/volumes/{id}" Volume S::get_resource;
    "update_volume" PUT "/volumes/{id}" Volume S::update_resource;
    "delete_volume" DELETE "/volumes/{id}" Volume S::delete_resource;
    "list_volume_actions" GET "/volumes/{id}/actions" Volume S::list_actions;
    "attach_volume" POST "/volumes/{id}/actions/attach" Volume S::volume_action;
    "change_volume_protection" POST "/volumes/{id}/actions/change_protection" Volume S::protection_action;
    "detach_volume" POST "/volumes/{id}/actions/detach" Volume S::volume_action;
    "resize_volume" POST "/volumes/{id}/actions/resize" Volume S::volume_action;
    "get_volume_action" GET "/volumes/{id}/actions/{action_id}" Volume S::get_action;

    "list_zones" GET "/zones" Zone S::list_resources;
    "create_zone" POST "/zones" Zone S::create_zone;
    "get_zone" GET "/zones/{id_or_name}" Zone S::get_resource;
    "update_zone" PUT "/zones/{id_or_name}" Zone S::update_resource;
    "delete_zone" DELETE "/zones/{id_or_name}" Zone S::delete_resource;
    "get_zone_zonefile" GET "/zones/{id_or_name}/zonefile" Zone S::get_zonefile;
    "list_zones_actions" GET "/zones/actions" Zone S::list_actions;
    "get_zones_action" GET "/zones/actions/{id}" Zone S::get_action;
    "list_zone_actions" GET "/zones/{id_or_name}/actions" Zone S::list_actions;
    "get_zone_action" GET "/zones/{id_or_name}/actions/{action_id}" Zone S::get_action;
    "change_zone_primary_nameservers" POST "/zones/{id_or_name}/actions/change_primary_nameservers" Zone S::zone_action;
    "change_zone_protection" POST "/zones/{id_or_name}/actions/change_protection" Zone S::protection_action;
    "change_zone_ttl" POST "/zones/{id_or_name}/actions/change_ttl" Zone S::zone_action;
    "import_zone_zonefile" POST "/zones/{id_or_name}/actions/import_zonefile" Zone S::zone_action;
    "list_zone_rrsets" GET "/zones/{id_or_name}/rrsets" Zone S::list_rrsets;
    "create_zone_rrset" POST "/zones/{id_or_name}/rrsets" Zone S::create_rrset;
    "get_zone_rrset" GET "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}" Zone S::get_rrset;
    "update_zone_rrset" PUT "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}" Zone S::update_rrset;
    "delete_zone_rrset" DELETE "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}" Zone S::delete_rrset;
    "change_zone_rrset_protection" POST "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/change_protection" Zone S::rrset_action;
    "change_zone_rrset_ttl" POST "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/change_ttl" Zone S::rrset_action;
    "set_zone_rrset_records" POST "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/set_records" Zone S::rrset_action;
    "add_zone_rrset_records" POST "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/add_records" Zone S::rrset_action;
    "remove_zone_rrset_records" POST "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/remove_records" Zone S::rrset_action;
    "update_zone_rrset_records" POST "/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/update_records" Zone S::rrset_action;
}

fn routes() -> &'static [Route] {
    static ROUTES: std::sync::OnceLock<Vec<Route>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(table)
}

/// Every operation the simulator answers: (operationId, method, path template).
pub fn operations() -> Vec<(&'static str, Method, &'static str)> {
    routes().iter().map(|r| (r.op, r.method.clone(), r.path)).collect()
}

/// Captured segments of a matched template.
#[derive(Default)]
struct Captures<'p> {
    id: &'p str,
    action_id: Option<u64>,
    rr_name: &'p str,
    rr_type: &'p str,
    literals: usize,
}

fn capture<'p>(template: &str, segments: &[&'p str]) -> Option<Captures<'p>> {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut c = Captures::default();
    for (part, seg) in parts.iter().zip(segments) {
        match *part {
            "{id}" | "{id_or_name}" if !seg.is_empty() => c.id = seg,
            // Action ids are numeric, so `/servers/1/actions/poweron` is not one.
            "{action_id}" => c.action_id = Some(seg.parse().ok()?),
            "{rr_name}" if !seg.is_empty() => c.rr_name = seg,
            "{rr_type}" if !seg.is_empty() => c.rr_type = seg,
            literal if literal == *seg => c.literals += 1,
            _ => return None,
        }
    }
    Some(c)
}

impl Simulator {
    /// Finds the operation for the request and runs it; `404`/`405` otherwise.
    pub(crate) fn route(&mut self, ctx: &Ctx<'_>) -> Handled {
        let decoded: Vec<String> =
            ctx.path.trim_start_matches('/').split('/').map(crate::util::percent_decode_path).collect();
        let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
        // The template with the most literal segments wins (`/servers/actions` over `/servers/{id}`).
        let mut best: Vec<(&Route, Captures<'_>)> = Vec::new();
        for route in routes() {
            let Some(c) = capture(route.path, &segments) else { continue };
            match best.first() {
                Some((_, b)) if b.literals > c.literals => {}
                Some((_, b)) if b.literals == c.literals => best.push((route, c)),
                _ => best = vec![(route, c)],
            }
        }
        if best.is_empty() {
            return Err(ApiError::not_found("resource"));
        }
        let Some(i) = best.iter().position(|(r, _)| r.method == *ctx.method) else {
            let mut allow: Vec<&str> = best.iter().map(|(r, _)| r.method.as_str()).collect();
            allow.push("OPTIONS");
            return Err(method_not_allowed_for(allow.join(", ")));
        };
        let (route, c) = best.swap_remove(i);
        let verb = route.path.rsplit('/').next().unwrap_or("");
        let req = Req {
            ctx,
            kind: route.kind,
            id_raw: c.id,
            action_id: c.action_id,
            rr_name: c.rr_name,
            rr_type: c.rr_type,
            verb,
            global: route.path.starts_with("/actions"),
        };
        (route.handler)(self, &req)
    }

    /// The resource the path names; `422` for a malformed id, `404` for a missing one.
    pub(crate) fn resolve_path(&self, req: &Req<'_>) -> Result<u64, ApiError> {
        if req.kind == Kind::Zone {
            let by_id = req.id_raw.parse::<u64>().ok().filter(|id| self.store.contains(Kind::Zone, *id));
            return by_id
                .or_else(|| self.store.by_name(Kind::Zone, req.id_raw))
                .ok_or_else(|| ApiError::not_found(&format!("Zone '{}'", req.id_raw)));
        }
        let id = parse_id(req.id_raw)?;
        if self.store.contains(req.kind, id) {
            Ok(id)
        } else {
            Err(ApiError::missing(req.kind, id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_operation_once() {
        let ops = operations();
        assert_eq!(ops.len(), 189);
        let mut ids: Vec<&str> = ops.iter().map(|o| o.0).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 189);
    }

    #[test]
    fn literal_segments_win() {
        let segs = ["servers", "actions"];
        assert_eq!(capture("/servers/actions", &segs).unwrap().literals, 2);
        assert_eq!(capture("/servers/{id}", &segs).unwrap().literals, 1);
        assert!(
            capture("/servers/{id}/actions/{action_id}", &["servers", "1", "actions", "poweron"]).is_none()
        );
    }
}
