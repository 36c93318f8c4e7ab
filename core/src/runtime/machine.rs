//! The contract between the core's state machines and whoever performs their IO.
//!
//! A [`Machine`] never touches a socket or a clock. The driver asks it what to do with
//! [`Machine::poll`], performs the request or the sleep, and reports back with
//! [`Machine::handle_response`] or [`Machine::handle_transport_error`]. Time is always passed
//! in, so the same machine runs under a real clock, a virtual one in tests, or
//! `performance.now()` in a browser.
//!
//! The canonical driver loop:
//!
//! ```
//! use hcloud_core::{Machine, Step, Timestamp, HttpRequest, HttpResponse, Error, TransportFailure};
//! # use std::time::Duration;
//!
//! fn run<M: Machine>(
//!     machine: &mut M,
//!     mut now: impl FnMut() -> Timestamp,
//!     mut send: impl FnMut(HttpRequest) -> Result<HttpResponse, TransportFailure>,
//!     mut sleep: impl FnMut(Duration),
//! ) -> Result<M::Output, Error> {
//!     loop {
//!         match machine.poll(now()) {
//!             Step::Send(request) => match send(request) {
//!                 Ok(response) => machine.handle_response(now(), response),
//!                 Err(failure) => machine.handle_transport_error(now(), failure),
//!             },
//!             Step::Sleep(duration) => sleep(duration),
//!             Step::Done(output) => return Ok(output),
//!             Step::Failed(error) => return Err(error),
//!         }
//!     }
//! }
//! ```

use std::ops::Add;
use std::time::Duration;

use crate::error::{Error, TransportFailure};
use crate::wire::{HttpRequest, HttpResponse};

/// A point on the driver's monotonic clock, as time elapsed since an epoch the driver picks
/// (typically when the client was created). Only differences matter to the core.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(Duration);

impl Timestamp {
    /// The epoch itself.
    pub const ZERO: Timestamp = Timestamp(Duration::ZERO);

    /// The point `elapsed` after the epoch.
    pub const fn from_elapsed(elapsed: Duration) -> Self {
        Self(elapsed)
    }

    /// The point `millis` milliseconds after the epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Self(Duration::from_millis(millis))
    }

    /// Time since the epoch.
    pub const fn elapsed(self) -> Duration {
        self.0
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: Timestamp) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;

    fn add(self, rhs: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(rhs))
    }
}

/// The most time a request may take, attached by machines that work to a deadline (a wait
/// with a timeout) to the requests of their [`Step::Send`]: the time left at the moment of
/// the poll. Drivers send right after polling, so transports shrink their own timeout to it.
///
/// ```
/// use std::time::Duration;
/// use hcloud_core::machine::TimeLeft;
///
/// let mut request = http::Request::get("https://api.hetzner.cloud/v1/servers").body(Vec::new()).unwrap();
/// assert_eq!(TimeLeft::of(&request), None);
/// request.extensions_mut().insert(TimeLeft(Duration::from_millis(750)));
/// assert_eq!(TimeLeft::of(&request), Some(Duration::from_millis(750)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeLeft(pub Duration);

impl TimeLeft {
    /// The time left for `request`, when its machine set one.
    pub fn of(request: &HttpRequest) -> Option<Duration> {
        request.extensions().get::<TimeLeft>().map(|left| left.0)
    }

    /// The timeout a transport should use for `request`: its own `timeout`, shortened to the
    /// time left when that is less.
    pub fn bound(request: &HttpRequest, timeout: Duration) -> Duration {
        Self::of(request).map_or(timeout, |left| left.min(timeout))
    }
}

/// What a machine wants next.
#[must_use = "a step tells the driver what to do next"]
#[derive(Debug)]
pub enum Step<T> {
    /// Perform this request, then report its outcome with `handle_response` or
    /// `handle_transport_error` before polling again.
    Send(HttpRequest),
    /// Poll again after this much time.
    Sleep(Duration),
    /// Finished with this output.
    Done(T),
    /// Finished with this error.
    Failed(Error),
}

/// A resumable state machine that needs one or more exchanges or some waiting.
pub trait Machine {
    /// What it produces.
    type Output;

    /// Asks what to do next. Polling after [`Step::Send`] without reporting the outcome first
    /// is a misuse and fails the machine.
    fn poll(&mut self, now: Timestamp) -> Step<Self::Output>;

    /// Reports the response to the last request.
    fn handle_response(&mut self, now: Timestamp, response: HttpResponse);

    /// Reports that the last request failed in transport.
    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure);

    /// A request this machine will most likely ask to send after the answer that has just
    /// arrived, so that a driver can send it early and overlap its round trip with the work
    /// of reading that answer (a [`Paginator`](crate::Paginator) offers the next page while
    /// the current one is decoded).
    ///
    /// A driver asks after a successful answer arrives and before it reports it with
    /// [`handle_response`](Self::handle_response). It may ignore the offer. If it sends the
    /// request early, it keeps the outcome in an [`Early`] and, when the machine asks to send
    /// that same request, reports the kept outcome instead of sending it again; when the
    /// machine asks for anything else, it drops the early outcome. Only reads are offered, so
    /// an early request that goes unused changes nothing.
    fn lookahead(&self) -> Option<HttpRequest> {
        None
    }
}

impl<M: Machine + ?Sized> Machine for &mut M {
    type Output = M::Output;

    fn poll(&mut self, now: Timestamp) -> Step<Self::Output> {
        (**self).poll(now)
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        (**self).handle_response(now, response)
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        (**self).handle_transport_error(now, failure)
    }

    fn lookahead(&self) -> Option<HttpRequest> {
        (**self).lookahead()
    }
}

/// A request a driver sent ahead of its turn (see [`Machine::lookahead`]), with whatever the
/// driver holds for its outcome: a channel from a thread, a task's handle.
#[derive(Debug)]
pub struct Early<P> {
    method: http::Method,
    uri: http::Uri,
    body: Vec<u8>,
    pending: P,
}

impl<P> Early<P> {
    /// Remembers `request`, sent early, and what stands for its outcome.
    pub fn new(request: &HttpRequest, pending: P) -> Self {
        Self {
            method: request.method().clone(),
            uri: request.uri().clone(),
            body: request.body().clone(),
            pending,
        }
    }

    /// Whether `request` is the one sent early: the same method, URI and body.
    pub fn is_for(&self, request: &HttpRequest) -> bool {
        self.method == request.method() && self.uri == *request.uri() && self.body == *request.body()
    }

    /// What stands for the outcome.
    pub fn into_pending(self) -> P {
        self.pending
    }
}

impl<M: Machine + ?Sized> Machine for Box<M> {
    type Output = M::Output;

    fn poll(&mut self, now: Timestamp) -> Step<Self::Output> {
        (**self).poll(now)
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        (**self).handle_response(now, response)
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        (**self).handle_transport_error(now, failure)
    }
}

/// A small seeded generator for backoff jitter, so identical seeds give identical timings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// splitmix64: tiny, fast and well distributed; no cryptographic use.
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniformly random duration in `[0, max]`, at millisecond resolution. Any `max` is
    /// accepted, up to [`Duration::MAX`]: the arithmetic saturates rather than overflows.
    pub(crate) fn up_to(&mut self, max: Duration) -> Duration {
        let millis = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
        let draw = self.next_u64();
        match millis.checked_add(1) {
            Some(span) => Duration::from_millis(draw % span),
            // Every u64 is in range.
            None => Duration::from_millis(draw),
        }
    }
}

/// Shared state tracking for one-shot machines: finished machines answer a misuse error.
pub(crate) fn misuse<T>(what: &str) -> Step<T> {
    Step::Failed(Error::Misuse(what.to_owned()))
}
