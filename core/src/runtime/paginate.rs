//! Walking a paginated list lazily, one page per request, resumable from a cursor.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{Error, TransportFailure};
use crate::machine::{misuse, Machine, Step, Timestamp};
use crate::meta::{ListMeta, Pagination};
use crate::operation::Operation;
use crate::retry::{RetryPolicy, Retrying};
use crate::wire::{HttpRequest, HttpResponse};

/// Most entries the API returns per page.
pub const MAX_PER_PAGE: u64 = 50;

/// A list operation that can be pointed at any page.
pub trait Paged: Operation + Clone {
    /// One entry of the list.
    type Item;

    /// The same query, for page `page` with `per_page` entries.
    fn at_page(&self, page: u64, per_page: u64) -> Self;

    /// Splits a page into its entries and its metadata.
    fn into_parts(output: Self::Output) -> (Vec<Self::Item>, ListMeta);

    /// Where a walk of this query starts: the first page, 50 entries per page, unless the
    /// query names its own.
    fn start(&self) -> PageCursor {
        PageCursor::default()
    }
}

/// Where a walk stands: the next page to fetch, or none when the list is exhausted.
/// Serializable, so a walk can be resumed in another process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    /// The next page to fetch; `None` when every page has been seen.
    pub next_page: Option<u64>,
    /// Entries per page.
    pub per_page: u64,
}

impl PageCursor {
    /// Where a walk of a query starts: at its own page and page size, or else at the first
    /// page with the largest page size.
    pub fn starting_at(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self { next_page: Some(page.unwrap_or(1)), per_page: per_page.unwrap_or(MAX_PER_PAGE) }
    }
}

impl Default for PageCursor {
    /// The first page, with the largest page size the API allows.
    fn default() -> Self {
        Self { next_page: Some(1), per_page: MAX_PER_PAGE }
    }
}

/// One fetched page.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// Its entries.
    pub items: Vec<T>,
    /// Its pagination metadata.
    pub pagination: Pagination,
}

/// A lazy walk over every page of a list, each fetch retried per the policy.
///
/// `Done(Some(page))` hands over one page; poll again to fetch the next. `Done(None)` means
/// the list is exhausted (and stays so). After `Failed`, the cursor still points at the page
/// that failed, so polling again retries it.
///
/// A server's answers cannot make it walk forever:
/// - a `next_page` that does not move forward fails with [`Error::PaginationStalled`];
/// - the walk ends at `last_page`, and once `page × per_page` reaches `total_entries`,
///   whatever `next_page` says;
/// - it fetches at most [`Config::max_pages`] pages (or [`Paginator::with_max_pages`]), then
///   fails with [`Error::TooManyPages`] if the list has not ended.
pub struct Paginator<Op: Paged> {
    query: Op,
    cfg: Config,
    policy: RetryPolicy,
    seed: u64,
    cursor: PageCursor,
    current: Option<(u64, Retrying<Op>)>,
    max_pages: u64,
    fetched: u64,
    /// The last page, as the latest answer gave it.
    last_page: Option<u64>,
}

impl<Op: Paged + std::fmt::Debug> std::fmt::Debug for Paginator<Op> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("query", &self.query)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl<Op: Paged> Paginator<Op> {
    /// Walks `query` from where it starts ([`Paged::start`]: the first page, 50 entries
    /// per page, unless the query names its own).
    pub fn new(query: Op, cfg: &Config, policy: RetryPolicy, seed: u64) -> Self {
        let cursor = query.start();
        Self::resume(query, cfg, policy, seed, cursor)
    }

    /// Walks `query` from `cursor`.
    pub fn resume(query: Op, cfg: &Config, policy: RetryPolicy, seed: u64, cursor: PageCursor) -> Self {
        let max_pages = cfg.max_pages();
        let cfg = cfg.clone();
        Self { query, cfg, policy, seed, cursor, current: None, max_pages, fetched: 0, last_page: None }
    }

    /// Fetches at most `max_pages` pages, instead of the configuration's
    /// [`Config::max_pages`].
    pub fn with_max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// Where the walk stands now.
    pub fn cursor(&self) -> PageCursor {
        self.cursor
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.fetched
    }
}

/// The page after `page`, as far as the answer's metadata allows: `None` at the end.
fn next_page(page: u64, asked_per_page: u64, pagination: &Pagination) -> Result<Option<u64>, Error> {
    let Some(next) = pagination.next_page else { return Ok(None) };
    if next <= page {
        return Err(Error::PaginationStalled { page, next });
    }
    if pagination.last_page.is_some_and(|last| page >= last || next > last) {
        return Ok(None);
    }
    // Entries this page and the ones before it covered; a server that reports a larger page
    // size than was asked for cannot end the walk early by it.
    let per_page = match pagination.per_page {
        0 => asked_per_page,
        reported => reported.min(asked_per_page),
    };
    if pagination.total_entries.is_some_and(|total| page.saturating_mul(per_page) >= total) {
        return Ok(None);
    }
    Ok(Some(next))
}

impl<Op: Paged> Machine for Paginator<Op> {
    type Output = Option<Page<Op::Item>>;

    fn poll(&mut self, now: Timestamp) -> Step<Self::Output> {
        if self.current.is_none() {
            let Some(page) = self.cursor.next_page else {
                return Step::Done(None);
            };
            if self.fetched >= self.max_pages {
                return Step::Failed(Error::TooManyPages { limit: self.max_pages });
            }
            let op = self.query.at_page(page, self.cursor.per_page);
            let seed = self.seed.wrapping_add(page);
            self.current = Some((page, Retrying::new(op, &self.cfg, self.policy.clone(), seed)));
        }
        let Some((page, fetch)) = self.current.as_mut() else {
            return misuse("no page in progress");
        };
        let page = *page;
        match fetch.poll(now) {
            Step::Send(request) => Step::Send(request),
            Step::Sleep(duration) => Step::Sleep(duration),
            Step::Failed(error) => {
                self.current = None;
                Step::Failed(error)
            }
            Step::Done(output) => {
                self.current = None;
                self.fetched = self.fetched.saturating_add(1);
                let (items, meta) = Op::into_parts(output);
                let pagination = meta.pagination;
                self.last_page = pagination.last_page;
                match next_page(page, self.cursor.per_page, &pagination) {
                    Ok(next) => self.cursor.next_page = next,
                    Err(error) => return Step::Failed(error),
                }
                Step::Done(Some(Page { items, pagination }))
            }
        }
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        if let Some((_, fetch)) = self.current.as_mut() {
            fetch.handle_response(now, response);
        }
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        if let Some((_, fetch)) = self.current.as_mut() {
            fetch.handle_transport_error(now, failure);
        }
    }

    /// The page after the one being fetched, when the previous answer's `last_page` says there
    /// is one; nothing for the first page fetched (no answer has said where the list ends).
    fn lookahead(&self) -> Option<HttpRequest> {
        let (page, _) = self.current.as_ref()?;
        // The page in flight and the one after it must both fit under the cap.
        if self.fetched.saturating_add(2) > self.max_pages {
            return None;
        }
        let next = page.checked_add(1).filter(|next| self.last_page.is_some_and(|last| *next <= last))?;
        self.query.at_page(next, self.cursor.per_page).to_request(&self.cfg).ok()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{json, Value};

    use super::*;
    use crate::runtime::testing::{drive, json, query_param, server_json, Answer};
    use crate::servers::ListServers;

    fn page_of(page: u64, next: Option<u64>, last: Option<u64>, total: Option<u64>, per_page: u64) -> Value {
        json!({"servers": [server_json(page, &format!("s{page}"), "running")],
            "meta": {"pagination": {"page": page, "per_page": per_page, "previous_page": null,
            "next_page": next, "last_page": last, "total_entries": total}}})
    }

    /// Walks every page; the server answers page `p` with `meta(p)`.
    fn walk(cfg: &Config, mut meta: impl FnMut(u64) -> Value) -> (Vec<u64>, Option<Error>) {
        let mut pages = Paginator::new(ListServers::all(), cfg, RetryPolicy::none(), 1);
        let mut seen = Vec::new();
        for _ in 0..100_000 {
            let run = drive(&mut pages, Duration::from_secs(1), 10, |request, _| {
                let page: u64 = query_param(request, "page").unwrap().parse().unwrap();
                Answer::After(Duration::ZERO, json(200, &meta(page)))
            });
            match run.outcome {
                Ok(Some(page)) => seen.push(page.pagination.page),
                Ok(None) => return (seen, None),
                Err(error) => return (seen, Some(error)),
            }
        }
        panic!("the walk did not end");
    }

    fn cfg() -> Config {
        Config::new("t").unwrap()
    }

    #[test]
    fn an_endless_next_page_stops_at_last_page() {
        let (pages, error) = walk(&cfg(), |p| page_of(p, Some(p + 1), Some(3), None, 50));
        assert_eq!((pages, error), (vec![1, 2, 3], None));
    }

    #[test]
    fn an_endless_next_page_stops_once_total_entries_are_covered() {
        let (pages, error) = walk(&cfg(), |p| page_of(p, Some(p + 1), None, Some(120), 50));
        assert_eq!((pages, error), (vec![1, 2, 3], None));
        // A claimed page size above the one asked for cannot end the walk early.
        let (pages, _) = walk(&cfg(), |p| page_of(p, Some(p + 1), None, Some(120), 1000));
        assert_eq!(pages, vec![1, 2, 3]);
    }

    #[test]
    fn without_an_end_in_sight_the_walk_stops_at_the_page_cap() {
        let (pages, error) = walk(&cfg().with_max_pages(7), |p| page_of(p, Some(p + 1), None, None, 50));
        assert_eq!(pages, (1..=7).collect::<Vec<_>>());
        assert_eq!(error, Some(Error::TooManyPages { limit: 7 }));
        let (pages, error) = walk(&cfg(), |p| page_of(p, Some(p + 1), Some(u64::MAX), Some(u64::MAX), 50));
        assert_eq!(pages.len() as u64, crate::config::DEFAULT_MAX_PAGES);
        assert_eq!(error, Some(Error::TooManyPages { limit: crate::config::DEFAULT_MAX_PAGES }));
    }

    #[test]
    fn a_list_that_ends_at_the_cap_is_not_an_error() {
        let (pages, error) =
            walk(&cfg().with_max_pages(3), |p| page_of(p, (p < 3).then_some(p + 1), Some(3), None, 50));
        assert_eq!((pages, error), (vec![1, 2, 3], None));
    }
}
