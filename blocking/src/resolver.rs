//! Host name resolution for the default agent, without a lookup per request, and never
//! longer than the connect timeout.
//!
//! ureq resolves the host of every request, even one that reuses a pooled connection, and
//! with a timeout set it does so on a fresh thread. Listing 10,000 servers then costs 200
//! thread spawns and 200 lookups for one connection. This resolver answers IP literals
//! directly and keeps each host's addresses for a short while.
//!
//! A lookup runs on a thread of its own and is given up after the resolve timeout (the
//! connect timeout of the default agent), so a resolver that hangs cannot hold a call for
//! longer. The cache is locked only to read or store an entry, never during a lookup, so one
//! slow lookup does not hold up calls to other hosts, or other calls at all.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long looked-up addresses are reused. Short, because the system resolver does not tell
/// us the record's TTL; long enough that a burst of calls looks up once.
pub(crate) const ADDRESS_TTL: Duration = Duration::from_secs(30);

/// One lookup, without a timeout of its own: the system resolver, or a stand-in in tests.
type Lookup =
    dyn Fn(&http::Uri, &ureq::config::Config) -> Result<ResolvedSocketAddrs, ureq::Error> + Send + Sync;

type Cache = HashMap<(String, u16), (Instant, ResolvedSocketAddrs)>;

/// Answers IP literals itself, caches other hosts' addresses for a while, and bounds every
/// lookup by the resolve timeout ureq passes in.
pub(crate) struct CachingResolver {
    lookup: Arc<Lookup>,
    ttl: Duration,
    cache: Mutex<Cache>,
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

/// A lookup failed: the request was not sent. Its message names the host.
#[derive(Debug)]
pub struct LookupFailed {
    host: String,
    source: ureq::Error,
}

impl fmt::Display for LookupFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not resolve {}: {}", self.host, self.source)
    }
}

impl std::error::Error for LookupFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl CachingResolver {
    pub(crate) fn new(ttl: Duration) -> Self {
        let system = DefaultResolver::default();
        let lookup = move |uri: &http::Uri, config: &ureq::config::Config| {
            system.resolve(uri, config, NextTimeout::default())
        };
        Self::with_lookup(ttl, lookup)
    }

    /// A resolver that looks hosts up with `lookup`.
    pub(crate) fn with_lookup(
        ttl: Duration,
        lookup: impl Fn(&http::Uri, &ureq::config::Config) -> Result<ResolvedSocketAddrs, ureq::Error>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        Self { lookup: Arc::new(lookup), ttl, cache: Mutex::new(HashMap::new()) }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Looks `uri`'s host up on a thread of its own, giving up when `timeout` expires (the
    /// thread then finishes on its own, and its answer is dropped).
    fn look_up(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (tx, rx) = mpsc::sync_channel(1);
        let (lookup, uri, config) = (self.lookup.clone(), uri.clone(), config.clone());
        std::thread::Builder::new()
            .name("hcloud-resolve".into())
            .spawn(move || {
                let _ = tx.send(lookup(&uri, &config));
            })
            .map_err(ureq::Error::Io)?;
        let answer = if timeout.after.is_not_happening() {
            rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            rx.recv_timeout(*timeout.after)
        };
        match answer {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(ureq::Error::Timeout(timeout.reason)),
            Err(RecvTimeoutError::Disconnected) => {
                Err(ureq::Error::Io(std::io::Error::other("the lookup thread ended without an answer")))
            }
        }
    }
}

fn host_and_port(uri: &http::Uri) -> Option<(&str, u16)> {
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("https") { 443 } else { 80 });
    Some((host, port))
}

/// A failed lookup as ureq reports it: a timeout stays a resolve timeout, anything else
/// becomes an I/O error that names the host and marks the request as not sent.
pub(crate) fn failed(host: &str, error: ureq::Error) -> ureq::Error {
    match error {
        ureq::Error::Timeout(_) => ureq::Error::Timeout(ureq::Timeout::Resolve),
        ureq::Error::HostNotFound => ureq::Error::HostNotFound,
        other => {
            let kind = match &other {
                ureq::Error::Io(io) => io.kind(),
                _ => std::io::ErrorKind::NotFound,
            };
            ureq::Error::Io(std::io::Error::new(kind, LookupFailed { host: host.to_owned(), source: other }))
        }
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_and_port(uri) else {
            return (self.lookup)(uri, config);
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = (host.to_owned(), port);
        if let Some((at, addrs)) = self.cache().get(&key) {
            if at.elapsed() < self.ttl {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.look_up(uri, config, timeout).map_err(|error| failed(host, error))?;
        self.cache().insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn resolve(resolver: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: http::Uri = url.parse().unwrap();
        let config = ureq::config::Config::default();
        resolver.resolve(&uri, &config, NextTimeout::default()).unwrap().iter().copied().collect()
    }

    fn within(limit: Duration) -> NextTimeout {
        NextTimeout {
            after: ureq::unversioned::transport::time::Duration::from(limit),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        }
    }

    /// A lookup that takes `delay`, then answers 127.0.0.1, counting its calls.
    fn slow(delay: Duration, calls: Arc<AtomicUsize>) -> CachingResolver {
        CachingResolver::with_lookup(ADDRESS_TTL, move |_, _| {
            calls.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(delay);
            let mut addrs = DefaultResolver::default().empty();
            addrs.push("127.0.0.1:9".parse().unwrap());
            Ok(addrs)
        })
    }

    #[test]
    fn ip_literals_are_answered_without_a_lookup_or_a_cache_entry() {
        let resolver = CachingResolver::new(ADDRESS_TTL);
        assert_eq!(resolve(&resolver, "http://127.0.0.1:8080/v1"), ["127.0.0.1:8080".parse().unwrap()]);
        assert_eq!(resolve(&resolver, "http://[::1]/v1"), ["[::1]:80".parse().unwrap()]);
        assert_eq!(resolve(&resolver, "https://10.1.2.3/v1"), ["10.1.2.3:443".parse().unwrap()]);
        assert!(resolver.cache.lock().unwrap().is_empty());
    }

    #[test]
    fn host_names_are_looked_up_once_then_reused_until_the_ttl() {
        let resolver = CachingResolver::new(ADDRESS_TTL);
        let first = resolve(&resolver, "http://localhost:9/v1");
        assert!(!first.is_empty());
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
        assert_eq!(resolve(&resolver, "http://localhost:9/other"), first);

        let expired = CachingResolver::new(Duration::ZERO);
        resolve(&expired, "http://localhost:9/v1");
        let stamp = expired.cache.lock().unwrap()[&("localhost".to_owned(), 9)].0;
        resolve(&expired, "http://localhost:9/v1");
        assert!(expired.cache.lock().unwrap()[&("localhost".to_owned(), 9)].0 > stamp, "looked up again");
    }

    #[test]
    fn a_hanging_lookup_is_given_up_at_the_timeout() {
        let calls = Arc::new(AtomicUsize::new(0));
        let resolver = slow(Duration::from_secs(30), calls.clone());
        let uri: http::Uri = "https://api.example.test/v1".parse().unwrap();
        let started = Instant::now();
        let error = resolver
            .resolve(&uri, &ureq::config::Config::default(), within(Duration::from_millis(200)))
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
        assert!(matches!(error, ureq::Error::Timeout(ureq::Timeout::Resolve)), "{error:?}");
        assert!(resolver.cache.lock().unwrap().is_empty());
    }

    #[test]
    fn slow_lookups_run_side_by_side_not_one_after_another() {
        let calls = Arc::new(AtomicUsize::new(0));
        let resolver = Arc::new(slow(Duration::from_millis(400), calls.clone()));
        let started = Instant::now();
        let threads: Vec<_> = (0..8)
            .map(|n| {
                let resolver = resolver.clone();
                std::thread::spawn(move || {
                    let uri: http::Uri = format!("https://host-{n}.example.test/v1").parse().unwrap();
                    let config = ureq::config::Config::default();
                    resolver.resolve(&uri, &config, within(Duration::from_secs(5))).map(|a| a.len())
                })
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap().unwrap(), 1);
        }
        // One after another, eight lookups of 0.4 s would take 3.2 s.
        assert!(started.elapsed() < Duration::from_millis(1600), "took {:?}", started.elapsed());
        assert_eq!(calls.load(Ordering::SeqCst), 8);
    }

    #[test]
    fn a_failed_lookup_names_the_host() {
        let resolver = CachingResolver::with_lookup(ADDRESS_TTL, |_, _| {
            Err(ureq::Error::Io(std::io::Error::other("Name or service not known")))
        });
        let uri: http::Uri = "https://api.example.test/v1".parse().unwrap();
        let error = resolver
            .resolve(&uri, &ureq::config::Config::default(), within(Duration::from_secs(1)))
            .unwrap_err();
        let ureq::Error::Io(io) = &error else { panic!("{error:?}") };
        assert!(io.get_ref().is_some_and(|inner| inner.is::<LookupFailed>()), "{io:?}");
        assert_eq!(
            error.to_string(),
            "io: could not resolve api.example.test: io: Name or service not known"
        );
    }
}
