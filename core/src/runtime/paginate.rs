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
/// A `next_page` that does not move forward fails with [`Error::PaginationStalled`] instead
/// of looping forever.
pub struct Paginator<Op: Paged> {
    query: Op,
    cfg: Config,
    policy: RetryPolicy,
    seed: u64,
    cursor: PageCursor,
    current: Option<(u64, Retrying<Op>)>,
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
        Self { query, cfg: cfg.clone(), policy, seed, cursor, current: None, last_page: None }
    }

    /// Where the walk stands now.
    pub fn cursor(&self) -> PageCursor {
        self.cursor
    }
}

impl<Op: Paged> Machine for Paginator<Op> {
    type Output = Option<Page<Op::Item>>;

    fn poll(&mut self, now: Timestamp) -> Step<Self::Output> {
        if self.current.is_none() {
            let Some(page) = self.cursor.next_page else {
                return Step::Done(None);
            };
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
                let (items, meta) = Op::into_parts(output);
                let pagination = meta.pagination;
                self.last_page = pagination.last_page;
                match pagination.next_page {
                    Some(next) if next <= page => {
                        return Step::Failed(Error::PaginationStalled { page, next })
                    }
                    next => self.cursor.next_page = next,
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
        let next = page.checked_add(1).filter(|next| self.last_page.is_some_and(|last| *next <= last))?;
        self.query.at_page(next, self.cursor.per_page).to_request(&self.cfg).ok()
    }
}
