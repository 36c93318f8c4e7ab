//! The core's one-shot operations behind one type, for a small `.wasm`.
//!
//! [`Retrying`](hcloud_core::Retrying) is generic, so every operation type it runs gets its
//! own compiled copy of the machine. [`Call`] is one [`Operation`] for every one-shot call
//! this module offers, delegating each direction to the core's own operation, so one copy of
//! the machine serves them all. The module also builds the core without its `json-paths`
//! feature, so each response decoder is compiled once (decode errors then give a line and
//! column instead of a JSON path).

use hcloud_core::actions::GetAction;
use hcloud_core::servers::{CreateServer, CreatedServer, DeleteServer, GetServer};
use hcloud_core::{Action, Config, Error, HttpRequest, HttpResponse, Operation, Server};

/// A one-shot operation of the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `GET /servers/{id}`.
    GetServer(GetServer),
    /// `POST /servers`.
    CreateServer(Box<CreateServer>),
    /// `DELETE /servers/{id}`.
    DeleteServer(DeleteServer),
    /// `GET /actions/{id}`.
    GetAction(GetAction),
}

/// What a [`Call`] returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A server.
    Server(Box<Server>),
    /// A created server with its actions.
    Created(Box<CreatedServer>),
    /// An action.
    Action(Box<Action>),
}

impl Operation for Call {
    type Output = Reply;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        match self {
            Call::GetServer(op) => op.to_request(cfg),
            Call::CreateServer(op) => op.to_request(cfg),
            Call::DeleteServer(op) => op.to_request(cfg),
            Call::GetAction(op) => op.to_request(cfg),
        }
    }

    fn parse(&self, resp: HttpResponse) -> Result<Reply, Error> {
        match self {
            Call::GetServer(op) => op.parse(resp).map(|server| Reply::Server(Box::new(server))),
            Call::CreateServer(op) => op.parse(resp).map(|created| Reply::Created(Box::new(created))),
            Call::DeleteServer(op) => op.parse(resp).map(|action| Reply::Action(Box::new(action))),
            Call::GetAction(op) => op.parse(resp).map(|action| Reply::Action(Box::new(action))),
        }
    }

    fn idempotent(&self) -> bool {
        match self {
            Call::GetServer(op) => op.idempotent(),
            Call::CreateServer(op) => op.idempotent(),
            Call::DeleteServer(op) => op.idempotent(),
            Call::GetAction(op) => op.idempotent(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcloud_core::ServerId;

    fn response(status: u16, body: &str) -> HttpResponse {
        http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn requests_are_the_cores_and_errors_keep_their_types() {
        let cfg = Config::new("t").unwrap();
        let op = Call::GetServer(GetServer { id: ServerId(5) });
        assert_eq!(op.to_request(&cfg).unwrap().uri(), "https://api.hetzner.cloud/v1/servers/5");
        assert!(op.idempotent());
        assert!(!Call::CreateServer(Box::new(CreateServer::new("a", "cpx22", "ubuntu-24.04"))).idempotent());
        let missing = op.parse(response(404, r#"{"error": {"code": "not_found", "message": "gone"}}"#));
        assert!(missing.unwrap_err().is_not_found());
        let Err(Error::Decode(bad)) = op.parse(response(200, r#"{"server": {"id": "x"}}"#)) else {
            panic!("expected a decode error")
        };
        // A JSON path when the core is built with `json-paths` (as in a workspace build), a
        // line and column without it (as in the wasm build).
        assert!(bad.path == "server.id" || bad.path == "line 1 column 21", "{}", bad.path);
        assert_eq!(bad.status, 200);
        let invalid = Call::GetServer(GetServer { id: ServerId(0) }).to_request(&cfg).unwrap_err();
        assert!(invalid.is_invalid_input());
    }
}
