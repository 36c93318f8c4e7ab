//! No byte string and status fed to any parser makes it panic: random bytes, random JSON,
//! and real bodies cut or corrupted at random places.

use hcloud_core::actions::{GetAction, ListActionsByIds};
use hcloud_core::servers::{
    CreateServer, DeleteServer, DisableBackup, DisableRescue, EnableBackup, EnableRescue, GetServer,
    ListServers, UpdateServer,
};
use hcloud_core::{ActionId, HttpResponse, Operation, RateLimit, ServerId};
use proptest::prelude::*;

fn response(status: u16, body: Vec<u8>, header: Option<(String, String)>) -> HttpResponse {
    let mut builder = http::Response::builder().status(status);
    if let Some((name, value)) = header {
        builder = builder.header(name, value);
    }
    builder.body(body).unwrap()
}

/// Feeds one response to every operation's parser; returns how many succeeded.
fn parse_everywhere(resp: &HttpResponse) -> usize {
    let id = ServerId(1);
    let results = [
        ListServers::all().parse(resp.clone()).is_ok(),
        GetServer { id }.parse(resp.clone()).is_ok(),
        CreateServer::new("a", "b", "c").parse(resp.clone()).is_ok(),
        UpdateServer::rename(id, "a").parse(resp.clone()).is_ok(),
        DeleteServer { id }.parse(resp.clone()).is_ok(),
        EnableRescue { id, rescue_type: None, ssh_keys: vec![] }.parse(resp.clone()).is_ok(),
        DisableRescue { id }.parse(resp.clone()).is_ok(),
        EnableBackup { id }.parse(resp.clone()).is_ok(),
        DisableBackup { id }.parse(resp.clone()).is_ok(),
        GetAction { id: ActionId(1) }.parse(resp.clone()).is_ok(),
        ListActionsByIds::new([ActionId(1)]).parse(resp.clone()).is_ok(),
    ];
    let _ = RateLimit::from_headers(resp.headers());
    let _ = hcloud_core::wire::error_from(resp);
    results.iter().filter(|ok| **ok).count()
}

fn real_bodies() -> Vec<Vec<u8>> {
    hcloud_testkit::cases().into_iter().filter_map(|c| c.vector).map(|v| v.response().into_body()).collect()
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(201), Just(404), Just(429), Just(502), 100u16..600]
}

fn header() -> impl Strategy<Value = Option<(String, String)>> {
    let names = prop_oneof![
        Just("ratelimit-limit".to_owned()),
        Just("ratelimit-remaining".to_owned()),
        Just("ratelimit-reset".to_owned()),
        Just("x-correlation-id".to_owned()),
        Just("retry-after".to_owned()),
    ];
    proptest::option::of((names, "[ -~]{0,24}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(status in status(), body in proptest::collection::vec(any::<u8>(), 0..512), header in header()) {
        parse_everywhere(&response(status, body, header));
    }

    #[test]
    fn cut_or_corrupted_real_bodies_never_panic(
        pick in any::<prop::sample::Index>(),
        status in status(),
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
    ) {
        let bodies = real_bodies();
        let mut body = bodies[pick.index(bodies.len())].clone();
        for (at, byte) in flips {
            if !body.is_empty() {
                let i = at.index(body.len());
                body[i] = byte;
            }
        }
        let keep = cut.index(body.len() + 1);
        body.truncate(keep);
        parse_everywhere(&response(status, body, None));
    }

    #[test]
    fn arbitrary_json_never_panics(status in status(), json in arb_json()) {
        parse_everywhere(&response(status, serde_json::to_vec(&json).unwrap(), None));
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        prop_oneof![Just("running".to_owned()), Just("error".to_owned()), "[a-z_]{0,12}".prop_map(|s| s)]
            .prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("server".to_owned()),
        Just("servers".to_owned()),
        Just("action".to_owned()),
        Just("actions".to_owned()),
        Just("error".to_owned()),
        Just("code".to_owned()),
        Just("details".to_owned()),
        Just("meta".to_owned()),
        Just("id".to_owned()),
        "[a-z_]{1,10}".prop_map(|s| s),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn the_real_bodies_do_parse_somewhere() {
    // Guards the properties above: they feed inputs the parsers accept, too.
    let ok: usize = real_bodies().into_iter().map(|b| parse_everywhere(&response(200, b, None))).sum();
    assert!(ok > 20, "{ok}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_input_is_accepted_or_rejected_with_a_field_never_a_panic(
        name in ".{0,70}",
        key in ".{0,70}",
        value in ".{0,70}",
        selector in ".{0,40}",
        id in any::<u64>(),
    ) {
        let cfg = hcloud_core::Config::new("t").unwrap();
        let create = CreateServer {
            labels: [(key, value)].into(),
            ..CreateServer::new(name.clone(), "cpx22", "ubuntu-24.04")
        };
        for result in [
            create.to_request(&cfg).map(drop),
            UpdateServer::rename(ServerId(id), name).to_request(&cfg).map(drop),
            ListServers { label_selector: Some(selector), ..ListServers::all() }.to_request(&cfg).map(drop),
        ] {
            match result {
                Ok(()) => {}
                Err(hcloud_core::Error::Input(input)) => prop_assert!(!input.field.is_empty()),
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }
    }
}
