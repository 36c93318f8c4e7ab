//! The async client against hostile servers on 127.0.0.1 (`hcloud_testkit::hostile`, on
//! threads of their own): the traps of the blocking client's suite, set again. Each test
//! names the defect of issue 11 it guards (`p1` … `p10`) or the trap it sets, and is bounded
//! in time and memory.

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use hcloud_async::hcloud_core;
use hcloud_async::{
    ActionStatus, Client, ClientBuilder, Config, CreateServer, ListServers, RetryPolicy, ServerId,
    ServerStatus, TransportFailureKind, WaitPolicy,
};
use hcloud_core::zones::GetZone;
use hcloud_core::{CreateOutcome, WaitLimit};
use hcloud_testkit::hostile::traps::{self, printed, quick_retries, PASSWORD, TOKEN};
use hcloud_testkit::hostile::{action, closed_port, deep_json, json, rfc3339, server, shows, Act, Hostile};
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

fn running(id: u64) -> hcloud_async::Action {
    serde_json::from_value(action(id, "start_server", "running")).unwrap()
}

/// Fails the test if `future` takes longer than `limit`.
async fn timed<T>(limit: Duration, future: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(limit + Duration::from_secs(30), future).await.expect("bounded");
    assert!(started.elapsed() <= limit, "took {:?}, more than {limit:?}", started.elapsed());
    out
}

// ------------------------------------------------------------- p1: secrets in Debug output

#[tokio::test]
async fn p1_a_create_answer_that_fails_to_decode_never_shows_the_root_password() {
    for body in traps::undecodable_creates() {
        let server = traps::created_with(body);
        let error = client(&server).servers().create(create()).await.unwrap_err();
        assert!(matches!(error.core(), Some(hcloud_core::Error::Decode(_))), "{error:?}");
        for shown in printed(&error) {
            assert!(!shows(&shown, PASSWORD), "{shown}");
        }
    }
}

#[tokio::test]
async fn p1_an_answer_echoing_the_token_never_gets_it_printed() {
    let server = traps::token_echo();
    let client = builder(&server.url()).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.servers().get(ServerId(1)).await.unwrap_err();
    for shown in printed(&error) {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert!(!format!("{client:?}").contains(TOKEN));
}

// ------------------------------------------------------------- p2: deadlines bound polls

#[tokio::test]
async fn p2_a_status_wait_ends_at_its_deadline_even_when_polls_hang() {
    let server = Hostile::start(|_, _| Act::Silence(Duration::from_secs(10)));
    let client = builder(&server.url()).timeout(Duration::from_secs(3)).build().unwrap();
    let policy = WaitPolicy::attempts(100, Duration::from_millis(50)).with_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let handle = client.server(ServerId(1));
    let error =
        timed(Duration::from_millis(2500), handle.wait_until_status_with(ServerStatus::Running, policy))
            .await
            .unwrap_err();
    assert!(
        matches!(error.core(), Some(hcloud_core::Error::WaitExhausted { limit: WaitLimit::Deadline, .. })),
        "{error:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(950));
}

#[tokio::test]
async fn p2_an_action_wait_ends_at_its_deadline_when_polls_are_slow() {
    let server = traps::slow_polls();
    let quick = traps::quick_wait(Some(Duration::from_secs(1)));
    let client = builder(&server.url()).action_wait_policy(quick).build().unwrap();
    let error =
        timed(Duration::from_millis(1400), client.actions().wait_for([running(1)])).await.unwrap_err();
    assert!(error.is_wait_exhausted(), "{error:?}");
}

// ------------------------------------------------------------- p4: failures before sending

#[tokio::test]
async fn p4_tls_that_cannot_be_set_up_is_a_failure_to_connect_and_a_get_is_retried() {
    for greeting in traps::NOT_TLS {
        let server = Hostile::greeting(greeting);
        let client = builder(&format!("https://{}/v1", server.addr())).build().unwrap();
        let error = client.servers().get(ServerId(1)).await.unwrap_err();
        let failure = error.transport_failure().unwrap();
        assert_eq!((failure.kind, failure.maybe_sent), (TransportFailureKind::Connect, false), "{error:?}");
        assert_eq!(server.connections(), 4);
    }
}

// ------------------------------------------------------------- p5: pagination traps

#[tokio::test]
async fn p5_an_endless_next_page_stops_at_last_page_or_total_entries() {
    for (last, total) in [(Some(3), None), (None, Some(150))] {
        let server = traps::endless_pages(last, total);
        assert_eq!(client(&server).servers().list_all(ListServers::all()).await.unwrap().len(), 3);
        assert_eq!(server.requests().len(), 3);
    }
}

#[tokio::test]
async fn p5_without_an_end_in_sight_the_page_cap_stops_the_walk() {
    let server = traps::endless_pages(None, None);
    let config = Config::new(TOKEN).unwrap().with_endpoint(server.url()).unwrap().with_max_pages(4);
    let client = Client::builder(config).retry_policy(RetryPolicy::none()).build().unwrap();
    let items: Vec<_> = client.servers().list(ListServers::all()).collect().await;
    assert_eq!(items.len(), 5);
    assert_eq!(items[4].as_ref().unwrap_err().core(), Some(&hcloud_core::Error::TooManyPages { limit: 4 }));
}

// ------------------------------------------------------------- p6: plaintext and odd endpoints

#[tokio::test]
async fn p6_plain_http_is_for_loopback_and_user_info_never_reaches_an_error() {
    let config = Config::new(TOKEN).unwrap();
    for refused in
        ["http://api.hetzner.cloud/v1", "http://user:secret-pw@127.0.0.1/v1", "https://x.example/v1#f"]
    {
        let error = config.clone().with_endpoint(refused).unwrap_err();
        assert!(error.is_invalid_input() && !error.to_string().contains("secret-pw"), "{error}");
    }
    let server = traps::bad_first_answer(json(200, &json!({"server": server(7, "web", "running")})));
    let url = format!("http://localhost:{}/v1", server.addr().port());
    assert_eq!(builder(&url).build().unwrap().servers().get(ServerId(7)).await.unwrap().id, ServerId(7));
}

// ------------------------------------------------------------- p8: resets and truncations

#[tokio::test]
async fn p8_a_get_whose_answer_is_cut_off_or_hung_up_is_asked_again() {
    for first in traps::bad_answers() {
        let server = traps::bad_first_answer(first);
        assert_eq!(client(&server).servers().get(ServerId(7)).await.unwrap().id, ServerId(7));
        assert_eq!(server.requests().len(), 2);
    }
}

#[tokio::test]
async fn p8_one_bad_poll_does_not_end_a_wait() {
    let server = traps::one_bad_poll_among_good_ones();
    let client = builder(&server.url()).action_wait_policy(traps::quick_wait(None)).build().unwrap();
    assert_eq!(client.actions().wait_for([running(1)]).await.unwrap()[0].status, ActionStatus::Success);
}

// ------------------------------------------------------------- p9: server text in Display

#[tokio::test]
async fn p9_server_sent_text_is_escaped_and_capped_in_display() {
    let server = traps::flooding_message();
    traps::assert_tamed(&client(&server).servers().get(ServerId(1)).await.unwrap_err().to_string());
}

// ------------------------------------------------------------- p10: messages

#[tokio::test]
async fn p10_a_transport_error_names_the_host() {
    let port = closed_port();
    let client =
        builder(&format!("http://127.0.0.1:{port}/v1")).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.servers().get(ServerId(1)).await.unwrap_err();
    assert_eq!(error.to_string(), format!("could not connect to 127.0.0.1:{port}"));
}

// ------------------------------------------------------------- the other traps

#[tokio::test]
async fn redirects_are_not_followed_and_the_token_stays_home() {
    let elsewhere = traps::bad_first_answer(json(200, &json!({"server": server(1, "stolen", "running")})));
    for status in [301, 302, 307, 308] {
        let server = traps::redirecting(status, format!("http://{}/v1/servers/1", elsewhere.addr()));
        let error = client(&server).servers().get(ServerId(1)).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
    }
    assert_eq!(elsewhere.connections(), 0);
}

#[tokio::test]
async fn an_endless_body_is_refused_at_the_limit_and_not_asked_for_again() {
    let server = Hostile::start(|_, _| Act::Flood);
    let error = timed(Duration::from_secs(60), client(&server).servers().get(ServerId(1))).await.unwrap_err();
    assert_eq!(error.transport_failure().map(|f| f.kind), Some(TransportFailureKind::TooLarge), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_slow_drip_and_a_silent_server_are_cut_at_the_timeout() {
    for server in traps::slow_servers() {
        let client = builder(&server.url())
            .retry_policy(quick_retries(1))
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        let error = timed(Duration::from_secs(3), client.servers().get(ServerId(1))).await.unwrap_err();
        assert_eq!(
            error.transport_failure().map(|f| f.kind),
            Some(TransportFailureKind::Timeout),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn deeply_nested_json_is_a_decode_error_not_a_crash() {
    let server = traps::created_with(deep_json(100_000));
    let error = client(&server).servers().get(ServerId(1)).await.unwrap_err();
    assert!(matches!(error.core(), Some(hcloud_core::Error::Decode(_))), "{error:?}");
}

#[tokio::test]
async fn retry_traps_are_bounded_and_a_create_is_never_resent() {
    let server = traps::retry_trap();
    let client = client(&server);
    assert!(timed(Duration::from_secs(2), client.servers().get(ServerId(1)))
        .await
        .unwrap_err()
        .is_rate_limited());
    assert_eq!(server.requests().len(), 4);
    assert!(client.servers().create(create()).await.unwrap_err().is_server_error());
    assert_eq!(server.requests().iter().filter(|r| r.method == "POST").count(), 1);
}

#[tokio::test]
async fn wait_traps_end_missing_actions_are_an_error_not_a_hang() {
    let server = traps::wrong_action();
    let client = client(&server);
    let error = timed(Duration::from_secs(3), client.actions().wait_for([running(1)])).await.unwrap_err();
    assert!(matches!(error.core(), Some(hcloud_core::Error::MissingActions(_))), "{error:?}");
}

#[tokio::test]
async fn names_labels_and_selectors_cannot_inject_into_the_request() {
    let server = traps::listing_nothing();
    let client = client(&server);
    let filter = ListServers::by_name(traps::INJECTED_NAME).label_selector(traps::INJECTED_SELECTOR);
    client.servers().list_all(filter).await.unwrap();
    assert!(client.execute(GetZone::new(traps::INJECTED_ZONE)).await.unwrap_err().is_not_found());
    traps::assert_in_place(&server.requests());
}

// ------------------------------------------------------------- recovering a lost create

fn recovering(server: &Hostile) -> Client {
    builder(&server.url()).recovery_policy(traps::quick_recovery()).build().unwrap()
}

#[tokio::test]
async fn a_lost_create_is_recovered_or_known_not_to_exist_or_a_conflict() {
    let now = rfc3339(SystemTime::now());
    let server = traps::losing_answers(Some(traps::web(json!({"env": "prod"}), &now)));
    let outcome = recovering(&server).create_with_recovery(create()).await.unwrap();
    let CreateOutcome::Recovered(recovered) = &outcome else { panic!("{outcome:?}") };
    assert_eq!((recovered.resource.id, recovered.running_actions.len()), (ServerId(42), 1));

    let server = traps::losing_answers(None);
    assert!(recovering(&server).create_with_recovery(create()).await.unwrap_err().is_not_created());

    let server = traps::losing_answers(Some(traps::web(json!({"env": "dev"}), &now)));
    assert!(recovering(&server).create_with_recovery(create()).await.unwrap_err().is_create_conflict());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_under_injected_faults_lose_and_duplicate_nothing() {
    let (sim, config) = traps::sim_losing_answers(4, 2, hcloud_sim::FaultKind::Truncate);
    let client = Client::builder(config)
        .retry_policy(quick_retries(3))
        .recovery_policy(traps::quick_recovery())
        .build()
        .unwrap();
    let tasks: Vec<_> = traps::numbered(8)
        .into_iter()
        .map(|name| {
            let client = client.clone();
            let create = CreateServer::new(name, "cpx22", "ubuntu-24.04");
            tokio::spawn(async move { client.create_with_recovery(create).await })
        })
        .collect();
    let mut recovered = 0;
    for task in tasks {
        recovered += usize::from(task.await.unwrap().unwrap().is_recovered());
    }
    assert_eq!(recovered, 3, "each lost answer was recovered");
    let listed = client.servers().list_all(ListServers::all()).await.unwrap();
    let mut names: Vec<String> = listed.into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(names, traps::numbered(8));
    sim.shutdown();
}

// ------------------------------------------------------------- tracing

#[cfg(feature = "tracing")]
#[tokio::test]
async fn tracing_reports_each_exchange_without_secrets() {
    let server = traps::traced_exchanges();
    let lines = hcloud_testkit::hostile::capture::Lines::default();
    let _guard = tracing::subscriber::set_default(lines.clone());
    client(&server).servers().get(ServerId(7)).await.unwrap();
    traps::assert_traced(&lines.lines());
}
