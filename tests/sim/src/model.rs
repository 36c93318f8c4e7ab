//! In-memory resources and their JSON views.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use serde_json::value::RawValue;

use crate::catalog::Catalog;

/// Server statuses the API documents.
pub(crate) const SERVER_STATUSES: &[&str] = &[
    "running",
    "initializing",
    "starting",
    "stopping",
    "off",
    "deleting",
    "migrating",
    "rebuilding",
    "unknown",
];

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PrivateNet {
    pub network: u64,
    pub ip: String,
    pub alias_ips: Vec<String>,
    pub mac_address: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Server {
    pub id: u64,
    pub name: String,
    pub status: &'static str,
    pub created_at: Duration,
    pub created: String,
    pub server_type: usize,
    pub location: usize,
    pub image: usize,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
    pub private_net: Vec<PrivateNet>,
    pub firewalls: Vec<u64>,
    pub volumes: Vec<u64>,
    pub placement_group: Option<u64>,
    pub rescue_enabled: bool,
    pub backup_window: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Ids of this server's actions that have not finished; non-empty means locked.
    pub running: Vec<u64>,
}

/// What an action does to its server when it finishes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    /// `create_server`; `start` tells whether a `start_server` follows it.
    Create {
        start: bool,
    },
    Start,
    Stop {
        previous: &'static str,
    },
    Delete {
        previous: &'static str,
    },
    Rescue(bool),
    Backup(Option<String>),
    Nothing,
}

#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub id: u64,
    pub command: &'static str,
    pub started_at: Duration,
    pub started: String,
    pub finish_at: Duration,
    pub fails: bool,
    pub server: u64,
    pub effect: Effect,
    pub done: bool,
}

impl Action {
    pub(crate) fn status(&self) -> &'static str {
        match (self.done, self.fails) {
            (false, _) => "running",
            (true, false) => "success",
            (true, true) => "error",
        }
    }

    /// Linear in time while running; never 100 before the action is done.
    pub(crate) fn progress(&self, now: Duration) -> u32 {
        if self.done {
            return 100;
        }
        let total = self.finish_at.saturating_sub(self.started_at).as_secs_f64();
        if total <= 0.0 {
            return 99;
        }
        let elapsed = now.saturating_sub(self.started_at).as_secs_f64();
        ((elapsed / total * 100.0) as u32).min(99)
    }

    pub(crate) fn view(&self, now: Duration, epoch: i64) -> ActionView<'_> {
        ActionView {
            id: self.id,
            command: self.command,
            status: self.status(),
            progress: self.progress(now),
            started: &self.started,
            finished: self.done.then(|| crate::util::rfc3339(epoch, self.finish_at)),
            resources: [ResourceView { id: self.server, kind: "server" }],
            error: (self.done && self.fails)
                .then_some(ActionErrorView { code: "action_failed", message: "Action failed" }),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ResourceView {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ActionErrorView {
    pub code: &'static str,
    pub message: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ActionView<'a> {
    pub id: u64,
    pub command: &'a str,
    pub status: &'static str,
    pub progress: u32,
    pub started: &'a str,
    pub finished: Option<String>,
    pub resources: [ResourceView; 1],
    pub error: Option<ActionErrorView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Ipv4View<'a> {
    pub id: u64,
    pub ip: &'a str,
    pub blocked: bool,
    pub dns_ptr: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DnsPtrView {
    pub ip: String,
    pub dns_ptr: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Ipv6View<'a> {
    pub id: u64,
    pub ip: &'a str,
    pub blocked: bool,
    pub dns_ptr: Vec<DnsPtrView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FirewallView {
    pub id: u64,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct PublicNetView<'a> {
    pub ipv4: Option<Ipv4View<'a>>,
    pub ipv6: Option<Ipv6View<'a>>,
    pub floating_ips: [u64; 0],
    pub firewalls: Vec<FirewallView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ProtectionView {
    pub delete: bool,
    pub rebuild: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct PlacementGroupView<'a> {
    pub id: u64,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created: &'a str,
    pub servers: &'a [u64],
}

#[derive(Debug, Serialize)]
pub(crate) struct ServerView<'a> {
    pub id: u64,
    pub name: &'a str,
    pub status: &'static str,
    pub created: &'a str,
    pub public_net: PublicNetView<'a>,
    pub private_net: &'a [PrivateNet],
    pub server_type: &'a RawValue,
    pub location: &'a RawValue,
    pub image: Option<&'a RawValue>,
    pub iso: Option<()>,
    pub rescue_enabled: bool,
    pub locked: bool,
    pub backup_window: Option<&'a str>,
    pub outgoing_traffic: Option<u64>,
    pub ingoing_traffic: Option<u64>,
    pub included_traffic: Option<u64>,
    pub protection: ProtectionView,
    pub labels: &'a BTreeMap<String, String>,
    pub volumes: &'a [u64],
    pub load_balancers: [u64; 0],
    pub primary_disk_size: u32,
    pub placement_group: Option<PlacementGroupView<'a>>,
}

/// `static.4.3.2.1.clients.your-server.de`, the shape of the API's default reverse DNS.
fn default_ptr(ipv4: &str) -> String {
    let mut parts: Vec<&str> = ipv4.split('.').collect();
    parts.reverse();
    format!("static.{}.clients.your-server.de", parts.join("."))
}

impl Server {
    pub(crate) fn view<'a>(
        &'a self,
        catalog: &'a Catalog,
        placement_groups: &'a BTreeMap<u64, Vec<u64>>,
    ) -> ServerView<'a> {
        let server_type = &catalog.server_types[self.server_type];
        let location = &catalog.locations[self.location];
        let included =
            server_type.prices.iter().find(|p| p.location == location.name).map(|p| p.included_traffic);
        ServerView {
            id: self.id,
            name: &self.name,
            status: self.status,
            created: &self.created,
            public_net: PublicNetView {
                ipv4: self.ipv4.as_deref().map(|ip| Ipv4View {
                    id: 1_000_000 + self.id,
                    ip,
                    blocked: false,
                    dns_ptr: default_ptr(ip),
                }),
                ipv6: self.ipv6.as_deref().map(|ip| Ipv6View {
                    id: 2_000_000 + self.id,
                    ip,
                    blocked: false,
                    dns_ptr: Vec::new(),
                }),
                floating_ips: [],
                firewalls: self.firewalls.iter().map(|&id| FirewallView { id, status: "applied" }).collect(),
            },
            private_net: &self.private_net,
            server_type: &catalog.server_types_json[self.server_type],
            location: &catalog.locations_json[self.location],
            image: Some(&catalog.images_json[self.image]),
            iso: None,
            rescue_enabled: self.rescue_enabled,
            locked: false,
            backup_window: self.backup_window.as_deref(),
            outgoing_traffic: Some(0),
            ingoing_traffic: Some(0),
            included_traffic: included,
            protection: ProtectionView { delete: false, rebuild: false },
            labels: &self.labels,
            volumes: &self.volumes,
            load_balancers: [],
            primary_disk_size: server_type.disk,
            placement_group: self.placement_group.map(|id| PlacementGroupView {
                id,
                name: format!("placement-group-{id}"),
                labels: BTreeMap::new(),
                kind: "spread",
                created: &self.created,
                servers: placement_groups.get(&id).map_or(&[][..], Vec::as_slice),
            }),
        }
    }
}

/// `meta.pagination` of list responses.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub(crate) struct Pagination {
    pub page: u64,
    pub per_page: u64,
    pub previous_page: Option<u64>,
    pub next_page: Option<u64>,
    pub last_page: Option<u64>,
    pub total_entries: Option<u64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Meta {
    pub pagination: Pagination,
}
