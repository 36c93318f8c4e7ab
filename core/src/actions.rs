//! Actions: the API's asynchronous tasks, and the operations that read them.

use std::collections::BTreeSet;

use http::Method;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::config::Config;
use crate::error::Error;
use crate::ids::ActionId;
use crate::open_enum::open_enum;
use crate::operation::Operation;
use crate::validate;
use crate::wire::{self, HttpRequest, HttpResponse, Query};

open_enum! {
    /// Status of an action.
    ActionStatus {
        /// Still in progress.
        Running => "running",
        /// Finished successfully.
        Success => "success",
        /// Finished with an error.
        Error => "error",
    }
}

/// A resource an action relates to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionResource {
    /// The resource's id.
    pub id: u64,
    /// The resource's type, such as `server`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Why an action failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionError {
    /// Machine-readable code, such as `action_failed`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

/// An asynchronous task of the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Its id.
    pub id: ActionId,
    /// What it does, such as `create_server`.
    pub command: String,
    /// Its status.
    pub status: ActionStatus,
    /// Progress in percent.
    pub progress: u8,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started: OffsetDateTime,
    /// When it finished; `None` while running.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished: Option<OffsetDateTime>,
    /// The resources it relates to.
    pub resources: Vec<ActionResource>,
    /// Why it failed; `None` unless its status is `error`.
    pub error: Option<ActionError>,
}

impl Action {
    /// Whether the action has ended, in success or error.
    pub fn is_finished(&self) -> bool {
        matches!(self.status, ActionStatus::Success | ActionStatus::Error)
    }
}

#[derive(Deserialize)]
pub(crate) struct ActionEnvelope {
    pub(crate) action: Action,
}

/// `GET /actions/{id}`: one action.
///
/// Errors: `not_found` when no such action exists; an input error for id 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetAction {
    /// The action to read.
    pub id: ActionId,
}

impl Operation for GetAction {
    type Output = Action;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        validate::id("id", self.id.0)?;
        wire::build(cfg, Method::GET, &format!("/actions/{}", self.id), &Query::default(), None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Action, Error> {
        wire::decode::<ActionEnvelope>(&resp).map(|e| e.action)
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// Most ids one `GET /actions` request asks for; longer lists are split by the waiter.
pub const MAX_IDS_PER_REQUEST: usize = 25;

/// `GET /actions?id=..&id=..`: several actions by id, at most
/// [`MAX_IDS_PER_REQUEST`] at once. Ids are sent sorted and without repeats.
///
/// Errors: an input error for an empty list, id 0 or too many ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListActionsByIds {
    ids: BTreeSet<ActionId>,
}

impl ListActionsByIds {
    /// The actions to read.
    pub fn new(ids: impl IntoIterator<Item = ActionId>) -> Self {
        Self { ids: ids.into_iter().collect() }
    }

    /// The ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = ActionId> + '_ {
        self.ids.iter().copied()
    }
}

#[derive(Deserialize)]
struct ActionList {
    actions: Vec<Action>,
}

impl Operation for ListActionsByIds {
    type Output = Vec<Action>;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        if self.ids.is_empty() {
            return Err(crate::error::InputError::new("id", "at least one action id is needed").into());
        }
        if self.ids.len() > MAX_IDS_PER_REQUEST {
            return Err(crate::error::InputError::new(
                "id",
                format!("at most {MAX_IDS_PER_REQUEST} ids fit in one request, got {}", self.ids.len()),
            )
            .into());
        }
        let mut query = Query::default();
        for id in &self.ids {
            validate::id("id", id.0)?;
            query.push("id", id);
        }
        wire::build(cfg, Method::GET, "/actions", &query, None)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Vec<Action>, Error> {
        wire::decode::<ActionList>(&resp).map(|list| list.actions)
    }

    fn idempotent(&self) -> bool {
        true
    }
}
