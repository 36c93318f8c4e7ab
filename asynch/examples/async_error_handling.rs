//! Shows how errors are classified: not found, invalid input (caught before sending),
//! authentication, and transport failures with their source chain.
//!
//! ```sh
//! cargo run -p hcloud-async --example async_error_handling               # in-process simulator
//! HCLOUD_TOKEN=... cargo run -p hcloud-async --example async_error_handling -- --live
//! ```

mod common;

use std::error::Error as _;
use std::time::Duration;

use hcloud_async::{Client, Config, CreateServer, Error, RetryPolicy, ServerId};

fn describe(what: &str, error: &Error) {
    let kind = if error.is_not_found() {
        "not found"
    } else if error.is_invalid_input() {
        "invalid input"
    } else if error.is_authentication() {
        "authentication"
    } else if error.is_rate_limited() {
        "rate limited"
    } else if error.is_transport() {
        "transport"
    } else if error.is_server_error() {
        "server error"
    } else {
        "other"
    };
    println!("{what}: {kind} error (retryable: {})", error.is_retryable());
    println!("    {error}");
    if let Some(code) = error.code() {
        println!("    code: {code}, HTTP {:?}", error.status().map(|s| s.as_u16()));
    }
    if let Some(id) = error.correlation_id() {
        println!("    correlation id: {id}");
    }
    let mut source = error.source();
    while let Some(cause) = source {
        println!("    caused by: {cause}");
        source = cause.source();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;

    // 1. A server that does not exist.
    match client.servers().get(ServerId(987_654_321)).await {
        Err(e) if e.is_not_found() => describe("get a missing server", &e),
        other => println!("unexpected: {other:?}"),
    }

    // 2. Input the core rejects before anything is sent.
    if let Err(e) =
        client.servers().create(CreateServer::new("not a valid name!", "cpx22", "ubuntu-24.04")).await
    {
        describe("create with a bad name", &e);
    }

    // 3. A token the API does not know.
    let bogus = Config::new("not-a-real-token")?.with_endpoint(client.config().endpoint())?;
    let bogus = Client::builder(bogus).build()?;
    if let Err(e) = bogus.servers().list_all(Default::default()).await {
        describe("list with a wrong token", &e);
    }

    // 4. Nothing listening: a refused connection, retried once quickly, then reported with
    //    its source.
    let nowhere = Config::new("any-token")?.with_endpoint("http://127.0.0.1:1/v1")?;
    let nowhere = Client::builder(nowhere)
        .retry_policy(RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()?;
    if let Err(e) = nowhere.servers().get(ServerId(1)).await {
        describe("get from a closed port", &e);
    }

    setup.finish();
    Ok(())
}
