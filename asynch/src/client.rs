//! The [`Client`], its [`ClientBuilder`], and the one generic loop that drives every core
//! machine.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcloud_core::client_error::host_of;
use hcloud_core::trace::CallTrace;
use hcloud_core::{
    Config, CreateOutcome, HttpRequest, Machine, Operation, PageCursor, Paged, Paginator, RateLimit,
    RawRequest, Recover, Recoverable, RecoveryPolicy, RetryPolicy, Retrying, Step, Timestamp, WaitPolicy,
};
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::pages::{Ahead, PageStream};
use crate::transport::{
    ReqwestTransport, Transport, TransportError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
};

/// An async client of the Hetzner Cloud API.
///
/// Cheap to clone (an [`Arc`] inside), `Send + Sync`, and usable from many tasks at once.
/// Every call goes through the core's [`Retrying`] machine; lists through its
/// [`Paginator`](hcloud_core::Paginator); waits through its
/// [`ActionWaiter`](hcloud_core::ActionWaiter) and [`PollUntil`](hcloud_core::PollUntil).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    transport: Box<dyn Transport>,
    retry_policy: RetryPolicy,
    recovery_policy: RecoveryPolicy,
    action_wait_policy: WaitPolicy,
    status_wait_policy: WaitPolicy,
    epoch: Instant,
    seed_base: u64,
    seed_counter: AtomicU64,
    rate_limit: Mutex<Option<RateLimit>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("retry_policy", &self.inner.retry_policy)
            .field("action_wait_policy", &self.inner.action_wait_policy)
            .field("status_wait_policy", &self.inner.status_wait_policy)
            .finish_non_exhaustive()
    }
}

/// What the driver does after one poll, with the machine's output already returned. (A
/// separate type so that no `Step<M::Output>` lives across an `.await`.)
#[allow(clippy::large_enum_variant)] // a short-lived local, moved once
enum Next {
    Send(HttpRequest),
    Sleep(Duration),
}

impl Client {
    /// A client with the default transport, policies and timeouts.
    ///
    /// Errors: [`Error::Config`] when the HTTP client cannot be built (its TLS backend fails
    /// to initialize).
    pub fn new(config: Config) -> Result<Client> {
        Self::builder(config).build()
    }

    /// A builder to adjust timeouts, policies, the seed or the transport.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder::new(config)
    }

    /// A client configured from the environment: the token from `HCLOUD_TOKEN` (required)
    /// and the base URL from `HCLOUD_ENDPOINT` (optional; the production API otherwise).
    ///
    /// Errors: [`Error::Config`] naming `HCLOUD_TOKEN` when it is missing or not Unicode;
    /// an invalid-input core error when the token or the endpoint is malformed.
    pub fn from_env() -> Result<Client> {
        Self::new(Config::from_variables(|name| std::env::var(name).ok())?)
    }

    /// The configuration (token, endpoint, user agent).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The retry policy every call runs under.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// The policy [`Actions::wait_for`](crate::Actions::wait_for) uses.
    pub fn action_wait_policy(&self) -> &WaitPolicy {
        &self.inner.action_wait_policy
    }

    /// The policy [`ServerHandle::wait_until_status_is`](crate::ServerHandle::wait_until_status_is) uses.
    pub fn status_wait_policy(&self) -> &WaitPolicy {
        &self.inner.status_wait_policy
    }

    /// The rate limit the API reported with the most recent response that carried the
    /// `RateLimit-*` headers, or `None` before any did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.inner.rate_limit.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every entry of any list, lazily, page by page: the walk behind every `list` of the
    /// facade, for any [`Paged`] operation of the core.
    pub fn pages<Op>(&self, query: Op) -> PageStream<Op>
    where
        Op: Paged + Send + 'static,
        Op::Item: Send + 'static,
        Op::Output: Send + 'static,
    {
        let cursor = query.start();
        self.pages_from(query, cursor)
    }

    /// [`pages`](Self::pages), resumed at `cursor` (from [`PageStream::cursor`] of an earlier
    /// walk, possibly in another process since it serializes).
    pub fn pages_from<Op>(&self, query: Op, cursor: PageCursor) -> PageStream<Op>
    where
        Op: Paged + Send + 'static,
        Op::Item: Send + 'static,
        Op::Output: Send + 'static,
    {
        let paginator = Paginator::resume(
            query,
            &self.inner.config,
            self.inner.retry_policy.clone(),
            self.next_seed(),
            cursor,
        );
        PageStream::new(self.clone(), paginator)
    }

    /// Every entry of any list, collected.
    ///
    /// Errors: the first error of the walk.
    pub fn collect<Op>(&self, query: Op) -> impl Future<Output = Result<Vec<Op::Item>>> + Send + 'static
    where
        Op: Paged + Send + 'static,
        Op::Item: Send + 'static,
        Op::Output: Send + 'static,
    {
        let mut pages = self.pages(query);
        async move {
            let mut items = Vec::new();
            while let Some(item) = pages.next().await {
                items.push(item?);
            }
            Ok(items)
        }
    }

    /// The first entry of a list (every page, if needed) for which `matches` holds.
    ///
    /// Errors: the first error of the walk.
    pub fn find<Op>(
        &self,
        query: Op,
        mut matches: impl FnMut(&Op::Item) -> bool + Send + 'static,
    ) -> impl Future<Output = Result<Option<Op::Item>>> + Send + 'static
    where
        Op: Paged + Send + 'static,
        Op::Item: Send + 'static,
        Op::Output: Send + 'static,
    {
        let mut pages = self.pages(query);
        async move {
            while let Some(item) = pages.next().await {
                let item = item?;
                if matches(&item) {
                    return Ok(Some(item));
                }
            }
            Ok(None)
        }
    }

    /// Any endpoint by hand, through the same headers, retries, rate-limit handling and
    /// errors as every operation: the escape hatch for what this version does not describe.
    /// The answer comes back as JSON (`null` without a body).
    ///
    /// Errors: as for any operation.
    pub fn raw(
        &self,
        method: http::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> impl Future<Output = Result<serde_json::Value>> + Send + 'static {
        self.execute(RawRequest::new(method, path, body))
    }

    /// A fresh jitter seed: the client's base plus a counter, so concurrent calls do not
    /// back off in lockstep while a fixed [`ClientBuilder::seed`] stays reproducible.
    pub fn next_seed(&self) -> u64 {
        let n = self.inner.seed_counter.fetch_add(1, Ordering::Relaxed);
        self.inner.seed_base.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_elapsed(self.inner.epoch.elapsed())
    }

    /// Runs one operation with the client's retry policy: any [`Operation`] of the core,
    /// including ones this crate has no method for. The future owns what it needs (`Send +
    /// 'static`), so it can go into `join_all` or `tokio::spawn`.
    ///
    /// Errors: whatever the operation and its retries end in.
    pub fn execute<O>(&self, op: O) -> impl Future<Output = Result<O::Output>> + Send + 'static
    where
        O: Operation + Send + 'static,
        O::Output: Send + 'static,
    {
        let client = self.clone();
        let machine =
            Retrying::new(op, &self.inner.config, self.inner.retry_policy.clone(), self.next_seed());
        async move { client.run(machine).await }
    }

    /// Drives any core [`Machine`] to its end: sends its requests through the transport,
    /// sleeps when it asks to (on the tokio timer), and returns its output.
    ///
    /// A transport failure comes back as [`Error::Transport`] with the concrete error of the
    /// last failed exchange as its source. The future is `Send` when the machine is (every
    /// machine of the core is); no `Send` bound is imposed so that `!Send` machines can run
    /// on a current-thread runtime.
    ///
    /// Errors: whatever the machine fails with.
    pub async fn run<M: Machine>(&self, machine: M) -> Result<M::Output> {
        let trace = CallTrace::new(&self.inner.config, std::any::type_name::<M>());
        trace.instrumenter().instrument(self.drive(machine, trace, None)).await
    }

    /// Runs a walk's machine with `ahead`: the request the machine offers (see
    /// [`Machine::lookahead`]) goes out on a task of its own while the answer that has just
    /// arrived is decoded, and its outcome is handed over when the machine asks for it.
    pub(crate) async fn run_ahead<M: Machine>(&self, machine: M, ahead: &mut Ahead) -> Result<M::Output> {
        let trace = CallTrace::new(&self.inner.config, std::any::type_name::<M>());
        trace.instrumenter().instrument(self.drive(machine, trace, Some(ahead))).await
    }

    /// The loop of [`Client::run`], inside the call's span.
    async fn drive<M: Machine>(
        &self,
        mut machine: M,
        mut trace: CallTrace,
        mut ahead: Option<&mut Ahead>,
    ) -> Result<M::Output> {
        let mut last_transport_error: Option<(TransportError, Option<String>)> = None;
        loop {
            let next = match machine.poll(self.now()) {
                Step::Send(request) => Next::Send(request),
                Step::Sleep(duration) => Next::Sleep(duration),
                Step::Done(output) => {
                    trace.finished(None);
                    return Ok(output);
                }
                Step::Failed(error) => {
                    trace.finished(Some(&error));
                    return Err(attach_source(error, last_transport_error));
                }
            };
            match next {
                Next::Send(request) => {
                    trace.sending(&request);
                    let uri = request.uri().clone();
                    let early = match ahead.as_deref_mut() {
                        Some(ahead) => ahead.take(&request).await,
                        None => None,
                    };
                    let outcome = match early {
                        Some(outcome) => outcome,
                        None => self.inner.transport.send(request).await,
                    };
                    match outcome {
                        Ok(response) => {
                            trace.answered(&response);
                            self.note_rate_limit(&response);
                            if let Some(ahead) =
                                ahead.as_deref_mut().filter(|_| response.status().is_success())
                            {
                                if let Some(next) = machine.lookahead() {
                                    ahead.send(self, next).await;
                                }
                            }
                            machine.handle_response(self.now(), response);
                        }
                        Err(error) => {
                            trace.failed(error.failure);
                            machine.handle_transport_error(self.now(), error.failure);
                            last_transport_error = Some((error, host_of(&uri)));
                        }
                    }
                }
                Next::Sleep(duration) => {
                    trace.sleeping(duration);
                    tokio::time::sleep(duration).await;
                }
            }
        }
    }

    /// Runs a create, and settles an unknown outcome (a timeout after sending, a reset, a
    /// 502) by looking the resource up by its name: the core's [`Recover`] machine with the
    /// client's retry and recovery policies, driven by [`Client::run`]. Any create of a
    /// uniquely named resource can be run this way (every one that implements
    /// [`Recoverable`]).
    ///
    /// Returns [`CreateOutcome::Created`] with the create's answer, or
    /// [`CreateOutcome::Recovered`] with the resource found and its running actions when the
    /// answer was lost.
    ///
    /// Errors: those of the create; [`Error::is_not_created`] when the outcome was unknown
    /// and nothing was created (creating again is safe); [`Error::is_create_conflict`] when a
    /// resource of that name exists but does not match the request.
    pub async fn create_with_recovery<O: Recoverable>(&self, create: O) -> Result<CreateOutcome<O>> {
        let recover = Recover::new(
            create,
            &self.inner.config,
            self.inner.retry_policy.clone(),
            self.inner.recovery_policy.clone(),
            self.next_seed(),
        )
        .with_wall_clock(self.now(), std::time::SystemTime::now());
        self.run(recover).await
    }

    /// How [`create_with_recovery`](Self::create_with_recovery) settles an unknown outcome.
    pub fn recovery_policy(&self) -> &RecoveryPolicy {
        &self.inner.recovery_policy
    }

    /// Sends one request through the transport, with no retries: for a walk's early request.
    pub(crate) async fn send(
        &self,
        request: HttpRequest,
    ) -> std::result::Result<hcloud_core::HttpResponse, TransportError> {
        self.inner.transport.send(request).await
    }

    fn note_rate_limit(&self, response: &hcloud_core::HttpResponse) {
        if let Some(limit) = RateLimit::from_headers(response.headers()) {
            *self.inner.rate_limit.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(limit);
        }
    }
}

/// Gives a core transport error back its concrete source and host, when the driver kept
/// them.
fn attach_source(error: hcloud_core::Error, last: Option<(TransportError, Option<String>)>) -> Error {
    match (error, last) {
        (hcloud_core::Error::Transport(failure), Some((last, host))) => {
            Error::Transport { failure, host, source: last.source }
        }
        (error, _) => Error::Core(error),
    }
}

/// Builds a [`Client`]: timeouts, policies, seed and transport.
pub struct ClientBuilder {
    config: Config,
    connect_timeout: Duration,
    timeout: Duration,
    retry_policy: RetryPolicy,
    recovery_policy: RecoveryPolicy,
    action_wait_policy: WaitPolicy,
    status_wait_policy: WaitPolicy,
    seed: Option<u64>,
    transport: Option<Box<dyn Transport>>,
    http_client: Option<reqwest::Client>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry_policy", &self.retry_policy)
            .field("recovery_policy", &self.recovery_policy)
            .field("action_wait_policy", &self.action_wait_policy)
            .field("status_wait_policy", &self.status_wait_policy)
            .field("seed", &self.seed)
            .field("custom_transport", &self.transport.is_some())
            .field("http_client", &self.http_client)
            .finish()
    }
}

impl ClientBuilder {
    /// Defaults: connect timeout 10 s, timeout 60 s, [`RetryPolicy::default`],
    /// [`WaitPolicy::for_actions`] for actions, [`WaitPolicy::default`] (20 polls, 1 s
    /// apart) for status waits, a random seed, and a reqwest transport.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry_policy: RetryPolicy::default(),
            recovery_policy: RecoveryPolicy::default(),
            action_wait_policy: WaitPolicy::for_actions(),
            status_wait_policy: WaitPolicy::default(),
            seed: None,
            transport: None,
            http_client: None,
        }
    }

    /// How long connecting may take (default 10 s). Ignored with a custom transport or
    /// HTTP client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one whole exchange may take, from connecting to the last body byte (default
    /// 60 s). Ignored with a custom transport or HTTP client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// How [`Client::create_with_recovery`] settles an unknown outcome (default
    /// [`RecoveryPolicy::default`]).
    pub fn recovery_policy(mut self, policy: RecoveryPolicy) -> Self {
        self.recovery_policy = policy;
        self
    }

    /// How [`Actions::wait_for`](crate::Actions::wait_for) polls (default [`WaitPolicy::for_actions`]).
    pub fn action_wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.action_wait_policy = policy;
        self
    }

    /// How [`ServerHandle::wait_until_status_is`](crate::ServerHandle::wait_until_status_is) and
    /// [`ActionHandle::wait_until_status_is`](crate::ActionHandle::wait_until_status_is) poll (default [`WaitPolicy::default`]: 20
    /// polls, 1 s apart).
    pub fn status_wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.status_wait_policy = policy;
        self
    }

    /// Fixes the base of the jitter seeds, for reproducible backoff timings.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Performs exchanges with this transport instead of reqwest (an in-memory one in
    /// tests, a recording proxy, …). Takes precedence over [`ClientBuilder::http_client`].
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Box::new(transport));
        self
    }

    /// Uses this reqwest client (bring your own proxy, TLS or pool settings). The timeouts
    /// of this builder are not applied to it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Errors: [`Error::Config`] when the default reqwest client cannot be built.
    pub fn build(self) -> Result<Client> {
        let transport: Box<dyn Transport> = match (self.transport, self.http_client) {
            (Some(transport), _) => transport,
            (None, Some(client)) => Box::new(ReqwestTransport::with_client(client)),
            (None, None) => Box::new(
                ReqwestTransport::new(self.connect_timeout, self.timeout)
                    .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?,
            ),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                config: self.config,
                transport,
                retry_policy: self.retry_policy,
                recovery_policy: self.recovery_policy,
                action_wait_policy: self.action_wait_policy,
                status_wait_policy: self.status_wait_policy,
                epoch: Instant::now(),
                seed_base: self.seed.unwrap_or_else(random_seed),
                seed_counter: AtomicU64::new(0),
                rate_limit: Mutex::new(None),
            }),
        })
    }
}

/// A per-client random seed, from the standard library's randomly keyed hasher.
fn random_seed() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(std::process::id().into());
    if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    hasher.finish()
}
