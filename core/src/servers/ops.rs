//! Operations on servers: list, get, create, update, delete, rescue mode and backups.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::model::{RescueType, RootPassword, Server, ServerStatus};
use crate::actions::{Action, ActionEnvelope};
use crate::config::Config;
use crate::error::{Error, InputError};
use crate::ids::{FirewallId, NetworkId, PlacementGroupId, PrimaryIpId, ServerId, SshKeyId, VolumeId};
use crate::meta::ListMeta;
use crate::operation::Operation;
use crate::paginate::{PageCursor, Paged};
use crate::validate;
use crate::wire::{self, HttpRequest, HttpResponse, Query};

/// A field servers can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortField {
    /// By id.
    Id,
    /// By name.
    Name,
    /// By creation time.
    Created,
}

/// A sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortDirection {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// One `sort` key: a field and an optional direction (the API's default is ascending).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The field.
    pub field: SortField,
    /// The direction, if given.
    pub direction: Option<SortDirection>,
}

impl Sort {
    /// Ascending by `field`.
    pub const fn asc(field: SortField) -> Self {
        Self { field, direction: Some(SortDirection::Asc) }
    }

    /// Descending by `field`.
    pub const fn desc(field: SortField) -> Self {
        Self { field, direction: Some(SortDirection::Desc) }
    }

    fn wire(self) -> &'static str {
        use SortDirection::*;
        use SortField::*;
        match (self.field, self.direction) {
            (Id, None) => "id",
            (Id, Some(Asc)) => "id:asc",
            (Id, Some(Desc)) => "id:desc",
            (Name, None) => "name",
            (Name, Some(Asc)) => "name:asc",
            (Name, Some(Desc)) => "name:desc",
            (Created, None) => "created",
            (Created, Some(Asc)) => "created:asc",
            (Created, Some(Desc)) => "created:desc",
        }
    }
}

/// Most entries the API returns per page.
pub const MAX_PER_PAGE: u64 = 50;

/// `GET /servers`: one page of servers, optionally filtered.
///
/// Query pairs are always emitted in this order: `name`, `label_selector`, `status`
/// (repeated), `sort` (repeated), `page`, `per_page`. Use [`crate::paginate::Paginator`] to
/// walk every page.
///
/// Errors: an input error for `page` 0 or `per_page` outside 1..=50.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListServers {
    /// Only the server with exactly this name.
    pub name: Option<String>,
    /// Only servers matching this label selector, such as `env=prod,!tmp`.
    pub label_selector: Option<String>,
    /// Only servers in one of these statuses.
    pub status: Vec<ServerStatus>,
    /// Sort keys, applied in order.
    pub sort: Vec<Sort>,
    /// The page to fetch (the first is 1).
    pub page: Option<u64>,
    /// Entries per page (1 to 50).
    pub per_page: Option<u64>,
}

impl ListServers {
    /// All servers, unfiltered.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the server with exactly this name.
    pub fn by_name(name: impl Into<String>) -> Self {
        Self { name: Some(name.into()), ..Self::default() }
    }
}

/// One page of servers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerPage {
    /// The servers on this page.
    pub servers: Vec<Server>,
    /// Pagination details.
    pub meta: ListMeta,
}

impl Operation for ListServers {
    type Output = ServerPage;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        if self.page == Some(0) {
            return Err(InputError::new("page", "pages start at 1").into());
        }
        if let Some(per_page) = self.per_page {
            if per_page == 0 || per_page > MAX_PER_PAGE {
                return Err(InputError::new(
                    "per_page",
                    format!("must be 1 to {MAX_PER_PAGE}, got {per_page}"),
                )
                .into());
            }
        }
        let mut query = Query::default();
        query.push_opt("name", self.name.as_deref());
        query.push_opt("label_selector", self.label_selector.as_deref());
        for status in &self.status {
            query.push("status", status);
        }
        for sort in &self.sort {
            query.push("sort", sort.wire());
        }
        query.push_opt("page", self.page);
        query.push_opt("per_page", self.per_page);
        wire::build(cfg, Method::GET, "/servers", &query, None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<ServerPage, Error> {
        wire::decode(&resp)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

impl Paged for ListServers {
    type Item = Server;

    fn at_page(&self, page: u64, per_page: u64) -> Self {
        Self { page: Some(page), per_page: Some(per_page), ..self.clone() }
    }

    fn into_parts(page: ServerPage) -> (Vec<Server>, ListMeta) {
        (page.servers, page.meta)
    }

    fn start(&self) -> PageCursor {
        let default = PageCursor::default();
        PageCursor {
            next_page: Some(self.page.unwrap_or(1)),
            per_page: self.per_page.unwrap_or(default.per_page),
        }
    }
}

#[derive(Deserialize)]
struct ServerEnvelope {
    server: Server,
}

/// `GET /servers/{id}`: one server.
///
/// Errors: `not_found` (see [`Error::is_not_found`]) when it does not exist; an input error
/// for id 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetServer {
    /// The server to read.
    pub id: ServerId,
}

impl Operation for GetServer {
    type Output = Server;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        validate::id("id", self.id.0)?;
        wire::build(cfg, Method::GET, &format!("/servers/{}", self.id), &Query::default(), None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Server, Error> {
        wire::decode::<ServerEnvelope>(&resp).map(|e| e.server)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// Options of the public interface of a new server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CreatePublicNet {
    /// Attach an IPv4 address (the API's default is yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ipv4: Option<bool>,
    /// Attach an IPv6 network (the API's default is yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ipv6: Option<bool>,
    /// Use this existing IPv4 primary IP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<PrimaryIpId>,
    /// Use this existing IPv6 primary IP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<PrimaryIpId>,
}

/// `POST /servers`: creates a server.
///
/// Returns the server, the `create_server` action, any next actions (a `start_server` when
/// it starts after creation) and a root password when no SSH key was given.
///
/// Errors: input errors for a bad name, labels or oversize `user_data`; from the API
/// `uniqueness_error` for a taken name, `invalid_input`, `resource_limit_exceeded`,
/// `resource_unavailable`, `placement_error`, `primary_ip_*` and others. Not idempotent: an
/// ambiguous failure is not resent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateServer {
    /// The server's name; a hostname per RFC 1123, unique per project.
    pub name: String,
    /// Server type name or id, such as `cpx22`.
    pub server_type: String,
    /// Image name or id, such as `ubuntu-24.04`.
    pub image: String,
    /// Location name or id, such as `fsn1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Power on after creation (the API's default is yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_after_create: Option<bool>,
    /// SSH key names or ids to install. Without any, a root password is returned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ssh_keys: Vec<String>,
    /// Cloud-init user data, at most 32 KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// User labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Private networks to attach.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<NetworkId>,
    /// Firewalls to apply to the public interface.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "firewall_refs")]
    pub firewalls: Vec<FirewallId>,
    /// Volumes to attach (in the same location).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<VolumeId>,
    /// Mount the volumes automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount: Option<bool>,
    /// Placement group to join.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement_group: Option<PlacementGroupId>,
    /// Public interface options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_net: Option<CreatePublicNet>,
}

fn firewall_refs<S: serde::Serializer>(ids: &[FirewallId], serializer: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct FirewallRef {
        firewall: FirewallId,
    }
    serializer.collect_seq(ids.iter().map(|&firewall| FirewallRef { firewall }))
}

impl CreateServer {
    /// A server with the three required fields; the rest take the API's defaults.
    pub fn new(name: impl Into<String>, server_type: impl Into<String>, image: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            server_type: server_type.into(),
            image: image.into(),
            location: None,
            start_after_create: None,
            ssh_keys: Vec::new(),
            user_data: None,
            labels: BTreeMap::new(),
            networks: Vec::new(),
            firewalls: Vec::new(),
            volumes: Vec::new(),
            automount: None,
            placement_group: None,
            public_net: None,
        }
    }

    fn validate(&self) -> Result<(), InputError> {
        validate::server_name("name", &self.name)?;
        if self.server_type.trim().is_empty() {
            return Err(InputError::new("server_type", "must not be empty"));
        }
        if self.image.trim().is_empty() {
            return Err(InputError::new("image", "must not be empty"));
        }
        if let Some(data) = &self.user_data {
            validate::user_data(data)?;
        }
        validate::labels(&self.labels)?;
        for id in &self.networks {
            validate::id("networks", id.0)?;
        }
        for id in &self.firewalls {
            validate::id("firewalls", id.0)?;
        }
        for id in &self.volumes {
            validate::id("volumes", id.0)?;
        }
        if let Some(group) = self.placement_group {
            validate::id("placement_group", group.0)?;
        }
        Ok(())
    }
}

/// What creating a server returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedServer {
    /// The new server (usually `initializing`).
    pub server: Server,
    /// The `create_server` action.
    pub action: Action,
    /// Actions that follow, such as `start_server`.
    pub next_actions: Vec<Action>,
    /// The root password, when no SSH key was given.
    pub root_password: Option<RootPassword>,
}

impl CreatedServer {
    /// The create action followed by the next actions: everything to wait for.
    pub fn all_actions(&self) -> impl Iterator<Item = &Action> {
        std::iter::once(&self.action).chain(&self.next_actions)
    }
}

impl Operation for CreateServer {
    type Output = CreatedServer;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        self.validate()?;
        let body = serde_json::to_value(self).expect("CreateServer always serializes");
        wire::build(cfg, Method::POST, "/servers", &Query::default(), Some(&body))
    }

    fn parse(&self, resp: HttpResponse) -> Result<CreatedServer, Error> {
        wire::decode(&resp)
    }

    fn idempotent(&self) -> bool {
        false
    }
}

/// `PUT /servers/{id}`: changes a server's name and/or labels.
///
/// Errors: `not_found`; `uniqueness_error` for a taken name; input errors for a bad name,
/// bad labels, id 0 or nothing to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateServer {
    /// The server to change.
    pub id: ServerId,
    /// Its new name.
    pub name: Option<String>,
    /// Its new labels, replacing all existing ones.
    pub labels: Option<BTreeMap<String, String>>,
}

impl UpdateServer {
    /// A rename.
    pub fn rename(id: ServerId, name: impl Into<String>) -> Self {
        Self { id, name: Some(name.into()), labels: None }
    }
}

impl Operation for UpdateServer {
    type Output = Server;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        validate::id("id", self.id.0)?;
        let mut body = serde_json::Map::new();
        if let Some(name) = &self.name {
            validate::server_name("name", name)?;
            body.insert("name".into(), json!(name));
        }
        if let Some(labels) = &self.labels {
            validate::labels(labels)?;
            body.insert("labels".into(), json!(labels));
        }
        if body.is_empty() {
            return Err(
                InputError::new("name", "give a new name or new labels; there is nothing to change").into()
            );
        }
        let body = serde_json::Value::Object(body);
        wire::build(cfg, Method::PUT, &format!("/servers/{}", self.id), &Query::default(), Some(&body))
    }

    fn parse(&self, resp: HttpResponse) -> Result<Server, Error> {
        wire::decode::<ServerEnvelope>(&resp).map(|e| e.server)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// `DELETE /servers/{id}`: deletes a server; returns the `delete_server` action.
///
/// Errors: `not_found`; `protected` when delete protection is on; `locked`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteServer {
    /// The server to delete.
    pub id: ServerId,
}

impl Operation for DeleteServer {
    type Output = Action;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        validate::id("id", self.id.0)?;
        wire::build(cfg, Method::DELETE, &format!("/servers/{}", self.id), &Query::default(), None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Action, Error> {
        wire::decode::<ActionEnvelope>(&resp).map(|e| e.action)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// `POST /servers/{id}/actions/enable_rescue`: boots into a rescue system on the next
/// reboot; returns the rescue root password and the action.
///
/// Errors: `not_found`; `locked`; input errors for id 0 or an SSH key id 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnableRescue {
    /// The server.
    pub id: ServerId,
    /// The rescue system (the API's default is `linux64`).
    pub rescue_type: Option<RescueType>,
    /// SSH keys to install in the rescue system.
    pub ssh_keys: Vec<SshKeyId>,
}

/// What enabling rescue mode returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RescueEnabled {
    /// The rescue system's root password.
    pub root_password: Option<RootPassword>,
    /// The `enable_rescue` action.
    pub action: Action,
}

impl Operation for EnableRescue {
    type Output = RescueEnabled;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        validate::id("id", self.id.0)?;
        let mut body = serde_json::Map::new();
        if let Some(kind) = &self.rescue_type {
            body.insert("type".into(), json!(kind.as_str()));
        }
        if !self.ssh_keys.is_empty() {
            for key in &self.ssh_keys {
                validate::id("ssh_keys", key.0)?;
            }
            body.insert("ssh_keys".into(), json!(self.ssh_keys));
        }
        let body = serde_json::Value::Object(body);
        let path = format!("/servers/{}/actions/enable_rescue", self.id);
        wire::build(cfg, Method::POST, &path, &Query::default(), Some(&body))
    }

    fn parse(&self, resp: HttpResponse) -> Result<RescueEnabled, Error> {
        wire::decode(&resp)
    }

    fn idempotent(&self) -> bool {
        false
    }
}

/// A server action without a body that returns only its action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum SimpleAction {
    DisableRescue,
    EnableBackup,
    DisableBackup,
}

impl SimpleAction {
    fn request(self, cfg: &Config, id: ServerId) -> Result<HttpRequest, Error> {
        validate::id("id", id.0)?;
        let verb = match self {
            SimpleAction::DisableRescue => "disable_rescue",
            SimpleAction::EnableBackup => "enable_backup",
            SimpleAction::DisableBackup => "disable_backup",
        };
        wire::build(cfg, Method::POST, &format!("/servers/{id}/actions/{verb}"), &Query::default(), None)
    }
}

macro_rules! simple_action {
    ($(#[$doc:meta])* $name:ident => $kind:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            /// The server.
            pub id: ServerId,
        }

        impl Operation for $name {
            type Output = Action;

            fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
                SimpleAction::$kind.request(cfg, self.id)
            }

            fn parse(&self, resp: HttpResponse) -> Result<Action, Error> {
                wire::decode::<ActionEnvelope>(&resp).map(|e| e.action)
            }

            fn idempotent(&self) -> bool {
                false
            }
        }
    };
}

simple_action! {
    /// `POST /servers/{id}/actions/disable_rescue`: the next reboot boots normally again.
    ///
    /// Errors: `not_found`; `locked`.
    DisableRescue => DisableRescue
}

simple_action! {
    /// `POST /servers/{id}/actions/enable_backup`: daily backups into seven slots, for 20%
    /// more of the server's price.
    ///
    /// Errors: `not_found`; `locked`.
    EnableBackup => EnableBackup
}

simple_action! {
    /// `POST /servers/{id}/actions/disable_backup`: stops backups and deletes existing ones.
    ///
    /// Errors: `not_found`; `locked`.
    DisableBackup => DisableBackup
}
