//! The four listings every resource kind with actions has, as four generic operations.

use std::fmt;
use std::marker::PhantomData;

use http::Method;
use serde::Deserialize;

use super::{Action, ActionPage, ActionSortField, ActionStatus};
use crate::config::Config;
use crate::error::{Error, InputError};
use crate::ids::ActionId;
use crate::meta::ListMeta;
use crate::operation::{Endpoint, Operation};
use crate::paginate::{PageCursor, Paged};
use crate::sort::Sort;
use crate::validate;
use crate::wire::{self, HttpRequest, HttpResponse, Query};

/// A kind of resource that has actions, named by its id type (`ServerId`, `VolumeId`, …, or
/// `IdOrName<ZoneId>` for zones, which the API also addresses by name).
///
/// The constants name the kind's path segment and the `operationId`s of its four listings, as
/// the API document has them.
pub trait ActionOwner: Clone + fmt::Debug + fmt::Display + PartialEq + Send + Sync + 'static {
    /// The path segment of the kind, such as `servers`.
    const COLLECTION: &'static str;
    /// The name of the path parameter that holds the owner: `id`, or `id_or_name`.
    const PARAM: &'static str;
    /// `operationId` of `GET /{kind}/actions`.
    const LIST_KIND: &'static str;
    /// `operationId` of `GET /{kind}/actions/{id}`.
    const GET_KIND: &'static str;
    /// `operationId` of `GET /{kind}/{id}/actions`.
    const LIST_OWN: &'static str;
    /// `operationId` of `GET /{kind}/{id}/actions/{action_id}`.
    const GET_OWN: &'static str;
    /// Path template of `GET /{kind}/actions`.
    const LIST_KIND_PATH: &'static str;
    /// Path template of `GET /{kind}/actions/{id}`.
    const GET_KIND_PATH: &'static str;
    /// Path template of `GET /{kind}/{id}/actions`.
    const LIST_OWN_PATH: &'static str;
    /// Path template of `GET /{kind}/{id}/actions/{action_id}`.
    const GET_OWN_PATH: &'static str;

    /// Checks the owner before it is sent (ids are positive, names not empty).
    fn check(&self, field: &str) -> Result<(), InputError>;
}

fn query(
    status: &[ActionStatus],
    sort: &[Sort<ActionSortField>],
    page: Option<u64>,
    per_page: Option<u64>,
) -> Query {
    let mut query = Query::default();
    for value in status {
        query.push("status", value);
    }
    for value in sort {
        query.push("sort", value);
    }
    query.push_opt("page", page);
    query.push_opt("per_page", per_page);
    query
}

/// `GET /{kind}/actions`: the actions of every resource of one kind, such as
/// `ListKindActions::<ServerId>::all()` for `GET /servers/actions`.
///
/// Query pairs go out in this order: `id` (repeated), `status` (repeated), `sort` (repeated),
/// `page`, `per_page`. Walk every page with [`Paginator`](crate::Paginator).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListKindActions<I> {
    /// Only these actions.
    #[serde(default)]
    pub id: Vec<ActionId>,
    /// Only actions in one of these statuses.
    #[serde(default)]
    pub status: Vec<ActionStatus>,
    /// Sort keys, applied in order.
    #[serde(default)]
    pub sort: Vec<Sort<ActionSortField>>,
    /// The page to fetch (the first is 1).
    #[serde(default)]
    pub page: Option<u64>,
    /// Entries per page (1 to 50).
    #[serde(default)]
    pub per_page: Option<u64>,
    #[serde(skip)]
    kind: PhantomData<fn() -> I>,
}

impl<I> Default for ListKindActions<I> {
    fn default() -> Self {
        Self {
            id: Vec::new(),
            status: Vec::new(),
            sort: Vec::new(),
            page: None,
            per_page: None,
            kind: PhantomData,
        }
    }
}

impl<I: ActionOwner> ListKindActions<I> {
    /// Every action of the kind.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only actions in `status` (repeatable).
    pub fn status(mut self, status: ActionStatus) -> Self {
        self.status.push(status);
        self
    }

    /// Sorted by `sort`, after any earlier keys.
    pub fn sort(mut self, sort: impl Into<Sort<ActionSortField>>) -> Self {
        self.sort.push(sort.into());
        self
    }
}

impl<I: ActionOwner> Operation for ListKindActions<I> {
    type Output = ActionPage;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        for id in &self.id {
            validate::id("id", id.get())?;
        }
        validate::paging(self.page, self.per_page)?;
        let mut ids = Query::default();
        for id in &self.id {
            ids.push("id", id);
        }
        let query = ids.then(query(&self.status, &self.sort, self.page, self.per_page));
        wire::build(cfg, Method::GET, &format!("/{}/actions", I::COLLECTION), &query, None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<ActionPage, Error> {
        wire::decode(&resp)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

impl<I: ActionOwner> Endpoint for ListKindActions<I> {
    const OPERATION_ID: &'static str = I::LIST_KIND;
    const METHOD: &'static str = "GET";
    const PATH: &'static str = I::LIST_KIND_PATH;
}

impl<I: ActionOwner> Paged for ListKindActions<I> {
    type Item = Action;

    fn at_page(&self, page: u64, per_page: u64) -> Self {
        Self { page: Some(page), per_page: Some(per_page), ..self.clone() }
    }

    fn into_parts(page: ActionPage) -> (Vec<Action>, ListMeta) {
        (page.actions, page.meta)
    }

    fn start(&self) -> PageCursor {
        PageCursor::starting_at(self.page, self.per_page)
    }
}

/// `GET /{kind}/actions/{id}`: one action of a kind, such as `GET /servers/actions/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetKindAction<I> {
    /// The action.
    pub id: ActionId,
    #[serde(skip)]
    kind: PhantomData<fn() -> I>,
}

impl<I: ActionOwner> GetKindAction<I> {
    /// The action `id`, read through its kind's path.
    pub fn new(id: ActionId) -> Self {
        Self { id, kind: PhantomData }
    }
}

impl<I: ActionOwner> Operation for GetKindAction<I> {
    type Output = Action;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        validate::id("id", self.id.get())?;
        let path = format!("/{}/actions/{}", I::COLLECTION, self.id);
        wire::build(cfg, Method::GET, &path, &Query::default(), None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Action, Error> {
        wire::decode_member(&resp, "action")
    }

    fn idempotent(&self) -> bool {
        true
    }
}

impl<I: ActionOwner> Endpoint for GetKindAction<I> {
    const OPERATION_ID: &'static str = I::GET_KIND;
    const METHOD: &'static str = "GET";
    const PATH: &'static str = I::GET_KIND_PATH;
}

/// `GET /{kind}/{id}/actions`: the actions of one resource, such as
/// `ListActionsOf::new(ServerId(42))` for `GET /servers/42/actions`.
///
/// Query pairs go out in this order: `status` (repeated), `sort` (repeated), `page`,
/// `per_page`. Walk every page with [`Paginator`](crate::Paginator).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListActionsOf<I> {
    /// The resource.
    #[serde(rename = "id", alias = "id_or_name")]
    pub owner: I,
    /// Only actions in one of these statuses.
    #[serde(default)]
    pub status: Vec<ActionStatus>,
    /// Sort keys, applied in order.
    #[serde(default)]
    pub sort: Vec<Sort<ActionSortField>>,
    /// The page to fetch (the first is 1).
    #[serde(default)]
    pub page: Option<u64>,
    /// Entries per page (1 to 50).
    #[serde(default)]
    pub per_page: Option<u64>,
}

impl<I: ActionOwner> ListActionsOf<I> {
    /// Every action of `owner`.
    pub fn new(owner: I) -> Self {
        Self { owner, status: Vec::new(), sort: Vec::new(), page: None, per_page: None }
    }

    /// Only actions in `status` (repeatable).
    pub fn status(mut self, status: ActionStatus) -> Self {
        self.status.push(status);
        self
    }

    /// Sorted by `sort`, after any earlier keys.
    pub fn sort(mut self, sort: impl Into<Sort<ActionSortField>>) -> Self {
        self.sort.push(sort.into());
        self
    }
}

impl<I: ActionOwner> Operation for ListActionsOf<I> {
    type Output = ActionPage;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        self.owner.check(I::PARAM)?;
        validate::paging(self.page, self.per_page)?;
        let query = query(&self.status, &self.sort, self.page, self.per_page);
        let path = format!("/{}/{}/actions", I::COLLECTION, wire::segment(&self.owner.to_string()));
        wire::build(cfg, Method::GET, &path, &query, None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<ActionPage, Error> {
        wire::decode(&resp)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

impl<I: ActionOwner> Endpoint for ListActionsOf<I> {
    const OPERATION_ID: &'static str = I::LIST_OWN;
    const METHOD: &'static str = "GET";
    const PATH: &'static str = I::LIST_OWN_PATH;
}

impl<I: ActionOwner> Paged for ListActionsOf<I> {
    type Item = Action;

    fn at_page(&self, page: u64, per_page: u64) -> Self {
        Self { page: Some(page), per_page: Some(per_page), ..self.clone() }
    }

    fn into_parts(page: ActionPage) -> (Vec<Action>, ListMeta) {
        (page.actions, page.meta)
    }

    fn start(&self) -> PageCursor {
        PageCursor::starting_at(self.page, self.per_page)
    }
}

/// `GET /{kind}/{id}/actions/{action_id}`: one action of one resource.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetActionOf<I> {
    /// The resource.
    #[serde(rename = "id", alias = "id_or_name")]
    pub owner: I,
    /// The action.
    pub action_id: ActionId,
}

impl<I: ActionOwner> GetActionOf<I> {
    /// The action `action_id` of `owner`.
    pub fn new(owner: I, action_id: ActionId) -> Self {
        Self { owner, action_id }
    }
}

impl<I: ActionOwner> Operation for GetActionOf<I> {
    type Output = Action;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        self.owner.check(I::PARAM)?;
        validate::id("action_id", self.action_id.get())?;
        let owner = wire::segment(&self.owner.to_string());
        let path = format!("/{}/{owner}/actions/{}", I::COLLECTION, self.action_id);
        wire::build(cfg, Method::GET, &path, &Query::default(), None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Action, Error> {
        wire::decode_member(&resp, "action")
    }

    fn idempotent(&self) -> bool {
        true
    }
}

impl<I: ActionOwner> Endpoint for GetActionOf<I> {
    const OPERATION_ID: &'static str = I::GET_OWN;
    const METHOD: &'static str = "GET";
    const PATH: &'static str = I::GET_OWN_PATH;
}
