//! Servers: listing, reading, creating, changing, deleting, rescue mode, backups and waiting
//! for a status.

use std::collections::{BTreeMap, VecDeque};

use hcloud_core::servers::{
    CreateServer, CreatedServer, DeleteServer, DisableBackup, DisableRescue, EnableBackup, EnableRescue,
    GetServer, ListServers, RescueEnabled, RescueType, UpdateServer,
};
use hcloud_core::{
    Action, PageCursor, Paged, Paginator, PollUntil, Server, ServerId, ServerStatus, SshKeyId, WaitPolicy,
};

use crate::client::Client;
use crate::error::Result;

/// The servers of the project; from [`Client::servers`].
#[derive(Clone, Copy, Debug)]
pub struct Servers<'a> {
    client: &'a Client,
}

impl<'a> Servers<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Every server matching `filter`, lazily: `GET /servers`, one page per request, each
    /// fetched only when the previous one is used up (50 servers per page unless the filter
    /// sets `per_page`).
    ///
    /// Errors, as items: those of [`ListServers`] (input errors for a bad `per_page`, API
    /// errors, transport failures after retries). The iterator ends after an error; its
    /// [`cursor`](ServerIter::cursor) still points at the page that failed, so
    /// [`get_all_from`](Self::get_all_from) can retry from there.
    ///
    /// The filter's `page` and `per_page`, when set, choose the first page and the page size.
    pub fn get_all(&self, filter: ListServers) -> ServerIter {
        let cursor = filter.start();
        self.get_all_from(filter, cursor)
    }

    /// Like [`get_all`](Self::get_all), but starting at `cursor` (from
    /// [`ServerIter::cursor`], possibly saved and restored).
    ///
    /// Errors: as [`get_all`](Self::get_all).
    pub fn get_all_from(&self, filter: ListServers, cursor: PageCursor) -> ServerIter {
        let client = self.client;
        let pages = Paginator::resume(
            filter,
            client.config(),
            client.retry_policy().clone(),
            client.next_seed(),
            cursor,
        );
        ServerIter { client: client.clone(), pages, buffer: VecDeque::new(), finished: false }
    }

    /// Every server matching `filter`, collected: `GET /servers`, page by page.
    ///
    /// Errors: the first error [`get_all`](Self::get_all) yields.
    pub fn list(&self, filter: ListServers) -> Result<Vec<Server>> {
        self.get_all(filter).collect()
    }

    /// One server: `GET /servers/{id}`.
    ///
    /// Errors: `not_found` ([`Error::is_not_found`](crate::Error::is_not_found)) when it does
    /// not exist; an input error for id 0.
    pub fn get(&self, id: ServerId) -> Result<Server> {
        self.client.execute(GetServer { id })
    }

    /// The server with exactly this name, if any: `GET /servers?name=..`.
    ///
    /// Errors: API and transport errors; an input error is not possible here.
    pub fn get_by_name(&self, name: &str) -> Result<Option<Server>> {
        let page = self.client.execute(ListServers::by_name(name))?;
        Ok(page.servers.into_iter().find(|server| server.name == name))
    }

    /// Creates a server: `POST /servers`. Returns the server, its `create_server` action, the
    /// actions that follow (such as `start_server`) and the root password when no SSH key was
    /// given. Wait for the actions with [`Actions::wait_for`](crate::Actions::wait_for).
    ///
    /// Errors: input errors (bad name, labels, oversize user data) before anything is sent;
    /// from the API `uniqueness_error` for a taken name, `invalid_input`,
    /// `resource_limit_exceeded`, `resource_unavailable` and others. Never resent after an
    /// ambiguous failure (a timeout after sending), since that could create a second server.
    pub fn create(&self, request: CreateServer) -> Result<CreatedServer> {
        self.client.execute(request)
    }
}

/// A lazy walk over servers; from [`Servers::get_all`].
///
/// Each `next()` either hands out a buffered server or fetches the next page (with retries).
/// It holds its own handle on the client, so it can be stored or sent to another thread.
#[derive(Debug)]
pub struct ServerIter {
    client: Client,
    pages: Paginator<ListServers>,
    buffer: VecDeque<Server>,
    finished: bool,
}

impl ServerIter {
    /// The next page to fetch (none when the list is exhausted). Servers already fetched but
    /// not yet handed out are not covered by it: resume from a cursor taken at a page
    /// boundary (when [`buffered_count`](Self::buffered_count) is 0) to see every server exactly once.
    pub fn cursor(&self) -> PageCursor {
        self.pages.cursor()
    }

    /// How many fetched servers are waiting to be handed out.
    pub fn buffered_count(&self) -> usize {
        self.buffer.len()
    }
}

impl Iterator for ServerIter {
    type Item = Result<Server>;

    fn next(&mut self) -> Option<Self::Item> {
        // Each pass fetches one page; the paginator refuses pages that do not advance, so
        // this ends after at most one pass per remaining page.
        loop {
            if let Some(server) = self.buffer.pop_front() {
                return Some(Ok(server));
            }
            if self.finished {
                return None;
            }
            match self.client.run(&mut self.pages) {
                Ok(Some(page)) => self.buffer.extend(page.items),
                Ok(None) => self.finished = true,
                Err(error) => {
                    self.finished = true;
                    return Some(Err(error));
                }
            }
        }
    }
}

impl std::iter::FusedIterator for ServerIter {}

/// One server, by id; from [`Client::server`]. Every method is one call (or one wait).
#[derive(Clone, Copy, Debug)]
pub struct ServerHandle<'a> {
    client: &'a Client,
    id: ServerId,
}

impl<'a> ServerHandle<'a> {
    pub(crate) fn new(client: &'a Client, id: ServerId) -> Self {
        Self { client, id }
    }

    /// The server's id.
    pub fn id(&self) -> ServerId {
        self.id
    }

    /// Reads the server: `GET /servers/{id}`.
    ///
    /// Errors: `not_found` when it does not exist; an input error for id 0.
    pub fn get(&self) -> Result<Server> {
        self.client.execute(GetServer { id: self.id })
    }

    /// Renames the server: `PUT /servers/{id}` with `{"name": ..}`.
    ///
    /// Errors: an input error for a name that is not a valid hostname; `not_found`;
    /// `uniqueness_error` when another server has the name.
    pub fn change_name(&self, name: impl Into<String>) -> Result<Server> {
        self.client.execute(UpdateServer::rename(self.id, name))
    }

    /// Replaces all labels of the server: `PUT /servers/{id}` with `{"labels": ..}`.
    ///
    /// Errors: an input error for an invalid key or value; `not_found`.
    pub fn update_labels(&self, labels: BTreeMap<String, String>) -> Result<Server> {
        self.client.execute(UpdateServer { id: self.id, name: None, labels: Some(labels) })
    }

    /// Deletes the server: `DELETE /servers/{id}`. Returns the `delete_server` action.
    ///
    /// Errors: `not_found`; `protected` when delete protection is on; `locked`.
    pub fn delete(&self) -> Result<Action> {
        self.client.execute(DeleteServer { id: self.id })
    }

    /// Boots into a rescue system on the next reboot:
    /// `POST /servers/{id}/actions/enable_rescue`. Returns the rescue root password (when no
    /// SSH key was given) and the `enable_rescue` action.
    ///
    /// Errors: `not_found`; `locked`; input errors for an SSH key id 0.
    pub fn enable_rescue_mode(
        &self,
        rescue_type: Option<RescueType>,
        ssh_keys: &[SshKeyId],
    ) -> Result<RescueEnabled> {
        self.client.execute(EnableRescue { id: self.id, rescue_type, ssh_keys: ssh_keys.to_vec() })
    }

    /// Boots normally again on the next reboot: `POST /servers/{id}/actions/disable_rescue`.
    /// Returns the `disable_rescue` action.
    ///
    /// Errors: `not_found`; `locked`.
    pub fn disable_rescue_mode(&self) -> Result<Action> {
        self.client.execute(DisableRescue { id: self.id })
    }

    /// Turns on daily backups: `POST /servers/{id}/actions/enable_backup`. Returns the
    /// `enable_backup` action.
    ///
    /// Errors: `not_found`; `locked`.
    pub fn enable_backups(&self) -> Result<Action> {
        self.client.execute(EnableBackup { id: self.id })
    }

    /// Turns off backups and deletes existing ones:
    /// `POST /servers/{id}/actions/disable_backup`. Returns the `disable_backup` action.
    ///
    /// Errors: `not_found`; `locked`.
    pub fn disable_backups(&self) -> Result<Action> {
        self.client.execute(DisableBackup { id: self.id })
    }

    /// Polls `GET /servers/{id}` until the server's status is `status`, with the client's
    /// status wait policy (by default 20 polls, 1 s apart). Returns the server as last read.
    ///
    /// Errors: [`is_wait_exhausted`](crate::Error::is_wait_exhausted) when the polls run out;
    /// `not_found` and other errors of [`get`](Self::get).
    pub fn wait_until_status_is(&self, status: ServerStatus) -> Result<Server> {
        self.wait_until_status_with(status, self.client.status_wait_policy().clone())
    }

    /// Like [`wait_until_status_is`](Self::wait_until_status_is) with an explicit policy
    /// (attempts, interval, and a deadline via [`WaitPolicy::with_timeout`]).
    ///
    /// Errors: as [`wait_until_status_is`](Self::wait_until_status_is).
    pub fn wait_until_status_with(&self, status: ServerStatus, policy: WaitPolicy) -> Result<Server> {
        let client = self.client;
        client.run(PollUntil::server_status(
            self.id,
            status,
            client.config(),
            policy,
            client.retry_policy().clone(),
            client.next_seed(),
        ))
    }
}
