//! The blocking client against hostile servers on 127.0.0.1 (`hcloud_testkit::hostile`):
//! servers that lie about pages, stall, drip, hang up, redirect, flood, nest JSON without
//! end, echo secrets, or take a create and lose the answer. Each test names the defect of
//! issue 11 it guards (`p1` … `p10`) or the trap it sets. Every test is bounded in time (each
//! says by how much) and in memory (bodies stop at the client's limit). The async client's
//! suite sets the same traps.

use std::time::{Duration, SystemTime};

use hcloud_blocking::hcloud_core;
use hcloud_blocking::{
    ActionStatus, Client, ClientBuilder, Config, CreateServer, ListServers, RetryPolicy, ServerId,
    ServerStatus, TransportFailureKind, WaitPolicy,
};
use hcloud_core::zones::GetZone;
use hcloud_core::{CreateOutcome, WaitLimit};
use hcloud_testkit::hostile::traps::{self, printed, quick_retries, PASSWORD, TOKEN};
use hcloud_testkit::hostile::{
    action, closed_port, deep_json, json, rfc3339, server, shows, timed, Act, Hostile,
};
use serde_json::json;

fn builder(url: &str) -> ClientBuilder {
    let config = Config::new(TOKEN).unwrap().with_endpoint(url).unwrap();
    Client::builder(config)
        .retry_policy(quick_retries(3))
        .seed(11)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
}

fn client(server: &Hostile) -> Client {
    builder(&server.url()).build().unwrap()
}

fn create() -> CreateServer {
    CreateServer::new("web", "cpx22", "ubuntu-24.04").label("env", "prod")
}

fn running(id: u64) -> hcloud_blocking::Action {
    serde_json::from_value(action(id, "start_server", "running")).unwrap()
}

// ------------------------------------------------------------- p1: secrets in Debug output

#[test]
fn p1_a_create_answer_that_fails_to_decode_never_shows_the_root_password() {
    for body in traps::undecodable_creates() {
        let server = traps::created_with(body);
        let error = client(&server).servers().create(create()).unwrap_err();
        let Some(hcloud_core::Error::Decode(decode)) = error.core() else { panic!("{error:?}") };
        assert!(std::str::from_utf8(decode.body.expose()).unwrap().contains(PASSWORD), "the bytes are kept");
        for shown in printed(&error) {
            assert!(!shows(&shown, PASSWORD), "{shown}");
        }
        assert!(format!("{error:?}").contains(&format!("ResponseBody {{ len: {}", decode.body.len())));
    }
}

#[test]
fn p1_an_answer_echoing_the_token_never_gets_it_printed() {
    let server = traps::token_echo();
    let client = builder(&server.url()).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.servers().get(ServerId(1)).unwrap_err();
    for shown in printed(&error) {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert!(!format!("{client:?}").contains(TOKEN));
    assert_eq!(server.requests()[0].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

// ------------------------------------------------------------- p2: deadlines bound polls

#[test]
fn p2_a_status_wait_ends_at_its_deadline_even_when_polls_hang() {
    let server = Hostile::start(|_, _| Act::Silence(Duration::from_secs(10)));
    let client = builder(&server.url()).timeout(Duration::from_secs(3)).build().unwrap();
    let policy = WaitPolicy::attempts(100, Duration::from_millis(50)).with_timeout(Duration::from_secs(1));
    let (result, took) = timed(Duration::from_millis(2500), || {
        client.server(ServerId(1)).wait_until_status_with(ServerStatus::Running, policy)
    });
    let error = result.unwrap_err();
    assert!(
        matches!(error.core(), Some(hcloud_core::Error::WaitExhausted { limit: WaitLimit::Deadline, .. })),
        "{error:?}"
    );
    assert!(took >= Duration::from_millis(950), "{took:?}");
}

#[test]
fn p2_an_action_wait_ends_at_its_deadline_when_polls_are_slow() {
    let server = traps::slow_polls();
    let client = builder(&server.url())
        .action_wait_policy(traps::quick_wait(Some(Duration::from_secs(1))))
        .build()
        .unwrap();
    let (result, _) = timed(Duration::from_millis(1400), || client.actions().wait_for([running(1)]));
    assert!(result.unwrap_err().is_wait_exhausted());
}

// ------------------------------------------------------------- p4: failures before sending

#[test]
fn p4_tls_that_cannot_be_set_up_is_a_failure_to_connect_and_a_get_is_retried() {
    for greeting in traps::NOT_TLS {
        let server = Hostile::greeting(greeting);
        let client = builder(&format!("https://{}/v1", server.addr())).build().unwrap();
        let error = client.servers().get(ServerId(1)).unwrap_err();
        let failure = error.transport_failure().unwrap();
        assert_eq!((failure.kind, failure.maybe_sent), (TransportFailureKind::Connect, false), "{error:?}");
        assert_eq!(server.connections(), 4, "the first attempt and 3 retries");

        let error = client.servers().create(create()).unwrap_err();
        assert!(!error.transport_failure().unwrap().maybe_sent, "nothing of the create was sent: {error:?}");
    }
}

// ------------------------------------------------------------- p5: pagination traps

#[test]
fn p5_an_endless_next_page_stops_at_last_page_or_total_entries() {
    for (last, total) in [(Some(3), None), (None, Some(150))] {
        let server = traps::endless_pages(last, total);
        assert_eq!(client(&server).servers().list_all(ListServers::all()).unwrap().len(), 3);
        assert_eq!(server.requests().len(), 3);
    }
}

#[test]
fn p5_without_an_end_in_sight_the_page_cap_stops_the_walk() {
    let server = traps::endless_pages(None, None);
    let config = Config::new(TOKEN).unwrap().with_endpoint(server.url()).unwrap().with_max_pages(4);
    let client = Client::builder(config).retry_policy(RetryPolicy::none()).build().unwrap();
    let items: Vec<_> = client.servers().list(ListServers::all()).collect();
    assert_eq!(items.len(), 5);
    assert_eq!(items[4].as_ref().unwrap_err().core(), Some(&hcloud_core::Error::TooManyPages { limit: 4 }));
    assert_eq!(server.requests().len(), 4);
}

// ------------------------------------------------------------- p6: plaintext and odd endpoints

#[test]
fn p6_plain_http_is_for_loopback_and_endpoints_carry_no_fragment_or_user_info() {
    let config = Config::new(TOKEN).unwrap();
    for refused in [
        "http://api.hetzner.cloud/v1",
        "http://10.0.0.1:8080/v1",
        "https://api.hetzner.cloud/v1#frag",
        "http://user:secret-pw@127.0.0.1/v1",
        "https://",
    ] {
        let error = config.clone().with_endpoint(refused).unwrap_err();
        assert!(error.is_invalid_input(), "{refused}: {error:?}");
        assert!(!error.to_string().contains("secret-pw"), "{error}");
    }
    assert!(config.clone().allow_plain_http().with_endpoint("http://10.0.0.1:8080/v1").is_ok());
    assert_eq!(config.with_endpoint(" https://x.example/v1").unwrap().endpoint(), "https://x.example/v1");

    // Loopback over plain http works, by name too.
    let server = traps::bad_first_answer(json(200, &json!({"server": server(7, "web", "running")})));
    let url = format!("http://localhost:{}/v1", server.addr().port());
    assert_eq!(builder(&url).build().unwrap().servers().get(ServerId(7)).unwrap().id, ServerId(7));
}

// ------------------------------------------------------------- p8: resets and truncations

#[test]
fn p8_a_get_whose_answer_is_cut_off_or_hung_up_is_asked_again() {
    for first in traps::bad_answers() {
        let server = traps::bad_first_answer(first);
        assert_eq!(client(&server).servers().get(ServerId(7)).unwrap().id, ServerId(7));
        assert_eq!(server.requests().len(), 2);
    }
}

#[test]
fn p8_one_bad_poll_does_not_end_a_wait() {
    let server = traps::one_bad_poll_among_good_ones();
    let client = builder(&server.url()).action_wait_policy(traps::quick_wait(None)).build().unwrap();
    assert_eq!(client.actions().wait_for([running(1)]).unwrap()[0].status, ActionStatus::Success);
}

// ------------------------------------------------------------- p9: server text in Display

#[test]
fn p9_server_sent_text_is_escaped_and_capped_in_display() {
    let server = traps::flooding_message();
    let error = client(&server).servers().get(ServerId(1)).unwrap_err();
    traps::assert_tamed(&error.to_string());
    assert!(error.api().unwrap().message.len() <= 4100, "kept: {}", error.api().unwrap().message.len());
}

// ------------------------------------------------------------- p10: messages

#[test]
fn p10_a_transport_error_names_the_host() {
    let port = closed_port();
    let client =
        builder(&format!("http://127.0.0.1:{port}/v1")).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.servers().get(ServerId(1)).unwrap_err();
    assert_eq!(error.to_string(), format!("could not connect to 127.0.0.1:{port}"));
}

// ------------------------------------------------------------- the other traps

#[test]
fn redirects_are_not_followed_and_the_token_stays_home() {
    let elsewhere = traps::bad_first_answer(json(200, &json!({"server": server(1, "stolen", "running")})));
    for status in [301, 302, 307, 308] {
        let server = traps::redirecting(status, format!("http://{}/v1/servers/1", elsewhere.addr()));
        let error = client(&server).servers().get(ServerId(1)).unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
    }
    assert_eq!(elsewhere.connections(), 0);
}

#[test]
fn an_endless_body_is_refused_at_the_limit_and_not_asked_for_again() {
    let server = Hostile::start(|_, _| Act::Flood);
    let (result, _) = timed(Duration::from_secs(60), || client(&server).servers().get(ServerId(1)));
    let error = result.unwrap_err();
    assert_eq!(error.transport_failure().map(|f| f.kind), Some(TransportFailureKind::TooLarge), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_slow_drip_and_a_silent_server_are_cut_at_the_timeout() {
    for server in traps::slow_servers() {
        let client = builder(&server.url())
            .retry_policy(quick_retries(1))
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        let (result, _) = timed(Duration::from_secs(3), || client.servers().get(ServerId(1)));
        assert_eq!(result.unwrap_err().transport_failure().unwrap().kind, TransportFailureKind::Timeout);
    }
}

#[test]
fn deeply_nested_json_is_a_decode_error_not_a_crash() {
    let server = traps::created_with(deep_json(100_000));
    let error = client(&server).servers().get(ServerId(1)).unwrap_err();
    assert!(matches!(error.core(), Some(hcloud_core::Error::Decode(_))), "{error:?}");
}

#[test]
fn retry_traps_are_bounded_and_a_create_is_never_resent() {
    let server = traps::retry_trap();
    let client = client(&server);
    let (result, _) = timed(Duration::from_secs(2), || client.servers().get(ServerId(1)));
    assert!(result.unwrap_err().is_rate_limited());
    assert_eq!(server.requests().len(), 4);
    assert!(client.servers().create(create()).unwrap_err().is_server_error());
    assert_eq!(server.requests().iter().filter(|r| r.method == "POST").count(), 1);
}

#[test]
fn wait_traps_end_missing_actions_are_an_error_not_a_hang() {
    let server = traps::wrong_action();
    let client = client(&server);
    let (result, _) = timed(Duration::from_secs(3), || client.actions().wait_for([running(1)]));
    assert!(matches!(result.unwrap_err().core(), Some(hcloud_core::Error::MissingActions(_))));
}

#[test]
fn names_labels_and_selectors_cannot_inject_into_the_request() {
    let server = traps::listing_nothing();
    let client = client(&server);
    let filter = ListServers::by_name(traps::INJECTED_NAME).label_selector(traps::INJECTED_SELECTOR);
    client.servers().list_all(filter).unwrap();
    assert!(client.execute(GetZone::new(traps::INJECTED_ZONE)).unwrap_err().is_not_found());
    traps::assert_in_place(&server.requests());
}

// ------------------------------------------------------------- recovering a lost create

fn recovering(server: &Hostile) -> Client {
    builder(&server.url()).recovery_policy(traps::quick_recovery()).build().unwrap()
}

#[test]
fn a_create_whose_answer_is_lost_is_recovered_with_its_running_actions() {
    let server = traps::losing_answers(Some(traps::web(json!({"env": "prod"}), &rfc3339(SystemTime::now()))));
    let outcome = recovering(&server).create_with_recovery(create()).unwrap();
    let CreateOutcome::Recovered(recovered) = &outcome else { panic!("{outcome:?}") };
    assert_eq!((recovered.resource.id, recovered.running_actions.len()), (ServerId(42), 1));
    assert!(recovered.cause.outcome_unknown());
    assert_eq!(outcome.actions()[0].command, "start_server");
    assert_eq!(server.requests().iter().filter(|r| r.method == "POST").count(), 1, "never resent");
}

#[test]
fn a_create_that_made_nothing_says_so_and_one_that_differs_is_a_conflict() {
    let server = traps::losing_answers(None);
    assert!(recovering(&server).create_with_recovery(create()).unwrap_err().is_not_created());
    assert_eq!(server.requests().iter().filter(|r| r.method == "GET").count(), 2);

    let now = rfc3339(SystemTime::now());
    for found in
        [traps::web(json!({"env": "dev"}), &now), traps::web(json!({"env": "prod"}), "2020-01-01T00:00:00Z")]
    {
        let server = traps::losing_answers(Some(found));
        let error = recovering(&server).create_with_recovery(create()).unwrap_err();
        assert!(error.is_create_conflict(), "{error:?}");
    }
}

#[test]
fn concurrent_creates_under_injected_faults_lose_and_duplicate_nothing() {
    let (sim, config) = traps::sim_losing_answers(3, 1, hcloud_sim::FaultKind::BadGateway);
    let client = Client::builder(config)
        .retry_policy(quick_retries(3))
        .recovery_policy(traps::quick_recovery())
        .build()
        .unwrap();
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let creates: Vec<_> = traps::numbered(8)
            .into_iter()
            .map(|name| {
                let client = client.clone();
                let create = CreateServer::new(name, "cpx22", "ubuntu-24.04");
                scope.spawn(move || client.create_with_recovery(create))
            })
            .collect();
        creates.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|o| o.is_recovered()).count(), 3, "each lost answer was recovered");
    let mut names: Vec<String> =
        client.servers().list_all(ListServers::all()).unwrap().into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(names, traps::numbered(8));
    sim.shutdown();
}

// ------------------------------------------------------------- tracing

#[cfg(feature = "tracing")]
#[test]
fn tracing_reports_each_exchange_without_secrets() {
    let server = traps::traced_exchanges();
    let lines = hcloud_testkit::hostile::capture::Lines::default();
    let client = client(&server);
    tracing::subscriber::with_default(lines.clone(), || client.servers().get(ServerId(7)).unwrap());
    traps::assert_traced(&lines.lines());
}
