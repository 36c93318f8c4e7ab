//! A walk sends the next page's request while the caller works on the current page: every
//! page once, in order, over one connection, and sooner than one page at a time.

use std::time::{Duration, Instant};

use hcloud_blocking::{Client, Config, ListServers};
use hcloud_testkit::early::{overlapped_limit, pages_asked, slow_pages};
use hcloud_testkit::hostile::Hostile;

fn client(server: &Hostile) -> Client {
    let config = Config::new("token").unwrap().with_endpoint(server.url()).unwrap();
    Client::builder(config).timeout(Duration::from_secs(10)).build().unwrap()
}

#[test]
fn the_next_page_is_fetched_while_the_caller_works_on_this_one() {
    let (pages, step) = (8, Duration::from_millis(150));
    let server = slow_pages(pages, step);
    let start = Instant::now();
    let mut ids = Vec::new();
    for server in client(&server).servers().list(ListServers::all()) {
        ids.push(server.unwrap().id.get());
        std::thread::sleep(step); // the caller's work on each entry
    }
    let took = start.elapsed();
    assert_eq!(ids, (1..=pages).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server), ids, "every page once, in order");
    assert_eq!(server.connections(), 1);
    assert!(took < overlapped_limit(pages, step), "{took:?}");
}

#[test]
fn a_long_walk_asks_for_every_page_once_over_one_connection() {
    let server = slow_pages(40, Duration::ZERO);
    let ids: Vec<u64> =
        client(&server).servers().list(ListServers::all()).map(|s| s.unwrap().id.get()).collect();
    assert_eq!(ids, (1..=40).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server), ids);
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_walk_dropped_midway_asks_for_at_most_one_page_more() {
    let server = slow_pages(10, Duration::from_millis(50));
    let mut walk = client(&server).servers().list(ListServers::all());
    for expected in 1..=3 {
        assert_eq!(walk.next().unwrap().unwrap().id.get(), expected);
    }
    drop(walk);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(pages_asked(&server), vec![1, 2, 3, 4], "page 4 went out early, and nothing after");
}

#[test]
fn a_resumed_walk_starts_at_its_cursor_and_looks_ahead_again() {
    let server = slow_pages(6, Duration::ZERO);
    let client = client(&server);
    let mut walk = client.servers().list(ListServers::all());
    for _ in 0..2 {
        walk.next().unwrap().unwrap();
    }
    assert_eq!(walk.buffered_count(), 0);
    let cursor = walk.cursor();
    assert_eq!(cursor.next_page, Some(3), "the page sent early is not counted as read");
    drop(walk);
    let rest: Vec<u64> = client.pages_from(ListServers::all(), cursor).map(|s| s.unwrap().id.get()).collect();
    assert_eq!(rest, vec![3, 4, 5, 6]);
}
