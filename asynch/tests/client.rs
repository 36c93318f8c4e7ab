//! The client's shape and behaviour over an in-memory transport: `Send` futures, sharing
//! across tasks, lazy paging with a resumable cursor, waits, seeds and `from_env`.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{fast_retry, json_response, scripted_client, vector_response, Reply, Script};
use futures_util::StreamExt;
use hcloud_async::{
    Action, ActionId, ActionStatus, Client, CreateServer, ListServers, PageCursor, PageStream, ServerId,
    ServerStatus, SshKeyId, WaitPolicy,
};
use serde_json::{json, Value};

fn assert_send<T: Send>(_: &T) {}
fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

#[test]
fn the_client_is_clone_send_sync_and_every_future_is_send() {
    assert_send_sync_clone::<Client>();
    fn stream_is_send_unpin<T: Send + Unpin + 'static>() {}
    stream_is_send_unpin::<PageStream<ListServers>>();

    let client = scripted_client(&Script::default(), fast_retry(0));
    let servers = client.servers();
    let server = client.server(ServerId(1));
    let actions = client.actions();
    let action = client.action(ActionId(1));
    assert_send(&servers.get(ServerId(1)));
    assert_send(&servers.get_by_name("web"));
    assert_send(&servers.list_all(ListServers::all()));
    assert_send(&servers.list(ListServers::all()));
    assert_send(&servers.create(CreateServer::new("web", "cpx22", "ubuntu-24.04")));
    assert_send(&server.get());
    assert_send(&server.rename("x"));
    assert_send(&server.set_labels(BTreeMap::new()));
    assert_send(&server.delete());
    assert_send(&server.enable_rescue_with(|rescue| rescue.ssh_key(SshKeyId(1))));
    assert_send(&server.disable_rescue());
    assert_send(&server.enable_backup());
    assert_send(&server.disable_backup());
    assert_send(&server.wait_until_status_is(ServerStatus::Running));
    assert_send(&server.wait_until_status_with(ServerStatus::Running, WaitPolicy::default()));
    assert_send(&actions.get(ActionId(1)));
    assert_send(&actions.wait_for(Vec::<Action>::new()));
    assert_send(&actions.wait_for_with_progress(Vec::<Action>::new(), |_| {}));
    assert_send(&action.get());
    assert_send(&action.wait_until_status_is(ActionStatus::Success));
    assert_send(&action.wait_until_status_with(ActionStatus::Success, WaitPolicy::default()));
    assert_send(&client.execute(hcloud_core::servers::GetServer { id: ServerId(1) }));
}

/// A transport answering `GET /servers/{id}` with the vector server renamed after its id,
/// from any number of tasks at once.
#[derive(Clone, Default)]
struct Echo {
    seen: Arc<Mutex<Vec<String>>>,
}

impl hcloud_async::Transport for Echo {
    fn send(
        &self,
        request: hcloud_core::HttpRequest,
    ) -> hcloud_async::transport::BoxFuture<'_, Result<hcloud_core::HttpResponse, hcloud_async::TransportError>>
    {
        let path = request.uri().path().to_owned();
        self.seen.lock().unwrap().push(path.clone());
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
            let mut body: Value = serde_json::from_slice(vector_response("get_server").body()).unwrap();
            body["server"]["id"] = json!(id);
            body["server"]["name"] = json!(format!("server-{id}"));
            Ok(json_response(200, &body))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_tasks_share_one_client() {
    let echo = Echo::default();
    let client = Client::builder(hcloud_testkit::vectors::config()).transport(echo.clone()).build().unwrap();
    let tasks: Vec<_> = (1..=8u64)
        .map(|id| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut names = Vec::new();
                for _ in 0..3 {
                    names.push(client.servers().get(ServerId(id)).await.unwrap().name);
                }
                names
            })
        })
        .collect();
    for (index, task) in tasks.into_iter().enumerate() {
        let names = task.await.unwrap();
        assert_eq!(names, vec![format!("server-{}", index + 1); 3]);
    }
    assert_eq!(echo.seen.lock().unwrap().len(), 24);
}

/// A page of `n` servers starting at id `first`, with the given pagination.
fn page(first: u64, n: u64, page: u64, next: Option<u64>) -> hcloud_core::HttpResponse {
    let template: Value = serde_json::from_slice(vector_response("get_server").body()).unwrap();
    let servers: Vec<Value> = (first..first + n)
        .map(|id| {
            let mut server = template["server"].clone();
            server["id"] = json!(id);
            server["name"] = json!(format!("s{id}"));
            server
        })
        .collect();
    let body = json!({
        "servers": servers,
        "meta": {"pagination": {
            "page": page, "per_page": 2, "previous_page": null, "next_page": next,
            "last_page": 3, "total_entries": 5
        }}
    });
    json_response(200, &body)
}

#[tokio::test]
async fn the_stream_fetches_pages_lazily_and_resumes_from_its_cursor() {
    let script = Script::new([
        Reply::Response(page(1, 2, 1, Some(2))),
        Reply::Response(page(3, 2, 2, Some(3))),
        Reply::Response(page(5, 1, 3, None)),
    ]);
    let client = scripted_client(&script, fast_retry(0));
    let filter =
        ListServers { label_selector: Some("env=prod".into()), per_page: Some(2), ..ListServers::all() };
    let start = PageCursor { next_page: Some(1), per_page: 2 };
    let mut stream = client.pages_from(filter.clone(), start);
    assert!(script.requests().is_empty(), "nothing is fetched before the first poll");

    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id, ServerId(1));
    assert_eq!(script.requests().len(), 1);
    assert_eq!(stream.buffered_count(), 1);
    assert_eq!(stream.cursor(), PageCursor { next_page: Some(2), per_page: 2 }, "the next page to fetch");
    stream.next().await.unwrap().unwrap();
    assert_eq!(stream.buffered_count(), 0, "a page boundary: the cursor covers all not yet seen");
    let boundary = stream.cursor();
    assert_eq!(boundary, PageCursor { next_page: Some(2), per_page: 2 });
    assert_eq!(script.requests().len(), 1, "page 2 is fetched only when page 1 is used up");
    drop(stream);

    // Resume from the boundary in a new walk: pages 2 and 3, nothing repeated or skipped.
    let rest: Vec<u64> = client.pages_from(filter, boundary).map(|s| s.unwrap().id.0).collect().await;
    assert_eq!(rest, [3, 4, 5]);
    assert_eq!(
        script.paths(),
        [
            "GET /v1/servers?label_selector=env%3Dprod&page=1&per_page=2",
            "GET /v1/servers?label_selector=env%3Dprod&page=2&per_page=2",
            "GET /v1/servers?label_selector=env%3Dprod&page=3&per_page=2",
        ]
    );
}

#[tokio::test]
async fn list_collects_every_page() {
    let script = Script::new([
        Reply::Response(page(1, 2, 1, Some(2))),
        Reply::Response(page(3, 2, 2, Some(3))),
        Reply::Response(page(5, 1, 3, None)),
    ]);
    let client = scripted_client(&script, fast_retry(0));
    let servers = client.servers().list_all(ListServers::all()).await.unwrap();
    assert_eq!(servers.iter().map(|s| s.id.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(script.paths()[0], "GET /v1/servers?page=1&per_page=50");
    assert_eq!(script.paths()[2], "GET /v1/servers?page=3&per_page=50");
}

#[tokio::test]
async fn the_stream_ends_after_its_first_error_and_keeps_the_failed_page_as_cursor() {
    let script = Script::new([
        Reply::Response(page(1, 2, 1, Some(2))),
        Reply::Response(vector_response("error_unauthorized")),
    ]);
    let client = scripted_client(&script, fast_retry(0));
    let mut stream = client.servers().list(ListServers::all());
    assert!(stream.next().await.unwrap().is_ok());
    assert!(stream.next().await.unwrap().is_ok());
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.is_authentication());
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    assert_eq!(stream.cursor().next_page, Some(2));
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn a_stalled_pagination_is_an_error_not_a_loop() {
    let script = Script::new([Reply::Response(page(1, 2, 1, Some(1)))]);
    let client = scripted_client(&script, fast_retry(0));
    let error = client.servers().list_all(ListServers::all()).await.unwrap_err();
    assert!(matches!(error.core(), Some(hcloud_core::Error::PaginationStalled { .. })), "{error:?}");
}

#[tokio::test]
async fn get_by_name_filters_by_name() {
    let script = Script::new([Reply::Response(page(7, 1, 1, None)), Reply::Response(page(1, 0, 1, None))]);
    let client = scripted_client(&script, fast_retry(0));
    let found = client.servers().get_by_name("s7").await.unwrap();
    assert_eq!(found.map(|s| s.id), Some(ServerId(7)));
    assert!(client.servers().get_by_name("missing").await.unwrap().is_none());
    assert_eq!(script.paths()[0], "GET /v1/servers?name=s7&page=1&per_page=50");
}

fn action(id: u64, status: &str, progress: u8) -> Value {
    json!({
        "id": id, "command": "start_server", "status": status, "progress": progress,
        "started": "2026-01-01T00:00:00Z",
        "finished": if status == "running" { Value::Null } else { json!("2026-01-01T00:00:05Z") },
        "resources": [{"id": 42, "type": "server"}],
        "error": if status == "error" { json!({"code": "action_failed", "message": "broke"}) } else { Value::Null }
    })
}

fn fast_waits(script: &Script) -> Client {
    Client::builder(hcloud_testkit::vectors::config())
        .transport(script.clone())
        .retry_policy(fast_retry(0))
        .action_wait_policy(WaitPolicy::attempts(10, Duration::from_millis(1)))
        .status_wait_policy(WaitPolicy::attempts(3, Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn wait_for_reports_progress_and_returns_the_final_actions() {
    let script = Script::new([
        Reply::Response(json_response(200, &json!({"actions": [action(5, "running", 50)]}))),
        Reply::Response(json_response(200, &json!({"actions": [action(5, "success", 100)]}))),
    ]);
    let client = fast_waits(&script);
    let running: Action = serde_json::from_value(action(5, "running", 0)).unwrap();
    let done: Action = serde_json::from_value(action(4, "success", 100)).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let finished = client
        .actions()
        .wait_for_with_progress([done, running], move |a| record.lock().unwrap().push(a.progress))
        .await
        .unwrap();
    assert_eq!(
        finished.iter().map(|a| (a.id.0, a.status.clone())).collect::<Vec<_>>(),
        [(4, ActionStatus::Success), (5, ActionStatus::Success)]
    );
    assert_eq!(*seen.lock().unwrap(), [50, 100]);
    assert_eq!(script.paths(), ["GET /v1/actions?id=5", "GET /v1/actions?id=5"]);
}

#[tokio::test]
async fn wait_for_fails_fast_on_a_failed_action() {
    let script =
        Script::new([Reply::Response(json_response(200, &json!({"actions": [action(5, "error", 100)]})))]);
    let client = fast_waits(&script);
    let running: Action = serde_json::from_value(action(5, "running", 0)).unwrap();
    let error = client.actions().wait_for([running]).await.unwrap_err();
    assert!(error.is_action_failed(), "{error:?}");
}

#[tokio::test]
async fn status_waits_give_up_at_the_policy_limit() {
    let script = Script::new((0..3).map(|_| Reply::Response(vector_response("get_server"))));
    let client = fast_waits(&script);
    // The vector server is running; waiting for `off` exhausts the 3 attempts.
    let error = client.server(ServerId(42)).wait_until_status_is(ServerStatus::Off).await.unwrap_err();
    assert!(error.is_wait_exhausted(), "{error:?}");
    assert_eq!(script.requests().len(), 3);

    let script = Script::new([Reply::Response(vector_response("get_action"))]);
    let client = fast_waits(&script);
    let done = client.action(ActionId(1)).wait_until_status_is(ActionStatus::Success).await.unwrap();
    assert_eq!(done.status, ActionStatus::Success);
}

#[test]
fn seeds_are_deterministic_when_fixed_and_distinct_otherwise() {
    let config = hcloud_testkit::vectors::config();
    let a = Client::builder(config.clone()).seed(1).build().unwrap();
    let b = Client::builder(config.clone()).seed(1).build().unwrap();
    assert_eq!((a.next_seed(), a.next_seed()), (b.next_seed(), b.next_seed()));
    let c = Client::new(config.clone()).unwrap();
    let d = Client::new(config).unwrap();
    assert_ne!(c.next_seed(), d.next_seed());
}

#[test]
fn from_env_names_the_missing_variable() {
    // The only test of this binary touching the environment.
    std::env::remove_var("HCLOUD_TOKEN");
    let error = Client::from_env().unwrap_err();
    assert!(error.is_config());
    assert!(error.to_string().contains("HCLOUD_TOKEN"), "{error}");
    std::env::set_var("HCLOUD_TOKEN", "abc");
    std::env::set_var("HCLOUD_ENDPOINT", "http://127.0.0.1:9/v1");
    let client = Client::from_env().unwrap();
    assert_eq!(client.config().endpoint(), "http://127.0.0.1:9/v1");
    std::env::set_var("HCLOUD_ENDPOINT", "ftp://nope");
    assert!(Client::from_env().unwrap_err().is_invalid_input());
    std::env::remove_var("HCLOUD_TOKEN");
    std::env::remove_var("HCLOUD_ENDPOINT");
}
