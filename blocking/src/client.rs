//! The [`Client`], its [`ClientBuilder`], and the one loop that drives every core machine.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::time::SystemTime;

use hcloud_core::client_error::host_of;
use hcloud_core::trace::CallTrace;
use hcloud_core::{
    Config, CreateOutcome, Machine, Operation, PageCursor, Paged, Paginator, RateLimit, RawRequest, Recover,
    Recoverable, RecoveryPolicy, RetryPolicy, Retrying, Step, Timestamp, WaitPolicy,
};

use crate::error::{Error, Result};
use crate::pages::{Ahead, Pages};
use crate::transport::{Transport, TransportError, UreqTransport, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// A blocking Hetzner Cloud API client.
///
/// Cheap to clone (the state is shared) and usable from many threads at once. Every call is
/// run through the core's [`Retrying`] machine with the client's [`RetryPolicy`]; lists,
/// and waits run the core's [`Paginator`](hcloud_core::Paginator),
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

impl Client {
    /// A client with the default transport (ureq with the TLS the features pick, 10 s connect
    /// timeout, 60 s per exchange), the default retry policy and the default wait policies.
    ///
    /// Errors: none today; the `Result` keeps the signature the same as the async client's,
    /// whose HTTP client can fail to build.
    pub fn new(config: Config) -> Result<Client> {
        Client::builder(config).build()
    }

    /// Starts configuring a client; the same as [`ClientBuilder::new`].
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder::new(config)
    }

    /// A client configured from the environment: the token from `HCLOUD_TOKEN` (required)
    /// and the base URL from `HCLOUD_ENDPOINT` (optional, default
    /// [`hcloud_core::DEFAULT_ENDPOINT`]).
    ///
    /// Errors: [`Error::Config`] when `HCLOUD_TOKEN` is unset or empty, and the core's input
    /// error when the token or the endpoint is malformed.
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_variables(|name| std::env::var(name).ok())?)
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The rate-limit state the API reported with the most recent response that carried one.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.inner.rate_limit.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The retry policy every call runs under.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// Every entry of any list, lazily, page by page: the walk behind every `list` of the
    /// facade, for any [`Paged`] operation of the core.
    pub fn pages<Op: Paged>(&self, query: Op) -> Pages<Op> {
        let cursor = query.start();
        self.pages_from(query, cursor)
    }

    /// [`pages`](Self::pages), resumed at `cursor` (from [`Pages::cursor`] of an earlier
    /// walk, possibly in another process since it serializes).
    pub fn pages_from<Op: Paged>(&self, query: Op, cursor: PageCursor) -> Pages<Op> {
        let paginator = Paginator::resume(
            query,
            &self.inner.config,
            self.inner.retry_policy.clone(),
            self.next_seed(),
            cursor,
        );
        Pages::new(self.clone(), paginator)
    }

    /// Every entry of any list, collected.
    ///
    /// Errors: the first error of the walk.
    pub fn collect<Op: Paged>(&self, query: Op) -> Result<Vec<Op::Item>> {
        self.pages(query).collect()
    }

    /// The first entry of a list (every page, if needed) for which `matches` holds.
    ///
    /// Errors: the first error of the walk.
    pub fn find<Op: Paged>(
        &self,
        query: Op,
        mut matches: impl FnMut(&Op::Item) -> bool,
    ) -> Result<Option<Op::Item>> {
        for item in self.pages(query) {
            let item = item?;
            if matches(&item) {
                return Ok(Some(item));
            }
        }
        Ok(None)
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
    ) -> Result<serde_json::Value> {
        self.execute(RawRequest::new(method, path, body))
    }

    /// Runs one operation with retries: the core's [`Retrying`] machine with the client's
    /// retry policy, driven by [`Client::run`].
    ///
    /// Errors: whatever the operation's response or the transport produced, after retries.
    pub fn execute<O: Operation>(&self, op: O) -> Result<O::Output> {
        self.run(Retrying::new(op, &self.inner.config, self.inner.retry_policy.clone(), self.next_seed()))
    }

    /// Drives any core machine to its end: performs its requests through the transport and
    /// sleeps when it asks to. Pass `&mut machine` to keep it (a paginator, say) afterwards.
    ///
    /// Errors: the machine's error; a transport failure carries the concrete transport error
    /// as its [`source`](std::error::Error::source).
    pub fn run<M: Machine>(&self, machine: M) -> Result<M::Output> {
        self.drive(machine, None)
    }

    /// The loop of [`Client::run`]; with `ahead`, it sends the request the machine offers
    /// (see [`Machine::lookahead`]) on the walk's helper thread while the answer that has just
    /// arrived is decoded, and hands its outcome over when the machine asks for it.
    pub(crate) fn drive<M: Machine>(
        &self,
        mut machine: M,
        mut ahead: Option<&mut Ahead>,
    ) -> Result<M::Output> {
        let mut trace = CallTrace::new(&self.inner.config, std::any::type_name::<M>());
        let mut last_transport_error: Option<(TransportError, Option<String>)> = None;
        let _span = trace.entered();
        loop {
            match machine.poll(self.now()) {
                Step::Send(request) => {
                    trace.sending(&request);
                    let uri = request.uri().clone();
                    let early = ahead.as_deref_mut().and_then(|ahead| ahead.take(&request));
                    match early.unwrap_or_else(|| self.inner.transport.send(request)) {
                        Ok(response) => {
                            trace.answered(&response);
                            self.observe(&response);
                            last_transport_error = None;
                            if let Some(ahead) =
                                ahead.as_deref_mut().filter(|_| response.status().is_success())
                            {
                                if let Some(next) = machine.lookahead() {
                                    ahead.send(self, next);
                                }
                            }
                            machine.handle_response(self.now(), response);
                        }
                        Err(error) => {
                            let failure = error.failure;
                            trace.failed(failure);
                            last_transport_error = Some((error, host_of(&uri)));
                            machine.handle_transport_error(self.now(), failure);
                        }
                    }
                }
                Step::Sleep(duration) => {
                    trace.sleeping(duration);
                    std::thread::sleep(duration);
                }
                Step::Done(output) => {
                    trace.finished(None);
                    return Ok(output);
                }
                Step::Failed(error) => {
                    trace.finished(Some(&error));
                    return Err(match (error, last_transport_error.take()) {
                        (hcloud_core::Error::Transport(failure), Some((error, host))) => {
                            Error::Transport { failure, host, source: error.source }
                        }
                        (error, _) => Error::Core(error),
                    });
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
    pub fn create_with_recovery<O: Recoverable>(&self, create: O) -> Result<CreateOutcome<O>> {
        let recover = Recover::new(
            create,
            &self.inner.config,
            self.inner.retry_policy.clone(),
            self.inner.recovery_policy.clone(),
            self.next_seed(),
        )
        .with_wall_clock(self.now(), SystemTime::now());
        self.run(recover)
    }

    /// How [`create_with_recovery`](Self::create_with_recovery) settles an unknown outcome.
    pub fn recovery_policy(&self) -> &RecoveryPolicy {
        &self.inner.recovery_policy
    }

    /// Sends one request through the transport, with no retries: for a walk's helper thread.
    pub(crate) fn send(
        &self,
        request: hcloud_core::HttpRequest,
    ) -> std::result::Result<hcloud_core::HttpResponse, TransportError> {
        self.inner.transport.send(request)
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_elapsed(self.inner.epoch.elapsed())
    }

    fn observe(&self, response: &hcloud_core::HttpResponse) {
        if let Some(limit) = RateLimit::from_headers(response.headers()) {
            *self.inner.rate_limit.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(limit);
        }
    }

    /// A fresh jitter seed: the client's base plus a counter, so concurrent calls do not back
    /// off in lockstep while a fixed [`ClientBuilder::seed`] stays reproducible.
    pub fn next_seed(&self) -> u64 {
        let n = self.inner.seed_counter.fetch_add(1, Ordering::Relaxed);
        self.inner.seed_base.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The policy [`Actions::wait_for`](crate::Actions::wait_for) polls with.
    pub fn action_wait_policy(&self) -> &WaitPolicy {
        &self.inner.action_wait_policy
    }

    /// The policy `wait_until_status_is` polls servers and actions with.
    pub fn status_wait_policy(&self) -> &WaitPolicy {
        &self.inner.status_wait_policy
    }
}

/// Configures a [`Client`]; start with [`Client::builder`].
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
            .finish()
    }
}

impl ClientBuilder {
    /// Defaults: connect timeout 10 s, timeout 60 s, [`RetryPolicy::default`],
    /// [`WaitPolicy::for_actions`] for action waits, [`WaitPolicy::default`] (20 polls, 1 s
    /// apart) for status waits, a random seed, and the ureq transport.
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
        }
    }

    /// Time allowed to connect (DNS, TCP, TLS) with the default transport; 10 s by default.
    /// Ignored when [`transport`](Self::transport) or [`agent`](Self::agent) is given.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one whole exchange with the default transport; 60 s by default.
    /// Ignored when [`transport`](Self::transport) or [`agent`](Self::agent) is given.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How calls are retried; [`RetryPolicy::default`] unless set.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// How [`Client::create_with_recovery`] settles an unknown outcome;
    /// [`RecoveryPolicy::default`] unless set.
    pub fn recovery_policy(mut self, policy: RecoveryPolicy) -> Self {
        self.recovery_policy = policy;
        self
    }

    /// How [`Actions::wait_for`](crate::Actions::wait_for) polls; [`WaitPolicy::for_actions`] unless set.
    pub fn action_wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.action_wait_policy = policy;
        self
    }

    /// How `wait_until_status_is` polls servers and actions; [`WaitPolicy::default`] (20
    /// polls, 1 s apart) unless set.
    pub fn status_wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.status_wait_policy = policy;
        self
    }

    /// Fixes the base of the backoff jitter seeds, making retry timings reproducible.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sends every request through `transport` instead of the default ureq agent, such as
    /// an in-memory transport in tests.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Box::new(transport));
        self
    }

    /// Uses your own [`ureq::Agent`] (proxy, TLS roots, timeouts). Each request is still
    /// configured to return 4xx/5xx as responses and not to follow redirects.
    pub fn agent(self, agent: ureq::Agent) -> Self {
        self.transport(UreqTransport::with_agent(agent))
    }

    /// Builds the client.
    ///
    /// Errors: none today; the `Result` keeps the signature the same as the async client's.
    pub fn build(self) -> Result<Client> {
        let transport = match self.transport {
            Some(transport) => transport,
            None => Box::new(UreqTransport::new(self.connect_timeout, self.timeout)),
        };
        let seed_base = self.seed.unwrap_or_else(random_seed);
        Ok(Client {
            inner: Arc::new(Inner {
                config: self.config,
                transport,
                retry_policy: self.retry_policy,
                recovery_policy: self.recovery_policy,
                action_wait_policy: self.action_wait_policy,
                status_wait_policy: self.status_wait_policy,
                epoch: Instant::now(),
                seed_base,
                seed_counter: AtomicU64::new(0),
                rate_limit: Mutex::new(None),
            }),
        })
    }
}

/// A per-client random seed from the standard library's randomly keyed hasher.
fn random_seed() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x6863_6c6f_7564);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_deterministic_when_fixed_and_differ_per_call() {
        let make = || Client::builder(Config::new("t").unwrap()).seed(7).build().unwrap();
        let (a, b) = (make(), make());
        let first: Vec<u64> = (0..3).map(|_| a.next_seed()).collect();
        let second: Vec<u64> = (0..3).map(|_| b.next_seed()).collect();
        assert_eq!(first, second);
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn the_client_is_send_sync_and_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
        fn owned_and_sendable<T: Send + 'static>() {}
        owned_and_sendable::<crate::Pages<hcloud_core::servers::ListServers>>();
        owned_and_sendable::<crate::ServerHandle>();
    }
}
