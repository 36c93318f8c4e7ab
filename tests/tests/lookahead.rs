//! Sending a page early: the paginator offers the next page's request while the current answer
//! is being read, and a driver that sends it early hands its answer over when asked. The walk
//! sees the same pages in the same order as without, and no page is fetched twice.

use hcloud_core::servers::ListServers;
use hcloud_core::{
    Config, Early, HttpRequest, HttpResponse, Machine, Paginator, RetryPolicy, Step, Timestamp,
};
use serde_json::json;

fn page_number(request: &HttpRequest) -> u64 {
    let query = request.uri().query().unwrap_or_default();
    let page = query.split('&').find_map(|pair| pair.strip_prefix("page=")).expect("a page parameter");
    page.parse().expect("a page number")
}

/// Page `page` of a list whose answers claim `last(page)` as the last page, with one server
/// whose id is the page number.
fn answer(page: u64, last: u64) -> HttpResponse {
    let next = (page < last).then_some(page + 1);
    let body = json!({
        "servers": [{"id": page, "name": format!("s{page}"), "status": "running", "created": "2026-01-01T00:00:00Z",
            "public_net": {"ipv4": null, "ipv6": null, "floating_ips": [], "firewalls": []}, "private_net": [],
            "server_type": {"id": 1, "name": "cx22", "description": "x", "cores": 2, "memory": 4.0, "disk": 40.0,
                "deprecated": false, "prices": [], "storage_type": "local", "cpu_type": "shared",
                "architecture": "x86", "locations": []},
            "location": {"id": 1, "name": "fsn1", "description": "x", "country": "DE", "city": "F",
                "latitude": 0.0, "longitude": 0.0, "network_zone": "eu-central"},
            "image": null, "iso": null, "rescue_enabled": false, "locked": false, "backup_window": null,
            "outgoing_traffic": null, "ingoing_traffic": null, "included_traffic": null,
            "protection": {"delete": false, "rebuild": false}, "labels": {}, "primary_disk_size": 40.0}],
        "meta": {"pagination": {"page": page, "per_page": 1, "previous_page": null, "next_page": next,
            "last_page": last, "total_entries": null}}
    });
    http::Response::builder().status(200).body(serde_json::to_vec(&body).unwrap()).unwrap()
}

/// What a walk did: the ids seen, the pages requested in order (early ones marked), and how
/// many early answers were used.
#[derive(Debug, Default, PartialEq)]
struct Walk {
    ids: Vec<u64>,
    requested: Vec<(u64, bool)>,
    used_early: usize,
    error: Option<String>,
}

/// Walks every page, sending each offered request early when `early` is set; page `p`'s
/// answer claims `last(p)` as the last page.
fn walk(early: bool, last: impl Fn(u64) -> u64) -> Walk {
    let walk = walk_at_most(u64::MAX, early, last);
    assert_eq!(walk.error, None, "an uncapped walk ends without an error");
    walk
}

/// The same walk, stopped after `cap` pages.
fn walk_at_most(cap: u64, early: bool, last: impl Fn(u64) -> u64) -> Walk {
    let cfg = Config::new("t").unwrap();
    let mut pages = Paginator::new(ListServers::all(), &cfg, RetryPolicy::none(), 1).with_max_pages(cap);
    let mut walk = Walk::default();
    let mut held: Option<Early<HttpResponse>> = None;
    for _ in 0..100 {
        match pages.poll(Timestamp::ZERO) {
            Step::Send(request) => {
                let response = match held.take() {
                    Some(kept) if kept.is_for(&request) => {
                        walk.used_early += 1;
                        kept.into_pending()
                    }
                    _ => {
                        let page = page_number(&request);
                        walk.requested.push((page, false));
                        answer(page, last(page))
                    }
                };
                if early {
                    if let Some(next) = pages.lookahead() {
                        let page = page_number(&next);
                        walk.requested.push((page, true));
                        held = Some(Early::new(&next, answer(page, last(page))));
                    }
                }
                pages.handle_response(Timestamp::ZERO, response);
            }
            Step::Done(Some(page)) => walk.ids.extend(page.items.iter().map(|s| s.id.get())),
            Step::Done(None) => return walk,
            Step::Sleep(_) => panic!("no sleeps without failures"),
            Step::Failed(error) => {
                walk.error = Some(error.to_string());
                return walk;
            }
        }
    }
    panic!("the walk did not end");
}

#[test]
fn every_page_after_the_second_is_sent_early_and_used() {
    let plain = walk(false, |_| 5);
    assert_eq!(plain.ids, vec![1, 2, 3, 4, 5]);
    let early = walk(true, |_| 5);
    assert_eq!(early.ids, plain.ids);
    // Page 1 says where the list ends, so from page 3 on every page is sent early.
    assert_eq!(early.requested, vec![(1, false), (2, false), (3, true), (4, true), (5, true)]);
    assert_eq!(early.used_early, 3);
}

#[test]
fn nothing_is_offered_for_a_single_page_or_past_the_last() {
    let one = walk(true, |_| 1);
    assert_eq!((one.ids, one.requested, one.used_early), (vec![1], vec![(1, false)], 0));
    let two = walk(true, |_| 2);
    assert_eq!(two.requested, vec![(1, false), (2, false)]);
}

#[test]
fn a_list_that_shrinks_drops_the_early_page_and_ends_where_the_answer_says() {
    // Pages 1 and 2 say the list has 6 pages; page 3 says it ends there.
    let shrunk = walk(true, |page| if page < 3 { 6 } else { 3 });
    assert_eq!(shrunk.ids, vec![1, 2, 3]);
    assert_eq!(shrunk.requested, vec![(1, false), (2, false), (3, true), (4, true)]);
    assert_eq!(shrunk.used_early, 1, "page 4 was sent early, and never used");
}

#[test]
fn a_list_that_grows_is_walked_to_its_new_end() {
    let grown = walk(true, |page| if page < 2 { 2 } else { 4 });
    assert_eq!(grown.ids, vec![1, 2, 3, 4]);
    assert_eq!(grown.requested, vec![(1, false), (2, false), (3, false), (4, true)]);
}

#[test]
fn an_early_request_matches_only_itself() {
    let cfg = Config::new("t").unwrap();
    let request = |page| {
        use hcloud_core::Operation;
        use hcloud_core::Paged;
        ListServers::all().at_page(page, 50).to_request(&cfg).unwrap()
    };
    let early = Early::new(&request(3), ());
    assert!(early.is_for(&request(3)));
    assert!(!early.is_for(&request(4)));
    let mut post = request(3);
    *post.method_mut() = http::Method::POST;
    assert!(!early.is_for(&post));
    let mut with_body = request(3);
    *with_body.body_mut() = b"{}".to_vec();
    assert!(!early.is_for(&with_body));
}

#[test]
fn no_page_past_the_cap_is_sent_early() {
    // The list claims 10 pages; the walk may fetch only `cap` of them, early or not.
    for cap in 1..=5 {
        let capped = walk_at_most(cap, true, |_| 10);
        let pages: Vec<u64> = capped.requested.iter().map(|(page, _)| *page).collect();
        assert_eq!(pages, (1..=cap).collect::<Vec<_>>(), "cap {cap}");
        assert_eq!(capped.ids, pages, "cap {cap}");
        assert_eq!(capped.used_early as u64, cap.saturating_sub(2), "cap {cap}");
        let error = capped.error.unwrap_or_else(|| panic!("cap {cap}: the walk ended without an error"));
        assert!(error.contains(&format!("{cap} pages")), "cap {cap}: {error}");
    }
}
