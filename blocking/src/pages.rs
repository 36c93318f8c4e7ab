//! [`Pages`]: the lazy walk over every page of any list, as an [`Iterator`].

use std::collections::VecDeque;

use hcloud_core::{PageCursor, Paged, Paginator};

use crate::client::Client;
use crate::error::Result;

/// A lazy walk over every entry of a list, such as `client.volumes().list(filter)`.
///
/// Each `next()` hands out a buffered entry or fetches the next page (with retries). The
/// walk ends after its first error; resume it with [`Client::pages_from`] and
/// [`cursor`](Self::cursor). It holds its own handle on the client, so it can be stored or
/// sent to another thread.
pub struct Pages<Op: Paged> {
    client: Client,
    pages: Paginator<Op>,
    buffer: VecDeque<Op::Item>,
    finished: bool,
}

impl<Op: Paged + std::fmt::Debug> std::fmt::Debug for Pages<Op> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .field("finished", &self.finished)
            .finish()
    }
}

impl<Op: Paged> Pages<Op> {
    pub(crate) fn new(client: Client, pages: Paginator<Op>) -> Self {
        Self { client, pages, buffer: VecDeque::new(), finished: false }
    }

    /// The next page to fetch (none when the list is exhausted). Entries already fetched but
    /// not yet handed out are not covered by it: resume from a cursor taken at a page
    /// boundary (when [`buffered_count`](Self::buffered_count) is 0) to see every entry
    /// exactly once.
    pub fn cursor(&self) -> PageCursor {
        self.pages.cursor()
    }

    /// How many fetched entries are waiting to be handed out.
    pub fn buffered_count(&self) -> usize {
        self.buffer.len()
    }
}

impl<Op: Paged> Iterator for Pages<Op> {
    type Item = Result<Op::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        // Each pass fetches one page; the paginator refuses pages that do not advance, so
        // this ends after at most one pass per remaining page.
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            if self.finished {
                return None;
            }
            match self.client.run(&mut self.pages) {
                Ok(Some(page)) => self.buffer.extend(page.items),
                Ok(None) => self.finished = true,
                Err(error) => {
                    self.finished = true;
                    return Some(Err(error));
                }
            }
        }
    }
}

impl<Op: Paged> std::iter::FusedIterator for Pages<Op> {}
