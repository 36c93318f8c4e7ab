//! [`Pages`]: the lazy walk over every page of any list, as an [`Iterator`].

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use hcloud_core::{Early, HttpRequest, HttpResponse, PageCursor, Paged, Paginator};

use crate::client::Client;
use crate::error::Result;
use crate::transport::TransportError;

/// A lazy walk over every entry of a list, such as `client.volumes().list(filter)`.
///
/// Each `next()` hands out a buffered entry or fetches the next page (with retries). The
/// walk ends after its first error; resume it with [`Client::pages_from`] and
/// [`cursor`](Self::cursor). It holds its own handle on the client, so it can be stored or
/// sent to another thread.
///
/// From the third page on (once an answer has said where the list ends), the request for the
/// next page goes out on a helper thread as soon as the current page has arrived, so its round
/// trip overlaps the decoding of the current page and the time the caller spends on its
/// entries. Requests still go one at a time, in order, and at most one page waits ahead; the
/// helper thread ends with the walk.
pub struct Pages<Op: Paged> {
    client: Client,
    pages: Paginator<Op>,
    buffer: VecDeque<Op::Item>,
    finished: bool,
    ahead: Ahead,
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
        Self { client, pages, buffer: VecDeque::new(), finished: false, ahead: Ahead::default() }
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
            match self.client.drive(&mut self.pages, Some(&mut self.ahead)) {
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

type Outcome = std::result::Result<HttpResponse, TransportError>;

/// A walk's request sent ahead of its turn, and the thread that sends it.
#[derive(Default)]
pub(crate) struct Ahead {
    /// Jobs for the helper thread, started with the first early request; it ends when this
    /// sender is dropped.
    worker: Option<Sender<(HttpRequest, SyncSender<Outcome>)>>,
    early: Option<Early<Receiver<Outcome>>>,
}

impl Ahead {
    /// The outcome of `request` if it was sent early (waiting for it if need be). An early
    /// request that is not this one is dropped.
    pub(crate) fn take(&mut self, request: &HttpRequest) -> Option<Outcome> {
        let early = self.early.take().filter(|early| early.is_for(request))?;
        // A helper thread that is gone answers nothing, and the request is sent as usual.
        early.into_pending().recv().ok()
    }

    /// Sends `request` on the helper thread. If no thread can be started, nothing is sent
    /// early and the walk goes on one page at a time.
    pub(crate) fn send(&mut self, client: &Client, request: HttpRequest) {
        if self.worker.is_none() {
            let (jobs, queue) = mpsc::channel::<(HttpRequest, SyncSender<Outcome>)>();
            let client = client.clone();
            let started = std::thread::Builder::new().name("hcloud-pages".into()).spawn(move || {
                for (request, reply) in queue {
                    // The walk may have moved on; then nobody waits for this answer.
                    let _ = reply.send(client.send(request));
                }
            });
            if started.is_err() {
                return;
            }
            self.worker = Some(jobs);
        }
        let (reply, outcome) = mpsc::sync_channel(1);
        let early = Early::new(&request, outcome);
        if self.worker.as_ref().is_some_and(|jobs| jobs.send((request, reply)).is_ok()) {
            self.early = Some(early);
        }
    }
}
