//! A walk sends the next page's request while the caller works on the current page: every
//! page once, in order, over one connection, and sooner than one page at a time, on either
//! kind of tokio runtime.

use std::time::{Duration, Instant};

use hcloud_async::{Client, Config, ListServers};
use hcloud_testkit::early::{overlapped_limit, pages_asked, slow_pages};
use hcloud_testkit::hostile::Hostile;

fn client(server: &Hostile) -> Client {
    let config = Config::new("token").unwrap().with_endpoint(server.url()).unwrap();
    Client::builder(config).timeout(Duration::from_secs(10)).build().unwrap()
}

async fn overlapping_walk() {
    let (pages, step) = (8, Duration::from_millis(150));
    let server = slow_pages(pages, step);
    let start = Instant::now();
    let mut ids = Vec::new();
    let mut walk = client(&server).servers().list(ListServers::all());
    while let Some(server) = walk.next().await {
        ids.push(server.unwrap().id.get());
        tokio::time::sleep(step).await; // the caller's work on each entry
    }
    let took = start.elapsed();
    assert_eq!(ids, (1..=pages).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server), ids, "every page once, in order");
    assert_eq!(server.connections(), 1);
    assert!(took < overlapped_limit(pages, step), "{took:?}");
}

/// A walk of 40 pages; `connections` judges how many connections the server saw.
async fn long_walk(connections: impl Fn(usize) -> bool) {
    let server = slow_pages(40, Duration::ZERO);
    let mut walk = client(&server).servers().list(ListServers::all());
    let mut ids = Vec::new();
    while let Some(server) = walk.next().await {
        ids.push(server.unwrap().id.get());
    }
    assert_eq!(ids, (1..=40).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server), ids);
    assert!(connections(server.connections()), "{} connections", server.connections());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_page_is_fetched_while_the_caller_works_on_this_one() {
    overlapping_walk().await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_next_page_is_fetched_while_the_caller_works_on_this_one_on_one_thread() {
    overlapping_walk().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_walk_asks_for_every_page_once_over_one_connection() {
    // The connection an answer came on goes back to the pool from a task of reqwest's own. On
    // a multi-thread runtime a starved worker can run that task after the next request has
    // looked for an idle connection, and then a second one is opened; never more.
    long_walk(|n| (1..=2).contains(&n)).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_walk_asks_for_every_page_once_over_one_connection_on_one_thread() {
    long_walk(|n| n == 1).await;
}

#[tokio::test]
async fn a_walk_dropped_midway_cancels_its_early_page() {
    let server = slow_pages(10, Duration::from_millis(200));
    let mut walk = client(&server).servers().list(ListServers::all());
    for expected in 1..=3 {
        assert_eq!(walk.next().await.unwrap().unwrap().id.get(), expected);
    }
    drop(walk);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(pages_asked(&server), vec![1, 2, 3, 4], "page 4 went out early, and nothing after");
}
