//! Time source for the HTTP server.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The virtual time a [`SimServer`](crate::SimServer) passes to its simulator.
///
/// A real clock advances with wall time (plus any [`advance`](Self::advance)
/// skips); a manual clock stands still until advanced, so tests over HTTP can
/// finish a 2-second action without sleeping. Clones share the same time.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    start: Instant,
    manual: bool,
    skipped: Mutex<Duration>,
}

impl Clock {
    /// Wall time since creation, plus skips.
    pub fn real() -> Self {
        Self::build(false)
    }

    /// Zero until [`advance`](Self::advance)d.
    pub fn manual() -> Self {
        Self::build(true)
    }

    fn build(manual: bool) -> Self {
        Self { inner: Arc::new(Inner { start: Instant::now(), manual, skipped: Mutex::new(Duration::ZERO) }) }
    }

    /// Current virtual time.
    pub fn now(&self) -> Duration {
        let skipped = *self.inner.skipped.lock().unwrap_or_else(|e| e.into_inner());
        if self.inner.manual {
            skipped
        } else {
            self.inner.start.elapsed() + skipped
        }
    }

    /// Jumps forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut skipped = self.inner.skipped.lock().unwrap_or_else(|e| e.into_inner());
        *skipped += by;
    }

    /// Whether this clock only moves when advanced.
    pub fn is_manual(&self) -> bool {
        self.inner.manual
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::real()
    }
}
