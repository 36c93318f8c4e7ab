//! Server calls: [`Servers`] for the collection, [`ServerHandle`] for one server, and
//! [`ServerStream`], the lazy walk over every page of a list.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use hcloud_core::servers::{
    CreateServer, CreatedServer, DeleteServer, DisableBackup, DisableRescue, EnableBackup, EnableRescue,
    GetServer, ListServers, RescueEnabled, RescueType, UpdateServer,
};
use hcloud_core::{
    Action, Page, PageCursor, Paged, Paginator, PollUntil, Server, ServerId, ServerStatus, SshKeyId,
    WaitPolicy,
};

use crate::client::Client;
use crate::error::Result;

/// Server calls on the collection: list, get, create. From [`Client::servers`].
#[derive(Clone, Copy, Debug)]
pub struct Servers<'a> {
    client: &'a Client,
}

impl<'a> Servers<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `GET /servers`, every page: a lazy stream of the servers matching `filter`. A page is
    /// fetched only when the servers of the previous one have all been yielded; each fetch
    /// is retried per the client's retry policy.
    ///
    /// Errors (as items): input errors for `page` 0 or `per_page` outside 1..=50, API
    /// errors such as `unauthorized`, transport errors. The stream ends after its first
    /// error; resume it with [`Servers::get_all_from`] and [`ServerStream::cursor`].
    ///
    /// The filter's `page` and `per_page`, when set, choose the first page and the page size.
    pub fn get_all(&self, filter: ListServers) -> ServerStream {
        let cursor = filter.start();
        self.get_all_from(filter, cursor)
    }

    /// [`Servers::get_all`], starting at `cursor` (from [`ServerStream::cursor`] of an
    /// earlier walk, possibly in another process since it serializes).
    ///
    /// Errors: as [`Servers::get_all`].
    pub fn get_all_from(&self, filter: ListServers, cursor: PageCursor) -> ServerStream {
        let client = self.client.clone();
        let paginator = Paginator::resume(
            filter,
            client.config(),
            client.retry_policy().clone(),
            client.next_seed(),
            cursor,
        );
        ServerStream::new(client, paginator)
    }

    /// `GET /servers`, every page, collected.
    ///
    /// Errors: as [`Servers::get_all`]; the first error ends the walk.
    pub async fn list(&self, filter: ListServers) -> Result<Vec<Server>> {
        let mut stream = self.get_all(filter);
        let mut servers = Vec::new();
        while let Some(server) = stream.next().await {
            servers.push(server?);
        }
        Ok(servers)
    }

    /// `GET /servers/{id}`: one server.
    ///
    /// Errors: `not_found` ([`Error::is_not_found`](crate::Error::is_not_found)) when it does
    /// not exist; an input error for id 0; authentication and transport errors.
    pub async fn get(&self, id: ServerId) -> Result<Server> {
        self.client.execute(GetServer { id }).await
    }

    /// `GET /servers?name={name}`: the server with exactly this name, or `None`.
    ///
    /// Errors: authentication and transport errors.
    pub async fn get_by_name(&self, name: &str) -> Result<Option<Server>> {
        let servers = self.list(ListServers::by_name(name)).await?;
        Ok(servers.into_iter().find(|server| server.name == name))
    }

    /// `POST /servers`: creates a server. Returns the server, its `create_server` action,
    /// the next actions (such as `start_server`) and the root password when no SSH key was
    /// given. Wait for the actions with [`Actions::wait_for`](crate::Actions::wait_for).
    ///
    /// Not retried after an ambiguous failure (a timeout after sending), since a resent
    /// create would make a second server.
    ///
    /// Errors: input errors for a bad name, labels or oversize user data (nothing is sent);
    /// from the API `uniqueness_error` for a taken name, `invalid_input`,
    /// `resource_limit_exceeded`, `resource_unavailable` and others.
    pub async fn create(&self, server: CreateServer) -> Result<CreatedServer> {
        self.client.execute(server).await
    }
}

/// Calls on one server. From [`Client::server`]; making one sends nothing.
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

    /// `GET /servers/{id}`: the server's current state.
    ///
    /// Errors: `not_found`; an input error for id 0.
    pub async fn get(&self) -> Result<Server> {
        self.client.execute(GetServer { id: self.id }).await
    }

    /// `PUT /servers/{id}` with a new name.
    ///
    /// Errors: an input error for a name that is not an RFC 1123 hostname; `not_found`;
    /// `uniqueness_error` when another server has the name.
    pub async fn change_name(&self, name: impl Into<String>) -> Result<Server> {
        self.client.execute(UpdateServer::rename(self.id, name)).await
    }

    /// `PUT /servers/{id}` with new labels, replacing all existing ones.
    ///
    /// Errors: an input error for a bad label key or value; `not_found`.
    pub async fn update_labels(&self, labels: BTreeMap<String, String>) -> Result<Server> {
        self.client.execute(UpdateServer { id: self.id, name: None, labels: Some(labels) }).await
    }

    /// `DELETE /servers/{id}`: deletes the server; returns the `delete_server` action.
    ///
    /// Errors: `not_found`; `protected` when delete protection is on; `locked`.
    pub async fn delete(&self) -> Result<Action> {
        self.client.execute(DeleteServer { id: self.id }).await
    }

    /// `POST /servers/{id}/actions/enable_rescue`: boots into a rescue system on the next
    /// reboot. Returns the rescue root password and the `enable_rescue` action.
    ///
    /// Errors: `not_found`; `locked`; an input error for an SSH key id 0.
    pub async fn enable_rescue_mode(
        &self,
        rescue_type: Option<RescueType>,
        ssh_keys: &[SshKeyId],
    ) -> Result<RescueEnabled> {
        let op = EnableRescue { id: self.id, rescue_type, ssh_keys: ssh_keys.to_vec() };
        self.client.execute(op).await
    }

    /// `POST /servers/{id}/actions/disable_rescue`: the next reboot boots normally again.
    ///
    /// Errors: `not_found`; `locked`.
    pub async fn disable_rescue_mode(&self) -> Result<Action> {
        self.client.execute(DisableRescue { id: self.id }).await
    }

    /// `POST /servers/{id}/actions/enable_backup`: daily backups into seven slots.
    ///
    /// Errors: `not_found`; `locked`.
    pub async fn enable_backups(&self) -> Result<Action> {
        self.client.execute(EnableBackup { id: self.id }).await
    }

    /// `POST /servers/{id}/actions/disable_backup`: stops backups and deletes existing ones.
    ///
    /// Errors: `not_found`; `locked`.
    pub async fn disable_backups(&self) -> Result<Action> {
        self.client.execute(DisableBackup { id: self.id }).await
    }

    /// Polls `GET /servers/{id}` until the server's status is `status`, with the client's
    /// status wait policy (by default 20 polls, 1 s apart). Returns the server as last
    /// fetched.
    ///
    /// Errors: [`Error::is_wait_exhausted`](crate::Error::is_wait_exhausted) when the
    /// policy's limit is reached first; `not_found` and other errors of a poll.
    pub async fn wait_until_status_is(&self, status: ServerStatus) -> Result<Server> {
        self.wait_until_status_with(status, self.client.status_wait_policy().clone()).await
    }

    /// [`ServerHandle::wait_until_status_is`] with an explicit policy (attempts, interval,
    /// optional deadline via [`WaitPolicy::with_timeout`]).
    ///
    /// Errors: as [`ServerHandle::wait_until_status_is`].
    pub async fn wait_until_status_with(&self, status: ServerStatus, policy: WaitPolicy) -> Result<Server> {
        let client = self.client;
        let machine = PollUntil::server_status(
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

type PageFetch = Pin<Box<dyn Future<Output = (Paginator<ListServers>, Result<Option<Page<Server>>>)> + Send>>;

/// The lazy walk over every page of `GET /servers`: a [`Stream`] of servers. From
/// [`Servers::get_all`].
///
/// `Send`, `Unpin` and `'static` (it holds a clone of the client), so it can be moved into a
/// task. It ends after the last page, or after yielding its first error.
pub struct ServerStream {
    client: Client,
    /// The core machine; `None` while a page fetch owns it.
    paginator: Option<Paginator<ListServers>>,
    fetch: Option<PageFetch>,
    buffer: VecDeque<Server>,
    cursor: PageCursor,
    finished: bool,
}

impl std::fmt::Debug for ServerStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerStream")
            .field("cursor", &self.cursor)
            .field("buffered", &self.buffer.len())
            .field("fetching", &self.fetch.is_some())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl ServerStream {
    fn new(client: Client, paginator: Paginator<ListServers>) -> Self {
        let cursor = paginator.cursor();
        Self {
            client,
            paginator: Some(paginator),
            fetch: None,
            buffer: VecDeque::new(),
            cursor,
            finished: false,
        }
    }

    /// The next page to fetch (`next_page` is `None` once the list is exhausted; after an
    /// error, the page that failed). Servers already fetched but not yet yielded are not
    /// covered by it: resume from a cursor taken at a page boundary (when
    /// [`buffered_count`](Self::buffered_count) is 0) to see every server exactly once.
    pub fn cursor(&self) -> PageCursor {
        self.cursor
    }

    /// How many fetched servers are waiting to be yielded.
    pub fn buffered_count(&self) -> usize {
        self.buffer.len()
    }
}

impl Stream for ServerStream {
    type Item = Result<Server>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // Each pass yields, finishes, or absorbs one page; empty pages end with the list
        // (the core fails a `next_page` that does not advance), so the loop is bounded.
        loop {
            if let Some(server) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(server)));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            let fetch = match this.fetch.as_mut() {
                Some(fetch) => fetch,
                None => {
                    let Some(mut paginator) = this.paginator.take() else {
                        this.finished = true;
                        return Poll::Ready(None);
                    };
                    let client = this.client.clone();
                    this.fetch.insert(Box::pin(async move {
                        let result = client.run(&mut paginator).await;
                        (paginator, result)
                    }))
                }
            };
            let (paginator, result) = match fetch.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(done) => done,
            };
            this.fetch = None;
            this.cursor = paginator.cursor();
            this.paginator = Some(paginator);
            match result {
                Ok(Some(page)) => this.buffer.extend(page.items),
                Ok(None) => this.finished = true,
                Err(error) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = if self.finished { Some(self.buffer.len()) } else { None };
        (self.buffer.len(), upper)
    }
}
