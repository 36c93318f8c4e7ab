//! Parsing a 50-server list page into typed values versus into `serde_json::Value`.
//!
//! Run with `cargo bench -p hcloud-core`. A harness, not a test: it prints the time per page
//! from the median of several rounds, for two pages:
//!
//! - a project's page: servers of three types in two locations from four images, as a real
//!   project's page mixes a few of each;
//! - a page where every server's type, location, image and ISO differ (no two alike), the case
//!   where nothing on the page repeats.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hcloud_core::servers::ListServers;
use hcloud_core::Operation;

const ROUNDS: usize = 15;
const PAGES_PER_ROUND: u32 = 400;

/// A page of 50 servers; `kinds(i)` gives server `i` its type, location, image and ISO ids.
fn page_body(kinds: impl Fn(u64) -> [u64; 4]) -> Vec<u8> {
    let vector: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/get_server.json")).expect("vector is JSON");
    let template = &vector["response"]["body"]["server"];
    let servers: Vec<serde_json::Value> = (1..=50)
        .map(|id| {
            let mut server = template.clone();
            server["id"] = id.into();
            server["name"] = format!("web-{id}").into();
            let [kind, location, image, iso] = kinds(id);
            server["server_type"]["id"] = kind.into();
            server["server_type"]["name"] = format!("cx{kind}2").into();
            server["location"]["id"] = location.into();
            server["location"]["name"] = format!("loc{location}").into();
            server["image"]["id"] = image.into();
            server["iso"]["id"] = iso.into();
            server
        })
        .collect();
    let body = serde_json::json!({
        "servers": servers,
        "meta": {"pagination": {"page": 1, "per_page": 50, "previous_page": null, "next_page": 2,
                                 "last_page": 200, "total_entries": 10000}}
    });
    serde_json::to_vec(&body).expect("serializes")
}

fn median_per_page(mut work: impl FnMut()) -> Duration {
    let mut rounds: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..PAGES_PER_ROUND {
                work();
            }
            start.elapsed() / PAGES_PER_ROUND
        })
        .collect();
    rounds.sort();
    rounds[ROUNDS / 2]
}

fn compare(title: &str, body: Vec<u8>) {
    let response = http::Response::builder().status(200).body(body.clone()).expect("valid response");
    let op = ListServers::all();
    assert_eq!(op.parse(response.clone()).expect("the page parses").servers.len(), 50);

    // Both sides get the same input handling: the typed parse takes an owned response, so the
    // untyped side clones the same bytes first.
    let typed = median_per_page(|| {
        black_box(op.parse(black_box(response.clone())).expect("parses"));
    });
    let untyped = median_per_page(|| {
        let bytes = black_box(response.clone()).into_body();
        black_box(serde_json::from_slice::<serde_json::Value>(&bytes).expect("parses"));
    });
    println!("{title}: 50 servers, {} bytes", body.len());
    println!("  typed   (ListServers::parse)    {:>8.1} µs/page", typed.as_secs_f64() * 1e6);
    println!("  untyped (serde_json::Value)     {:>8.1} µs/page", untyped.as_secs_f64() * 1e6);
    println!("  typed / untyped                 {:>8.2}", typed.as_secs_f64() / untyped.as_secs_f64());
}

fn main() {
    compare("a project's page", page_body(|i| [i % 3 + 1, i % 2 + 1, i % 4 + 1, 1]));
    compare("no two alike", page_body(|i| [i, i, i, i]));
}
