//! Scenarios for walks that send the next page early: a list served slowly by a
//! [`Hostile`] server, and what a walk over it must show.

use std::time::Duration;

use serde_json::json;

use crate::hostile::{json as answer, pagination, server, Act, Hostile};

/// A list of `pages` pages with one server each (the id is the page number), every answer
/// `delay` after its request; answers past the last page are 404s.
pub fn slow_pages(pages: u64, delay: Duration) -> Hostile {
    Hostile::start(move |seen, _| {
        let page: u64 = seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        if !(1..=pages).contains(&page) {
            return crate::hostile::api_error(404, "not_found", "no such page");
        }
        let next = (page < pages).then_some(page + 1);
        let body = json!({"servers": [server(page, &format!("s{page}"), "running")],
            "meta": pagination(page, next, Some(pages), None)});
        Act::Later(delay, Box::new(answer(200, &body)))
    })
}

/// The pages a server was asked for, in order.
pub fn pages_asked(server: &Hostile) -> Vec<u64> {
    server
        .requests()
        .iter()
        .map(|seen| seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(0))
        .collect()
}

/// How long a walk over [`slow_pages`] may take when each caller spends `step` on each page
/// and the answers take `step` too: halfway between overlapping (two pages one after the
/// other, as the first answer says where the list ends, then one step per page: `pages + 2`
/// steps) and one page at a time (two steps per page).
pub fn overlapped_limit(pages: u64, step: Duration) -> Duration {
    step * (3 * u32::try_from(pages).expect("a small list") + 2) / 2
}
