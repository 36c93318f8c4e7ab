//! Servers: the model, every operation on servers and their actions, and waiting for a
//! server to reach a status.
//!
//! ```
//! use hcloud_core::servers::{CreateServer, ListServers, ServerSortField};
//! use hcloud_core::sort::Sort;
//! use hcloud_core::{Config, Operation, ServerStatus};
//!
//! let cfg = Config::new("token")?;
//! let list = ListServers {
//!     status: vec![ServerStatus::Running],
//!     sort: vec![Sort::desc(ServerSortField::Created)],
//!     ..ListServers::all()
//! };
//! assert_eq!(
//!     list.to_request(&cfg)?.uri(),
//!     "https://api.hetzner.cloud/v1/servers?status=running&sort=created%3Adesc"
//! );
//! let create = CreateServer::new("web-1", "cpx22", "ubuntu-24.04");
//! assert_eq!(create.to_request(&cfg)?.method(), "POST");
//! # Ok::<(), hcloud_core::Error>(())
//! ```

mod generated;

use serde::{Deserialize, Serialize};

pub use generated::*;

// Types that belong to other resources but are part of a server, where they were found
// before every resource had a module of its own.
pub use crate::common::{Architecture, Deprecation};
pub use crate::images::{Image, ImageCreatedFrom, ImageProtection, ImageStatus, ImageType};
pub use crate::isos::Iso;
pub use crate::locations::Location;
pub use crate::paginate::MAX_PER_PAGE;
pub use crate::placement_groups::PlacementGroup;
pub use crate::pricing::Price;
pub use crate::secret::RootPassword;
pub use crate::server_types::{CpuType, ServerType, ServerTypeLocation, ServerTypePrice, StorageType};
pub use crate::sort::SortDirection;

use crate::actions::Action;
use crate::config::Config;
use crate::error::Error;
use crate::ids::{FirewallId, ServerId};
use crate::open_enum::open_enum;
use crate::retry::RetryPolicy;
use crate::wait::{PollUntil, WaitPolicy};

/// The fields servers can be sorted by.
pub type SortField = ServerSortField;

/// One `sort` key of a server list.
pub type Sort = crate::sort::Sort<ServerSortField>;

open_enum! {
    /// The UTC time window in which the daily backup runs.
    BackupWindow {
        /// 22:00 to 02:00 UTC.
        W22To02 => "22-02",
        /// 02:00 to 06:00 UTC.
        W02To06 => "02-06",
        /// 06:00 to 10:00 UTC.
        W06To10 => "06-10",
        /// 10:00 to 14:00 UTC.
        W10To14 => "10-14",
        /// 14:00 to 18:00 UTC.
        W14To18 => "14-18",
        /// 18:00 to 22:00 UTC.
        W18To22 => "18-22",
    }
}

open_enum! {
    /// Type of rescue system. The API currently offers only `linux64`; the other two were
    /// offered in the past and are kept so old values still parse to named variants.
    RescueType {
        /// 64-bit Linux.
        Linux64 => "linux64",
        /// 32-bit Linux (retired).
        Linux32 => "linux32",
        /// 64-bit FreeBSD (retired).
        Freebsd64 => "freebsd64",
    }
}

/// `firewalls` of a create request are objects naming one firewall each.
fn firewall_refs<S: serde::Serializer>(ids: &[FirewallId], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ids.iter().map(|&firewall| FirewallRef { firewall }))
}

fn firewall_ids<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<FirewallId>, D::Error> {
    let refs = Vec::<FirewallRef>::deserialize(deserializer)?;
    Ok(refs.into_iter().map(|r| r.firewall).collect())
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FirewallRef {
    firewall: FirewallId,
}

impl Server {
    /// Whether backups are enabled (the API signals this with a backup window).
    pub fn backups_enabled(&self) -> bool {
        self.backup_window.is_some()
    }
}

impl CreatedServer {
    /// The create action followed by the next actions: everything to wait for.
    pub fn all_actions(&self) -> impl Iterator<Item = &Action> {
        std::iter::once(&self.action).chain(&self.next_actions)
    }
}

impl UpdateServer {
    /// A rename.
    pub fn rename(id: ServerId, name: impl Into<String>) -> Self {
        Self { id, name: Some(name.into()), labels: None }
    }
}

/// The machine [`PollUntil::server_status`] returns.
pub type ServerStatusWait = PollUntil<GetServer, Box<dyn FnMut(&Server) -> Result<bool, Error> + Send>>;

impl ServerStatusWait {
    /// `server.wait_until_status_is(status)`: polls the server until its status is `status`.
    pub fn server_status(
        id: ServerId,
        status: ServerStatus,
        cfg: &Config,
        policy: WaitPolicy,
        retry: RetryPolicy,
        seed: u64,
    ) -> Self {
        let what = format!("server {id} to be {status}");
        let condition = Box::new(move |server: &Server| Ok(server.status == status));
        Self::new(GetServer { id }, condition, what, cfg, policy, retry, seed)
    }
}

crate::recover::recoverable! {
    CreateServer => Server via ListServers, "server",
    name(asked) Some(&asked.name),
    created(output: CreatedServer) &output.server,
    actions,
    running(server) server.id,
    differ(asked, found) {
        "server_type": Some(&asked.server_type) => [found.server_type.name, found.server_type.id],
        "location": asked.location.as_ref() => [found.location.name, found.location.id],
    },
}
