//! Actions: reading them and waiting for them to finish.

use hcloud_core::actions::GetAction;
use hcloud_core::{Action, ActionId, ActionStatus, ActionWaiter, PollUntil, WaitPolicy};

use crate::client::Client;
use crate::error::Result;

/// Actions of the project; from [`Client::actions`].
#[derive(Clone, Copy, Debug)]
pub struct Actions<'a> {
    client: &'a Client,
}

impl<'a> Actions<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// One action: `GET /actions/{id}`.
    ///
    /// Errors: `not_found` when it does not exist; an input error for id 0.
    pub fn get(&self, id: ActionId) -> Result<Action> {
        self.client.execute(GetAction { id })
    }

    /// Waits until every action succeeded, polling `GET /actions?id=..` (25 ids per request)
    /// with the client's action wait policy (by default from 1 s slowing to 5 s, for at most
    /// an hour). Actions already finished as given need no request. Returns the final state
    /// of each action, in the order given.
    ///
    /// Errors: [`is_action_failed`](crate::Error::is_action_failed) as soon as one ends in
    /// `error`; [`is_wait_exhausted`](crate::Error::is_wait_exhausted) at the policy's limit;
    /// the core's `MissingActions` when the API leaves an id out; API and transport errors.
    pub fn wait_for(&self, actions: impl IntoIterator<Item = Action>) -> Result<Vec<Action>> {
        self.client.run(self.waiter(actions))
    }

    /// Like [`wait_for`](Self::wait_for), calling `callback` with each action whose state
    /// (status, progress) changed, as each poll reports it.
    ///
    /// Errors: as [`wait_for`](Self::wait_for).
    pub fn wait_for_with_progress(
        &self,
        actions: impl IntoIterator<Item = Action>,
        callback: impl FnMut(&Action) + Send + 'static,
    ) -> Result<Vec<Action>> {
        self.client.run(self.waiter(actions).on_progress(callback))
    }

    fn waiter(&self, actions: impl IntoIterator<Item = Action>) -> ActionWaiter {
        let client = self.client;
        ActionWaiter::new(
            actions,
            client.config(),
            client.action_wait_policy().clone(),
            client.retry_policy().clone(),
            client.next_seed(),
        )
    }
}

/// One action, by id; from [`Client::action`].
#[derive(Clone, Copy, Debug)]
pub struct ActionHandle<'a> {
    client: &'a Client,
    id: ActionId,
}

impl<'a> ActionHandle<'a> {
    pub(crate) fn new(client: &'a Client, id: ActionId) -> Self {
        Self { client, id }
    }

    /// The action's id.
    pub fn id(&self) -> ActionId {
        self.id
    }

    /// Reads the action: `GET /actions/{id}`.
    ///
    /// Errors: `not_found` when it does not exist; an input error for id 0.
    pub fn get(&self) -> Result<Action> {
        self.client.execute(GetAction { id: self.id })
    }

    /// Polls `GET /actions/{id}` until the action's status is `status`, with the client's
    /// status wait policy (by default 20 polls, 1 s apart). Returns the action as last read.
    ///
    /// Errors: [`is_action_failed`](crate::Error::is_action_failed) when it finishes with
    /// another status; [`is_wait_exhausted`](crate::Error::is_wait_exhausted) when the polls
    /// run out; `not_found` and other errors of [`get`](Self::get).
    pub fn wait_until_status_is(&self, status: ActionStatus) -> Result<Action> {
        self.wait_until_status_with(status, self.client.status_wait_policy().clone())
    }

    /// Like [`wait_until_status_is`](Self::wait_until_status_is) with an explicit policy.
    ///
    /// Errors: as [`wait_until_status_is`](Self::wait_until_status_is).
    pub fn wait_until_status_with(&self, status: ActionStatus, policy: WaitPolicy) -> Result<Action> {
        let client = self.client;
        client.run(PollUntil::action_status(
            self.id,
            status,
            client.config(),
            policy,
            client.retry_policy().clone(),
            client.next_seed(),
        ))
    }
}
