//! Response metadata: pagination and rate limits.

use http::HeaderMap;
use serde::{Deserialize, Serialize};

/// The `meta.pagination` object of a list response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// The page this response holds (the first is 1).
    pub page: u64,
    /// Entries per page.
    pub per_page: u64,
    /// The previous page, if any.
    pub previous_page: Option<u64>,
    /// The next page, or `None` on the last page.
    pub next_page: Option<u64>,
    /// The last page, when known.
    pub last_page: Option<u64>,
    /// The total number of entries, when known.
    pub total_entries: Option<u64>,
}

/// The `meta` object of a list response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMeta {
    /// Pagination details.
    pub pagination: Pagination,
}

/// The rate-limit state the API reported with a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per hour (`RateLimit-Limit`).
    pub limit: u64,
    /// Requests left in the current window (`RateLimit-Remaining`).
    pub remaining: u64,
    /// UNIX time in seconds when the budget is full again (`RateLimit-Reset`).
    pub reset: u64,
}

impl RateLimit {
    /// Reads the three `RateLimit-*` headers; `None` unless all three are present and numeric.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(Self {
            limit: number("ratelimit-limit")?,
            remaining: number("ratelimit-remaining")?,
            reset: number("ratelimit-reset")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_needs_all_three_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("RateLimit-Limit", "3600".parse().unwrap());
        headers.insert("RateLimit-Remaining", "3599".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&headers), None);
        headers.insert("RateLimit-Reset", "1731000000".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&headers),
            Some(RateLimit { limit: 3600, remaining: 3599, reset: 1_731_000_000 })
        );
        headers.insert("RateLimit-Reset", "soon".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&headers), None);
    }
}
