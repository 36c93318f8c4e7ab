//! A virtual-time driver for the machines' own tests. Each answer says how long its exchange
//! took; sleeps move the clock by what the machine asked. Nothing really waits.

use std::time::Duration;

use crate::error::{Error, TransportFailure};
use crate::machine::{Machine, Step, TimeLeft, Timestamp};
use crate::wire::{HttpRequest, HttpResponse};

/// How one exchange goes.
pub(crate) enum Answer {
    /// A response after this long.
    After(Duration, HttpResponse),
    /// A transport failure after this long.
    FailAfter(Duration, TransportFailure),
    /// No answer: the exchange times out after the driver's request timeout, or sooner when
    /// the request carries less [`TimeLeft`], as the clients' transports do.
    Silence,
}

/// What a drive did.
pub(crate) struct Drive<T> {
    pub(crate) outcome: Result<T, Error>,
    pub(crate) now: Timestamp,
    pub(crate) sent: Vec<(Timestamp, HttpRequest)>,
    pub(crate) slept: Vec<Duration>,
}

/// Runs `machine` to its end, at most `max_steps` steps, with `request_timeout` as the
/// driver's own timeout per exchange.
pub(crate) fn drive<M: Machine>(
    machine: &mut M,
    request_timeout: Duration,
    max_steps: usize,
    mut answer: impl FnMut(&HttpRequest, Timestamp) -> Answer,
) -> Drive<M::Output> {
    let mut now = Timestamp::ZERO;
    let mut sent = Vec::new();
    let mut slept = Vec::new();
    for _ in 0..max_steps {
        match machine.poll(now) {
            Step::Send(request) => {
                let timeout = TimeLeft::bound(&request, request_timeout);
                let reply = answer(&request, now);
                sent.push((now, request));
                match reply {
                    Answer::After(took, response) if took < timeout => {
                        now = now + took;
                        machine.handle_response(now, response);
                    }
                    Answer::FailAfter(took, failure) if took < timeout => {
                        now = now + took;
                        machine.handle_transport_error(now, failure);
                    }
                    _ => {
                        now = now + timeout;
                        machine.handle_transport_error(now, TransportFailure::timeout());
                    }
                }
            }
            Step::Sleep(duration) => {
                slept.push(duration);
                now = now + duration;
            }
            Step::Done(output) => return Drive { outcome: Ok(output), now, sent, slept },
            Step::Failed(error) => return Drive { outcome: Err(error), now, sent, slept },
        }
    }
    panic!("the machine did not finish within {max_steps} steps");
}

/// A JSON response.
pub(crate) fn json(status: u16, body: &serde_json::Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).expect("JSON serializes"))
        .expect("a valid response")
}

/// The value of query parameter `name` of a request.
pub(crate) fn query_param(request: &HttpRequest, name: &str) -> Option<String> {
    request.uri().query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// A server as the API describes it, with this id, name and status.
pub(crate) fn server_json(id: u64, name: &str, status: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": name, "status": status, "created": "2026-01-01T00:00:00Z",
        "public_net": {"ipv4": null, "ipv6": null, "floating_ips": [], "firewalls": []},
        "private_net": [],
        "server_type": {
            "id": 1, "name": "cpx22", "description": "CPX22", "cores": 2, "memory": 4.0, "disk": 80.0,
            "prices": [], "storage_type": "local", "cpu_type": "shared", "architecture": "x86"
        },
        "datacenter": null,
        "location": {
            "id": 1, "name": "fsn1", "description": "Falkenstein DC Park 1", "country": "DE",
            "city": "Falkenstein", "latitude": 50.47612, "longitude": 12.370071, "network_zone": "eu-central"
        },
        "image": null, "iso": null, "rescue_enabled": false, "locked": false, "backup_window": null,
        "outgoing_traffic": null, "ingoing_traffic": null, "included_traffic": null,
        "protection": {"delete": false, "rebuild": false}, "labels": {}, "primary_disk_size": 80.0,
        "load_balancers": [], "volumes": [], "placement_group": null
    })
}

/// An action as the API describes it.
pub(crate) fn action_json(id: u64, command: &str, status: &str) -> serde_json::Value {
    let finished = if status == "running" { serde_json::Value::Null } else { "2026-01-01T00:01:00Z".into() };
    serde_json::json!({
        "id": id, "command": command, "status": status, "progress": 50,
        "started": "2026-01-01T00:00:00Z", "finished": finished,
        "resources": [{"id": 42, "type": "server"}], "error": null
    })
}
