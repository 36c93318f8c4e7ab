//! Properties of the core's machines that hold whatever the operation: a machine borrowed
//! mutably drives the same as the machine itself, a token echoed by the server never reaches
//! an error, and `Debug` shows what runs but never the token.

use hcloud_core::servers::GetServer;
use hcloud_core::{Config, Error, ErrorCode, RetryPolicy, Retrying, ServerId, TransportFailure};
use hcloud_testkit::transcript::{json_response, Transcript};
use hcloud_testkit::Vector;
use serde_json::json;

const TOKEN: &str = "tok-3f9c2a81d4e6b7c5";

fn retrying() -> Retrying<GetServer> {
    Retrying::new(GetServer { id: ServerId(42) }, &Config::new(TOKEN).unwrap(), RetryPolicy::default(), 9)
}

#[test]
fn a_machine_borrowed_mutably_drives_like_the_machine_itself() {
    let server = Vector::load("get_server").response.body.unwrap();
    let mut machine = retrying();
    {
        let mut t = Transcript::new(&mut machine);
        t.expect_send("GET", "/servers/42");
        t.fail(TransportFailure::timeout());
        t.sleep();
        t.expect_send("GET", "/servers/42");
        t.respond_json(200, &server);
        assert_eq!(t.expect_done().id, ServerId(42));
    }
    assert_eq!(machine.retries(), 1);
}

#[test]
fn a_token_echoed_in_an_api_error_is_hidden_in_every_part() {
    let echo = format!("bad token {TOKEN}");
    let mut t = Transcript::new(retrying());
    t.expect_send("GET", "/servers/42");
    let body = json!({"error": {"code": format!("odd_{TOKEN}"), "message": echo, "details": null}});
    let mut answer = json_response(418, &body);
    answer.headers_mut().insert("x-correlation-id", format!("c-{TOKEN}").parse().unwrap());
    t.respond(answer);
    let error = t.expect_failed();
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert!(!api.message.contains(TOKEN) && api.message.starts_with("bad token "), "{}", api.message);
    assert!(matches!(&api.code, ErrorCode::Other(code) if !code.contains(TOKEN) && code.starts_with("odd_")));
    assert!(!api.correlation_id.as_deref().unwrap().contains(TOKEN));
    for shown in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

#[test]
fn machines_show_what_they_run_in_debug_without_the_token() {
    use hcloud_core::servers::ListServers;
    use hcloud_core::{PageCursor, Paginator};
    let cfg = Config::new(TOKEN).unwrap();
    let shown = [
        format!("{:?}", retrying()),
        format!("{:?}", Paginator::new(ListServers::all(), &cfg, RetryPolicy::default(), 1)),
        format!(
            "{:?}",
            Paginator::resume(
                ListServers::all(),
                &cfg,
                RetryPolicy::default(),
                1,
                PageCursor { next_page: Some(3), per_page: 20 }
            )
        ),
    ];
    assert!(shown[0].starts_with("Retrying") && shown[0].contains("GetServer") && shown[0].contains("42"));
    assert!(
        shown[1].starts_with("Paginator") && shown[1].contains("ListServers") && shown[1].contains("cursor")
    );
    assert!(shown[2].contains("next_page: Some(3)") && shown[2].contains("per_page: 20"), "{}", shown[2]);
    for text in &shown {
        assert!(!text.contains(TOKEN), "{text}");
    }
}
