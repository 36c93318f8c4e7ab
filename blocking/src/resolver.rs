//! Host name resolution for the default agent, without a lookup per request.
//!
//! ureq resolves the host of every request, even one that reuses a pooled connection, and
//! with a timeout set it does so on a fresh thread. Listing 10,000 servers then costs 200
//! thread spawns and 200 lookups for one connection. This resolver answers IP literals
//! directly and keeps each host's addresses for a short while.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long looked-up addresses are reused. Short, because the system resolver does not tell
/// us the record's TTL; long enough that a burst of calls looks up once.
pub(crate) const ADDRESS_TTL: Duration = Duration::from_secs(30);

/// Answers IP literals itself and caches other hosts' addresses for a while, deferring to
/// ureq's own resolver (and its resolve timeout) on a miss.
#[derive(Debug)]
pub(crate) struct CachingResolver {
    lookup: DefaultResolver,
    ttl: Duration,
    cache: Mutex<HashMap<(String, u16), (Instant, ResolvedSocketAddrs)>>,
}

impl CachingResolver {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self { lookup: DefaultResolver::default(), ttl, cache: Mutex::new(HashMap::new()) }
    }
}

fn host_and_port(uri: &http::Uri) -> Option<(&str, u16)> {
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("https") { 443 } else { 80 });
    Some((host, port))
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_and_port(uri) else {
            return self.lookup.resolve(uri, config, timeout);
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = (host.to_owned(), port);
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, addrs)) = cache.get(&key) {
            if at.elapsed() < self.ttl {
                return Ok(addrs.clone());
            }
        }
        // Lookups of different hosts wait for each other here; a client talks to one host.
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        cache.insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(resolver: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: http::Uri = url.parse().unwrap();
        let config = ureq::config::Config::default();
        resolver.resolve(&uri, &config, NextTimeout::default()).unwrap().iter().copied().collect()
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
}
