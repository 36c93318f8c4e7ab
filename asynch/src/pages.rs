//! [`PageStream`]: the lazy walk over every page of any list, as a [`Stream`].

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use hcloud_core::{Early, HttpRequest, HttpResponse, Page, PageCursor, Paged, Paginator};
use tokio::task::JoinHandle;

use crate::client::Client;
use crate::error::Result;
use crate::transport::TransportError;

/// A page fetch in progress: it owns the machine and the walk's early request while it runs.
type Fetch<Op> =
    Pin<Box<dyn Future<Output = (Paginator<Op>, Ahead, Result<Option<Page<<Op as Paged>::Item>>>)> + Send>>;

/// A lazy walk over every entry of a list, such as `client.volumes().list(filter)`: a
/// [`Stream`] of entries, with an inherent [`next`](Self::next) so no extra dependency is
/// needed to consume it.
///
/// `Send`, `Unpin` and `'static` (it holds a clone of the client), so it can be moved into a
/// task. It ends after the last page, or after yielding its first error; resume it with
/// [`Client::pages_from`] and [`cursor`](Self::cursor).
///
/// From the third page on (once an answer has said where the list ends), the request for the
/// next page goes out on a task of its own (`tokio::spawn`) as soon as the current page has
/// arrived, so its round trip overlaps the decoding of the current page and the time the
/// caller spends on its entries. Requests still go one at a time, in order, over the same
/// connection, and at most one page waits ahead; dropping the stream cancels it.
pub struct PageStream<Op: Paged> {
    client: Client,
    /// The core machine and the early request; `None` while a page fetch owns them.
    paginator: Option<(Paginator<Op>, Ahead)>,
    fetch: Option<Fetch<Op>>,
    buffer: VecDeque<Op::Item>,
    cursor: PageCursor,
    finished: bool,
}

impl<Op: Paged> std::fmt::Debug for PageStream<Op> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("cursor", &self.cursor)
            .field("buffered", &self.buffer.len())
            .field("fetching", &self.fetch.is_some())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

// Nothing in a page stream is pinned in place (the fetch is boxed), so it can move freely.
impl<Op: Paged> Unpin for PageStream<Op> {}

impl<Op> PageStream<Op>
where
    Op: Paged + Send + 'static,
    Op::Item: Send + 'static,
    Op::Output: Send + 'static,
{
    pub(crate) fn new(client: Client, paginator: Paginator<Op>) -> Self {
        let cursor = paginator.cursor();
        Self {
            client,
            paginator: Some((paginator, Ahead::default())),
            fetch: None,
            buffer: VecDeque::new(),
            cursor,
            finished: false,
        }
    }

    /// The next page to fetch (`next_page` is `None` once the list is exhausted; after an
    /// error, the page that failed). Entries already fetched but not yet yielded are not
    /// covered by it: resume from a cursor taken at a page boundary (when
    /// [`buffered_count`](Self::buffered_count) is 0) to see every entry exactly once.
    pub fn cursor(&self) -> PageCursor {
        self.cursor
    }

    /// How many fetched entries are waiting to be yielded.
    pub fn buffered_count(&self) -> usize {
        self.buffer.len()
    }

    /// The next entry, fetching the next page when the buffered ones are used up; `None`
    /// at the end.
    pub async fn next(&mut self) -> Option<Result<Op::Item>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<Op> Stream for PageStream<Op>
where
    Op: Paged + Send + 'static,
    Op::Item: Send + 'static,
    Op::Output: Send + 'static,
{
    type Item = Result<Op::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // Each pass yields, finishes, or absorbs one page; empty pages end with the list
        // (the core fails a `next_page` that does not advance), so the loop is bounded.
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            let fetch = match this.fetch.as_mut() {
                Some(fetch) => fetch,
                None => {
                    let Some((mut paginator, mut ahead)) = this.paginator.take() else {
                        this.finished = true;
                        return Poll::Ready(None);
                    };
                    let client = this.client.clone();
                    this.fetch.insert(Box::pin(async move {
                        let result = client.run_ahead(&mut paginator, &mut ahead).await;
                        (paginator, ahead, result)
                    }))
                }
            };
            let (paginator, ahead, result) = match fetch.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(done) => done,
            };
            this.fetch = None;
            this.cursor = paginator.cursor();
            this.paginator = Some((paginator, ahead));
            match result {
                Ok(Some(page)) => this.buffer.extend(page.items),
                Ok(None) => this.finished = true,
                Err(error) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = if self.finished { Some(self.buffer.len()) } else { None };
        (self.buffer.len(), upper)
    }
}

type Outcome = std::result::Result<HttpResponse, TransportError>;

/// A walk's request sent ahead of its turn, on a task of its own; dropping it cancels the task.
#[derive(Default)]
pub(crate) struct Ahead {
    early: Option<Early<Task>>,
}

struct Task(JoinHandle<Outcome>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Ahead {
    /// The outcome of `request` if it was sent early (waiting for it if need be). An early
    /// request that is not this one is cancelled.
    pub(crate) async fn take(&mut self, request: &HttpRequest) -> Option<Outcome> {
        let mut task = self.early.take().filter(|early| early.is_for(request))?.into_pending();
        // A task that panicked or was cancelled answers nothing, and the request is sent as
        // usual.
        (&mut task.0).await.ok()
    }

    /// Sends `request` on a task of its own, and lets that task run until it waits for the
    /// answer: on a current-thread runtime the request is then on its way while this task
    /// decodes the page that has just arrived.
    pub(crate) async fn send(&mut self, client: &Client, request: HttpRequest) {
        // Once more for the connection the last answer came on (see the transport): on a
        // multi-thread runtime the task that puts it back in the pool may not have run yet.
        tokio::task::yield_now().await;
        let client = client.clone();
        let sent = request.clone();
        let task = Task(tokio::spawn(async move { client.send(sent).await }));
        self.early = Some(Early::new(&request, task));
        tokio::task::yield_now().await;
    }
}
