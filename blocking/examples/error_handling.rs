//! Typed errors: classify with the helpers, read the API's code and correlation id.
//!
//! `cargo run -p hcloud-blocking --example error_handling [-- --live]`

mod common;

use hcloud_blocking::{Client, Config, CreateServer, Error, ServerId};

fn describe(what: &str, error: &Error) {
    let kind = if error.is_not_found() {
        "not found"
    } else if error.is_authentication() {
        "authentication"
    } else if error.is_invalid_input() {
        "invalid input"
    } else if error.is_rate_limited() {
        "rate limited"
    } else if error.is_transport() {
        "transport"
    } else {
        "other"
    };
    println!("{what}: {kind} error");
    println!("  message:        {error}");
    println!("  code:           {:?}", error.code().map(|c| c.as_str()));
    println!("  correlation id: {:?}", error.correlation_id());
    println!("  retryable:      {}", error.is_retryable());
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("error_handling")? else { return Ok(()) };
    let client = &target.client;

    match client.servers().get(ServerId(999_999_999)) {
        Ok(server) => println!("unexpectedly found {}", server.name),
        Err(error) if error.is_not_found() => describe("get of a missing server", &error),
        Err(error) => return Err(error.into()),
    }

    // Caught before anything is sent.
    let error =
        client.servers().create(CreateServer::new("not a hostname!", "cpx22", "ubuntu-24.04")).unwrap_err();
    describe("create with an invalid name", &error);

    // The same endpoint with a token the API does not know.
    let wrong = Client::new(Config::new("not-the-right-token")?.with_endpoint(client.config().endpoint())?)?;
    match wrong.servers().list_all(Default::default()) {
        Err(error) if error.is_authentication() => describe("list with a wrong token", &error),
        other => println!("list with a wrong token: {other:?}"),
    }

    // Nothing listens here: the transport error keeps its cause.
    let nowhere = Client::builder(Config::new("t")?.with_endpoint("http://127.0.0.1:9/v1")?)
        .retry_policy(hcloud_blocking::RetryPolicy::none())
        .build()?;
    let error = nowhere.servers().get(ServerId(1)).unwrap_err();
    describe("get from a closed port", &error);
    println!("  cause:          {:?}", std::error::Error::source(&error).map(|s| s.to_string()));
    target.finish();
    Ok(())
}
