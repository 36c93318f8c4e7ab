//! Actions: the API's asynchronous tasks, the operations that read them, and the generic
//! operations that list the actions of each kind of resource.
//!
//! Every resource kind with actions (servers, volumes, …) has four listings, all served by
//! four generic operations parameterized by the kind's id type:
//!
//! | listing | operation |
//! | --- | --- |
//! | `GET /servers/actions` | [`ListKindActions<ServerId>`](ListKindActions) |
//! | `GET /servers/actions/{id}` | [`GetKindAction<ServerId>`](GetKindAction) |
//! | `GET /servers/{id}/actions` | [`ListActionsOf<ServerId>`](ListActionsOf) |
//! | `GET /servers/{id}/actions/{action_id}` | [`GetActionOf<ServerId>`](GetActionOf) |
//!
//! ```
//! use hcloud_core::actions::{ListActionsOf, ListKindActions};
//! use hcloud_core::{ActionStatus, Config, Operation, ServerId, VolumeId};
//!
//! let cfg = Config::new("token")?;
//! let mine = ListActionsOf::new(ServerId(42)).status(ActionStatus::Running);
//! assert_eq!(
//!     mine.to_request(&cfg)?.uri(),
//!     "https://api.hetzner.cloud/v1/servers/42/actions?status=running"
//! );
//! let all = ListKindActions::<VolumeId>::all();
//! assert_eq!(all.to_request(&cfg)?.uri(), "https://api.hetzner.cloud/v1/volumes/actions");
//! # Ok::<(), hcloud_core::Error>(())
//! ```

mod generated;
mod listings;

use std::collections::BTreeSet;

use http::Method;
use serde::Deserialize;

pub use generated::*;
pub use listings::{ActionOwner, GetActionOf, GetKindAction, ListActionsOf, ListKindActions};

use crate::config::Config;
use crate::error::{Error, InputError};
use crate::ids::ActionId;
use crate::operation::{Endpoint, Operation};
use crate::retry::RetryPolicy;
use crate::validate;
use crate::wait::{PollUntil, WaitPolicy};
use crate::wire::{self, HttpRequest, HttpResponse, Query};

impl Action {
    /// Whether the action has ended, in success or error.
    pub fn is_finished(&self) -> bool {
        matches!(self.status, ActionStatus::Success | ActionStatus::Error)
    }
}

/// What an answer carries that is still running: the actions to wait for. Every output of an
/// operation that starts actions implements it, so one wait fits them all.
pub trait HasActions {
    /// The actions in the answer, in the order the API gave them.
    fn actions(&self) -> Vec<&Action>;
}

impl HasActions for Action {
    fn actions(&self) -> Vec<&Action> {
        vec![self]
    }
}

impl HasActions for Vec<Action> {
    fn actions(&self) -> Vec<&Action> {
        self.iter().collect()
    }
}

impl HasActions for Option<Action> {
    fn actions(&self) -> Vec<&Action> {
        self.iter().collect()
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

impl<'de> Deserialize<'de> for ListActionsByIds {
    /// Reads `{"id": [..]}`, as the query names it.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Input {
            id: Vec<ActionId>,
        }
        Input::deserialize(deserializer).map(|input| Self::new(input.id))
    }
}

impl Operation for ListActionsByIds {
    type Output = Vec<Action>;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        if self.ids.is_empty() {
            return Err(InputError::new("id", "at least one action id is needed").into());
        }
        if self.ids.len() > MAX_IDS_PER_REQUEST {
            return Err(InputError::new(
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
        wire::decode_member(&resp, "actions")
    }

    fn idempotent(&self) -> bool {
        true
    }
}

impl Endpoint for ListActionsByIds {
    const OPERATION_ID: &'static str = "get_actions";
    const METHOD: &'static str = "GET";
    const PATH: &'static str = "/actions";
}

/// The machine [`PollUntil::action_status`] returns.
pub type ActionStatusWait = PollUntil<GetAction, Box<dyn FnMut(&Action) -> Result<bool, Error> + Send>>;

impl ActionStatusWait {
    /// `action.wait_until_status_is(status)`: polls the action until its status
    /// is `status`. Fails fast when it finishes with another status.
    pub fn action_status(
        id: ActionId,
        status: ActionStatus,
        cfg: &Config,
        policy: WaitPolicy,
        retry: RetryPolicy,
        seed: u64,
    ) -> Self {
        let what = format!("action {id} to be {status}");
        let condition = Box::new(move |action: &Action| {
            if action.status == status {
                Ok(true)
            } else if action.is_finished() {
                let (code, message) = match &action.error {
                    Some(e) => (e.code.clone(), e.message.clone()),
                    None => (
                        "unexpected_status".to_owned(),
                        format!("finished as {} instead of {status}", action.status),
                    ),
                };
                Err(Error::ActionFailed { id: action.id, command: action.command.clone(), code, message })
            } else {
                Ok(false)
            }
        });
        Self::new(GetAction { id }, condition, what, cfg, policy, retry, seed)
    }
}
