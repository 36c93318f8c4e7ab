//! Virtual-time transcripts of every core machine: retrying, paging and waiting.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcloud_core::actions::GetAction;
use hcloud_core::servers::{CreateServer, GetServer, ListServers};
use hcloud_core::{
    Action, ActionId, ActionStatus, ActionWaiter, Config, Error, ErrorCode, PageCursor, Paginator, PollUntil,
    RetryPolicy, Retrying, ServerId, ServerStatus, TransportFailure, WaitLimit, WaitPolicy,
};
use hcloud_testkit::transcript::{api_error, json_response, Transcript};
use hcloud_testkit::Vector;
use serde_json::{json, Value};

fn cfg() -> Config {
    Config::new("t").unwrap()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn server_json(id: u64, status: &str) -> Value {
    let mut server = Vector::load("get_server").response.body.unwrap()["server"].clone();
    server["id"] = json!(id);
    server["name"] = json!(format!("web-{id}"));
    server["status"] = json!(status);
    server
}

fn action_json(id: u64, status: &str, progress: u8) -> Value {
    let finished = if status == "running" { Value::Null } else { json!("2026-01-01T00:01:00Z") };
    let error =
        if status == "error" { json!({"code": "action_failed", "message": "boom"}) } else { Value::Null };
    json!({
        "id": id, "command": "start_server", "status": status, "progress": progress,
        "started": "2026-01-01T00:00:00Z", "finished": finished,
        "resources": [{"id": 42, "type": "server"}], "error": error
    })
}

fn action(id: u64, status: &str) -> Action {
    serde_json::from_value(action_json(id, status, 0)).unwrap()
}

fn actions_body(list: &[Value]) -> Value {
    json!({"actions": list, "meta": {"pagination": {"page": 1, "per_page": 25, "previous_page": null,
        "next_page": null, "last_page": 1, "total_entries": list.len()}}})
}

fn page_body(ids: std::ops::RangeInclusive<u64>, page: u64, next: Option<u64>) -> Value {
    let servers: Vec<Value> = ids.map(|id| server_json(id, "running")).collect();
    json!({"servers": servers, "meta": {"pagination": {"page": page, "per_page": 50,
        "previous_page": if page > 1 { json!(page - 1) } else { Value::Null },
        "next_page": next, "last_page": 3, "total_entries": 120}}})
}

fn get_server(policy: RetryPolicy, seed: u64) -> Transcript<Retrying<GetServer>> {
    Transcript::new(Retrying::new(GetServer { id: ServerId(42) }, &cfg(), policy, seed))
}

// ---------------------------------------------------------------- retrying

#[test]
fn success_needs_one_request_and_no_sleep() {
    let mut t = get_server(RetryPolicy::default(), 1);
    t.expect_send("GET", "/servers/42");
    t.respond_json(200, &json!({"server": server_json(42, "running")}));
    assert_eq!(t.expect_done().id, ServerId(42));
    assert!(t.slept().is_empty());
}

#[test]
fn rate_limited_then_success_backs_off_at_least_a_second() {
    let mut t = get_server(RetryPolicy::default(), 7);
    t.expect_send("GET", "/servers/42");
    t.respond(api_error(429, "rate_limit_exceeded"));
    // First retry: ceiling 1 s, and never less than 1 s after a rate-limit answer.
    t.expect_sleep(secs(1));
    t.expect_send("GET", "/servers/42");
    t.respond_json(200, &json!({"server": server_json(42, "running")}));
    t.expect_done();
}

#[test]
fn retry_after_header_is_honoured_up_to_the_cap() {
    let mut t = get_server(RetryPolicy::default(), 7);
    t.expect_send("GET", "/servers/42");
    let mut busy = api_error(503, "rate_limit_exceeded");
    busy.headers_mut().insert("retry-after", "7".parse().unwrap());
    t.respond(busy);
    t.expect_sleep(secs(7));
    t.expect_send("GET", "/servers/42");
    let mut busy = api_error(429, "rate_limit_exceeded");
    busy.headers_mut().insert("retry-after", "3600".parse().unwrap());
    t.respond(busy);
    t.expect_sleep(secs(60));
}

#[test]
fn get_timeout_is_retried() {
    let mut t = get_server(RetryPolicy::default(), 3);
    t.expect_send("GET", "/servers/42");
    t.fail(TransportFailure::timeout());
    t.expect_sleep(Duration::from_millis(GET_TIMEOUT_SLEEP_SEED_3));
    t.expect_send("GET", "/servers/42");
    t.respond_json(200, &json!({"server": server_json(42, "running")}));
    t.expect_done();
}

fn create(policy: RetryPolicy) -> Transcript<Retrying<CreateServer>> {
    Transcript::new(Retrying::new(CreateServer::new("web", "cpx22", "ubuntu-24.04"), &cfg(), policy, 5))
}

#[test]
fn post_timeout_after_sending_is_not_resent() {
    let mut t = create(RetryPolicy::default());
    t.expect_send("POST", "/servers");
    t.fail(TransportFailure::timeout());
    assert_eq!(t.expect_failed(), Error::Transport(TransportFailure::timeout()));
    assert_eq!(t.sent().len(), 1);
}

#[test]
fn post_ambiguous_answers_are_not_resent_but_refusals_are() {
    for (status, code, resent) in [
        (502, "bad_gateway", false),
        (504, "timeout", false),
        (409, "conflict", true),
        (429, "rate_limit_exceeded", true),
    ] {
        let mut t = create(RetryPolicy::default());
        t.expect_send("POST", "/servers");
        t.respond(api_error(status, code));
        if resent {
            t.sleep();
            t.expect_send("POST", "/servers");
        } else {
            assert_eq!(t.expect_failed().code(), Some(&hcloud_testkit::errors::code_of(code)));
        }
    }
}

#[test]
fn post_is_resent_when_it_never_left_or_when_allowed() {
    let mut t = create(RetryPolicy::default());
    t.expect_send("POST", "/servers");
    t.fail(TransportFailure::connect());
    t.sleep();
    t.expect_send("POST", "/servers");

    let mut t = create(RetryPolicy { resend_ambiguous: true, ..RetryPolicy::default() });
    t.expect_send("POST", "/servers");
    t.fail(TransportFailure::timeout());
    t.sleep();
    t.expect_send("POST", "/servers");
}

#[test]
fn retries_stop_after_five_with_exponential_ceilings() {
    let mut t = get_server(RetryPolicy::default(), 11);
    for millis in FIVE_SLEEPS_SEED_11 {
        t.expect_send("GET", "/servers/42");
        t.respond(api_error(504, "timeout"));
        t.expect_sleep(Duration::from_millis(millis));
    }
    t.expect_send("GET", "/servers/42");
    t.respond(api_error(504, "timeout"));
    assert_eq!(t.expect_failed().code(), Some(&ErrorCode::Timeout));
    assert_eq!(t.sent().len(), 6);
}

/// The sleep of the first retry of a GET after a timeout, seed 3 (ceiling 1 s).
const GET_TIMEOUT_SLEEP_SEED_3: u64 = 191;
/// The sleeps of five retries with the default policy, seed 11 (ceilings 1, 2, 4, 8, 16 s).
const FIVE_SLEEPS_SEED_11: [u64; 5] = [603, 1315, 3249, 1610, 10403];

/// The documented backoff, written from its definition rather than taken from the core:
/// before retry `n` (from 0) a uniform whole number of milliseconds in
/// `[0, min(base * 2^n, cap)]`, each draw the next splitmix64 output (of the seed) modulo
/// the ceiling plus one.
fn reference_sleeps(seed: u64, retries: u32, policy: &RetryPolicy) -> Vec<u64> {
    let mut state = seed;
    (0..retries)
        .map(|n| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let ceiling =
                (policy.base_delay.as_millis() as u64 * (1u64 << n)).min(policy.max_delay.as_millis() as u64);
            z % (ceiling + 1)
        })
        .collect()
}

#[test]
fn backoff_is_full_jitter_under_doubling_ceilings_for_any_seed() {
    assert_eq!(reference_sleeps(11, 5, &RetryPolicy::default()), FIVE_SLEEPS_SEED_11);
    assert_eq!(reference_sleeps(3, 1, &RetryPolicy::default()), [GET_TIMEOUT_SLEEP_SEED_3]);
    let policies = [
        RetryPolicy::default(),
        RetryPolicy { max_retries: 8, base_delay: Duration::from_millis(300), ..RetryPolicy::default() },
        RetryPolicy { max_retries: 7, base_delay: secs(2), max_delay: secs(10), ..RetryPolicy::default() },
    ];
    for policy in policies {
        for seed in [0, 1, 42, 0xDEAD_BEEF, u64::MAX] {
            let mut t = get_server(policy.clone(), seed);
            for _ in 0..policy.max_retries {
                t.expect_send("GET", "/servers/42");
                t.fail(TransportFailure::timeout());
                t.sleep();
            }
            let slept: Vec<u64> = t.slept().iter().map(|d| d.as_millis() as u64).collect();
            assert_eq!(slept, reference_sleeps(seed, policy.max_retries, &policy), "seed {seed}, {policy:?}");
        }
    }
}

#[test]
fn jitter_is_deterministic_per_seed() {
    let run = |seed| {
        let mut t = get_server(RetryPolicy::default(), seed);
        for _ in 0..5 {
            t.expect_send("GET", "/servers/42");
            t.fail(TransportFailure::timeout());
            t.sleep();
        }
        t.slept().to_vec()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn final_errors_and_bad_input_fail_without_retrying() {
    let mut t = get_server(RetryPolicy::default(), 1);
    t.expect_send("GET", "/servers/42");
    t.respond(api_error(404, "not_found"));
    assert!(t.expect_failed().is_not_found());

    let mut t =
        Transcript::new(Retrying::new(GetServer { id: ServerId(0) }, &cfg(), RetryPolicy::default(), 1));
    assert!(matches!(t.expect_failed(), Error::Input(input) if input.field == "id"));
    assert!(t.sent().is_empty());
}

#[test]
fn polling_while_in_flight_or_after_the_end_is_a_misuse() {
    let mut t = get_server(RetryPolicy::default(), 1);
    t.expect_send("GET", "/servers/42");
    assert!(matches!(t.expect_failed(), Error::Misuse(_)));
    let mut t = get_server(RetryPolicy::default(), 1);
    t.expect_send("GET", "/servers/42");
    t.respond(api_error(404, "not_found"));
    t.expect_failed();
    assert!(matches!(t.expect_failed(), Error::Misuse(_)));
}

// ---------------------------------------------------------------- paging

fn paginator(cursor: PageCursor) -> Transcript<Paginator<ListServers>> {
    Transcript::new(Paginator::resume(ListServers::all(), &cfg(), RetryPolicy::default(), 1, cursor))
}

#[test]
fn three_pages_are_fetched_lazily_in_order() {
    let mut t = paginator(PageCursor::default());
    t.expect_send("GET", "/servers?page=1&per_page=50");
    t.respond_json(200, &page_body(1..=50, 1, Some(2)));
    assert_eq!(t.expect_done().unwrap().items.len(), 50);
    assert_eq!(t.machine().cursor().next_page, Some(2));
    t.expect_send("GET", "/servers?page=2&per_page=50");
    t.respond_json(200, &page_body(51..=100, 2, Some(3)));
    assert_eq!(t.expect_done().unwrap().items[0].id, ServerId(51));
    t.expect_send("GET", "/servers?page=3&per_page=50");
    t.respond_json(200, &page_body(101..=120, 3, None));
    assert_eq!(t.expect_done().unwrap().items.len(), 20);
    assert!(t.expect_done().is_none());
    assert!(t.expect_done().is_none(), "an exhausted walk stays exhausted");
    assert_eq!(t.sent().len(), 3);
}

#[test]
fn a_non_advancing_next_page_is_an_error() {
    let mut t = paginator(PageCursor::default());
    t.expect_send("GET", "/servers?page=1&per_page=50");
    t.respond_json(200, &page_body(1..=50, 1, Some(2)));
    t.expect_done();
    t.expect_send("GET", "/servers?page=2&per_page=50");
    t.respond_json(200, &page_body(51..=100, 2, Some(2)));
    assert_eq!(t.expect_failed(), Error::PaginationStalled { page: 2, next: 2 });
}

#[test]
fn a_walk_resumes_from_a_cursor_and_retries_a_failed_page() {
    let cursor: PageCursor = serde_json::from_value(json!({"next_page": 3, "per_page": 50})).unwrap();
    let mut t = paginator(cursor);
    t.expect_send("GET", "/servers?page=3&per_page=50");
    t.respond(api_error(500, "server_error"));
    assert!(t.expect_failed().is_server_error());
    assert_eq!(t.machine().cursor().next_page, Some(3), "the failed page is still next");
    t.expect_send("GET", "/servers?page=3&per_page=50");
    t.respond_json(200, &page_body(101..=120, 3, None));
    assert_eq!(t.expect_done().unwrap().items.len(), 20);
    assert!(t.expect_done().is_none());
}

// ---------------------------------------------------------------- action waiter

fn waiter(actions: Vec<Action>, policy: WaitPolicy) -> Transcript<ActionWaiter> {
    Transcript::new(ActionWaiter::new(actions, &cfg(), policy, RetryPolicy::default(), 1))
}

#[test]
fn finished_actions_need_no_request() {
    let mut t = waiter(vec![action(1, "success"), action(2, "success")], WaitPolicy::for_actions());
    let done = t.expect_done();
    assert_eq!(done.iter().map(|a| a.id.0).collect::<Vec<_>>(), [1, 2]);
    assert!(t.sent().is_empty() && t.slept().is_empty());

    let mut t = waiter(vec![action(1, "success"), action(2, "error")], WaitPolicy::for_actions());
    assert!(matches!(t.expect_failed(), Error::ActionFailed { id: ActionId(2), .. }));
    assert!(t.sent().is_empty());
}

#[test]
fn waiting_sleeps_then_polls_until_all_succeed_with_progress() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let machine = ActionWaiter::new(
        vec![action(2, "running"), action(1, "running")],
        &cfg(),
        WaitPolicy::for_actions(),
        RetryPolicy::default(),
        1,
    )
    .on_progress(move |a| log.lock().unwrap().push((a.id.0, a.progress)));
    let mut t = Transcript::new(machine);
    t.expect_sleep(Duration::from_millis(250));
    t.expect_send("GET", "/actions?id=1&id=2");
    t.respond_json(200, &actions_body(&[action_json(1, "running", 50), action_json(2, "success", 100)]));
    t.expect_sleep(Duration::from_millis(250));
    t.expect_send("GET", "/actions?id=1");
    t.respond_json(200, &actions_body(&[action_json(1, "running", 80)]));
    t.expect_sleep(Duration::from_millis(500));
    t.expect_send("GET", "/actions?id=1");
    t.respond_json(200, &actions_body(&[action_json(1, "success", 100)]));
    let done = t.expect_done();
    assert_eq!(
        done.iter().map(|a| (a.id.0, a.status.clone())).collect::<Vec<_>>(),
        [(2, ActionStatus::Success), (1, ActionStatus::Success)]
    );
    assert_eq!(*seen.lock().unwrap(), [(1, 50), (2, 100), (1, 80), (1, 100)]);
}

#[test]
fn thirty_ids_go_out_in_two_sorted_chunks_in_one_round() {
    let running: Vec<Action> = (1..=30).rev().map(|id| action(id, "running")).collect();
    let mut t = waiter(running, WaitPolicy::for_actions());
    t.expect_sleep(Duration::from_millis(250));
    let first: String = (1..=25).map(|id| format!("id={id}")).collect::<Vec<_>>().join("&");
    t.expect_send("GET", &format!("/actions?{first}"));
    let done: Vec<Value> = (1..=25).map(|id| action_json(id, "success", 100)).collect();
    t.respond_json(200, &actions_body(&done));
    t.expect_send("GET", "/actions?id=26&id=27&id=28&id=29&id=30");
    let done: Vec<Value> = (26..=30).map(|id| action_json(id, "success", 100)).collect();
    t.respond_json(200, &actions_body(&done));
    assert_eq!(t.expect_done().len(), 30);
    assert_eq!(t.slept().len(), 1);
}

#[test]
fn an_action_ending_in_error_fails_fast_with_its_code() {
    let mut t = waiter(vec![action(1, "running"), action(2, "running")], WaitPolicy::for_actions());
    t.expect_sleep(Duration::from_millis(250));
    t.expect_send("GET", "/actions?id=1&id=2");
    t.respond_json(200, &actions_body(&[action_json(1, "error", 100), action_json(2, "running", 10)]));
    match t.expect_failed() {
        Error::ActionFailed { id, code, message, command } => {
            assert_eq!(
                (id, code.as_str(), message.as_str(), command.as_str()),
                (ActionId(1), "action_failed", "boom", "start_server")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_ids_are_an_error_not_a_hang() {
    let mut t = waiter(vec![action(1, "running"), action(2, "running")], WaitPolicy::for_actions());
    t.expect_sleep(Duration::from_millis(250));
    t.expect_send("GET", "/actions?id=1&id=2");
    t.respond_json(200, &actions_body(&[action_json(1, "running", 10)]));
    assert_eq!(t.expect_failed(), Error::MissingActions(vec![ActionId(2)]));
}

#[test]
fn the_deadline_ends_the_wait_at_the_deadline_with_no_poll_it_leaves_no_time_for() {
    let policy = WaitPolicy {
        interval: secs(1),
        max_interval: secs(2),
        max_attempts: None,
        timeout: Some(Duration::from_millis(2500)),
    };
    let mut t = waiter(vec![action(1, "running")], policy);
    for pause in [1000, 1000] {
        t.expect_sleep(Duration::from_millis(pause));
        t.expect_send("GET", "/actions?id=1");
        t.respond_json(200, &actions_body(&[action_json(1, "running", 10)]));
    }
    t.expect_sleep(Duration::from_millis(500));
    let error = t.expect_failed();
    assert!(
        matches!(error, Error::WaitExhausted { limit: WaitLimit::Deadline, attempts: 2, .. }),
        "{error:?}"
    );
    assert_eq!(t.now(), hcloud_core::Timestamp::from_millis(2500));
}

#[test]
fn the_attempt_limit_ends_the_wait() {
    let policy = WaitPolicy { max_attempts: Some(2), ..WaitPolicy::for_actions() };
    let mut t = waiter(vec![action(1, "running")], policy);
    for _ in 0..2 {
        t.sleep();
        t.expect_send("GET", "/actions?id=1");
        t.respond_json(200, &actions_body(&[action_json(1, "running", 10)]));
    }
    assert!(t.expect_failed().is_wait_exhausted());
}

#[test]
fn a_rate_limited_poll_is_retried_inside_the_wait() {
    let mut t = waiter(vec![action(1, "running")], WaitPolicy::for_actions());
    t.expect_sleep(Duration::from_millis(250));
    t.expect_send("GET", "/actions?id=1");
    t.respond(api_error(429, "rate_limit_exceeded"));
    t.expect_sleep(secs(1));
    t.expect_send("GET", "/actions?id=1");
    t.respond_json(200, &actions_body(&[action_json(1, "success", 100)]));
    assert_eq!(t.expect_done()[0].status, ActionStatus::Success);
}

// ---------------------------------------------------------------- status waiter

#[test]
fn status_wait_polls_first_then_sleeps_between_polls() {
    let machine = PollUntil::server_status(
        ServerId(42),
        ServerStatus::Running,
        &cfg(),
        WaitPolicy::default(),
        RetryPolicy::default(),
        1,
    );
    let mut t = Transcript::new(machine);
    t.expect_send("GET", "/servers/42");
    t.respond_json(200, &json!({"server": server_json(42, "initializing")}));
    t.expect_sleep(secs(1));
    t.expect_send("GET", "/servers/42");
    t.respond_json(200, &json!({"server": server_json(42, "starting")}));
    t.expect_sleep(secs(1));
    t.expect_send("GET", "/servers/42");
    t.respond_json(200, &json!({"server": server_json(42, "running")}));
    assert_eq!(t.expect_done().status, ServerStatus::Running);
}

#[test]
fn status_wait_gives_up_after_its_attempts_or_its_deadline() {
    let policy = WaitPolicy::attempts(3, secs(2));
    let mut t = Transcript::new(PollUntil::server_status(
        ServerId(42),
        ServerStatus::Off,
        &cfg(),
        policy,
        RetryPolicy::default(),
        1,
    ));
    for round in 0..3 {
        if round > 0 {
            t.expect_sleep(secs(2));
        }
        t.expect_send("GET", "/servers/42");
        t.respond_json(200, &json!({"server": server_json(42, "running")}));
    }
    let error = t.expect_failed();
    assert!(
        matches!(&error, Error::WaitExhausted { limit: WaitLimit::Attempts(3), what, .. } if what == "server 42 to be off"),
        "{error:?}"
    );

    let policy = WaitPolicy::attempts(100, secs(2)).with_timeout(secs(3));
    let mut t = Transcript::new(PollUntil::server_status(
        ServerId(42),
        ServerStatus::Off,
        &cfg(),
        policy,
        RetryPolicy::default(),
        1,
    ));
    for pause in [0, 2] {
        if pause > 0 {
            t.expect_sleep(secs(pause));
        }
        t.expect_send("GET", "/servers/42");
        t.respond_json(200, &json!({"server": server_json(42, "running")}));
    }
    t.expect_sleep(secs(1));
    assert!(matches!(
        t.expect_failed(),
        Error::WaitExhausted { limit: WaitLimit::Deadline, attempts: 2, .. }
    ));
    assert_eq!(t.now(), hcloud_core::Timestamp::from_elapsed(secs(3)));
}

#[test]
fn action_status_wait_fails_fast_when_the_action_fails() {
    let machine: PollUntil<GetAction, _> = PollUntil::action_status(
        ActionId(5),
        ActionStatus::Success,
        &cfg(),
        WaitPolicy::default(),
        RetryPolicy::default(),
        1,
    );
    let mut t = Transcript::new(machine);
    t.expect_send("GET", "/actions/5");
    t.respond(json_response(200, &json!({"action": action_json(5, "running", 10)})));
    t.expect_sleep(secs(1));
    t.expect_send("GET", "/actions/5");
    t.respond(json_response(200, &json!({"action": action_json(5, "error", 100)})));
    assert!(t.expect_failed().is_action_failed());
}

/// Runs the default action wait against an action that finishes `finishes_after` into the
/// wait; returns when the wait ended and how many polls it made.
fn wait_for_one_finishing_after(finishes_after: Duration) -> (Duration, usize) {
    let mut t = waiter(vec![action(1, "running")], WaitPolicy::for_actions());
    let mut polls = 0;
    loop {
        t.sleep();
        t.expect_send("GET", "/actions?id=1");
        polls += 1;
        let done = t.now().elapsed() >= finishes_after;
        let status = if done { "success" } else { "running" };
        t.respond_json(200, &actions_body(&[action_json(1, status, if done { 100 } else { 50 })]));
        if done {
            t.expect_done();
            return (t.now().elapsed(), polls);
        }
        assert!(polls < 1000, "the wait never ends");
    }
}

#[test]
fn the_default_action_wait_ends_soon_after_the_action() {
    // A quick action is seen done at the first poll, a quarter second in.
    assert_eq!(wait_for_one_finishing_after(Duration::from_millis(200)), (Duration::from_millis(250), 1));
    // Longer ones are seen within a second of finishing, with one poll per second at most.
    for seconds in [1, 3, 10, 37] {
        let finished = Duration::from_secs(seconds);
        let (seen, polls) = wait_for_one_finishing_after(finished);
        assert!(
            seen >= finished && seen - finished <= Duration::from_secs(1),
            "{seconds} s: seen at {seen:?}"
        );
        assert!(polls as u64 <= seconds + 3, "{seconds} s: {polls} polls");
    }
}
