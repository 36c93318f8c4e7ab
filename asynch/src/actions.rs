//! Action calls: [`Actions`] to read and wait for many, [`ActionHandle`] for one.

use std::future::Future;

use hcloud_core::actions::GetAction;
use hcloud_core::{Action, ActionId, ActionStatus, ActionWaiter, PollUntil, WaitPolicy};

use crate::client::Client;
use crate::error::Result;

/// Action calls: get one, wait for many. From [`Client::actions`].
#[derive(Clone, Copy, Debug)]
pub struct Actions<'a> {
    client: &'a Client,
}

impl<'a> Actions<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `GET /actions/{id}`: one action.
    ///
    /// Errors: `not_found` when no such action exists; an input error for id 0.
    pub async fn get(&self, id: ActionId) -> Result<Action> {
        self.client.execute(GetAction { id }).await
    }

    /// Waits until every action in `actions` has succeeded, polling the running ones with
    /// `GET /actions?id=..` (in chunks of 25) per the client's action wait policy (by
    /// default every 1 s slowing to 5 s, for up to an hour). Actions already finished need
    /// no request. Returns the final state of every action, in the order given.
    ///
    /// The iterator is consumed before the returned future is first polled, so the future
    /// is `Send` whatever the iterator.
    ///
    /// Errors: [`Error::is_action_failed`](crate::Error::is_action_failed) as soon as one
    /// ends in `error`; [`Error::is_wait_exhausted`](crate::Error::is_wait_exhausted) at the
    /// policy's limit; a core `MissingActions` error when the API leaves an id out; errors of
    /// the polls.
    pub fn wait_for(
        &self,
        actions: impl IntoIterator<Item = Action>,
    ) -> impl Future<Output = Result<Vec<Action>>> + Send + 'a {
        let waiter = self.waiter(actions);
        let client = self.client;
        async move { client.run(waiter).await }
    }

    /// [`Actions::wait_for`], calling `callback` with every action whose state changed
    /// (progress or status) as each poll reports it.
    ///
    /// Errors: as [`Actions::wait_for`].
    pub fn wait_for_with_progress(
        &self,
        actions: impl IntoIterator<Item = Action>,
        callback: impl FnMut(&Action) + Send + 'static,
    ) -> impl Future<Output = Result<Vec<Action>>> + Send + 'a {
        let waiter = self.waiter(actions).on_progress(callback);
        let client = self.client;
        async move { client.run(waiter).await }
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

/// Calls on one action. From [`Client::action`]; making one sends nothing.
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

    /// `GET /actions/{id}`: the action's current state.
    ///
    /// Errors: `not_found`; an input error for id 0.
    pub async fn get(&self) -> Result<Action> {
        self.client.execute(GetAction { id: self.id }).await
    }

    /// Polls `GET /actions/{id}` until the action's status is `status`, with the client's
    /// status wait policy (by default 20 polls, 1 s apart). Returns the action as last
    /// fetched.
    ///
    /// Errors: [`Error::is_action_failed`](crate::Error::is_action_failed) when it finishes
    /// with another status; [`Error::is_wait_exhausted`](crate::Error::is_wait_exhausted) at
    /// the policy's limit; errors of the polls.
    pub async fn wait_until_status_is(&self, status: ActionStatus) -> Result<Action> {
        self.wait_until_status_with(status, self.client.status_wait_policy().clone()).await
    }

    /// [`ActionHandle::wait_until_status_is`] with an explicit policy.
    ///
    /// Errors: as [`ActionHandle::wait_until_status_is`].
    pub async fn wait_until_status_with(&self, status: ActionStatus, policy: WaitPolicy) -> Result<Action> {
        let client = self.client;
        let machine = PollUntil::action_status(
            self.id,
            status,
            client.config(),
            policy,
            client.retry_policy().clone(),
            client.next_seed(),
        );
        client.run(machine).await
    }
}
