//! The control endpoint under `/_sim`, outside the API's path: any client can
//! read and change the simulator's settings, inject faults and seed resources.
//!
//! | method and path | body | effect |
//! | --- | --- | --- |
//! | `GET /_sim` | | settings, virtual time, resource counts, faults |
//! | `PUT /_sim/config` | `{"action_seconds", "command_seconds": {cmd: s}, "fail_commands": [cmd], "rate_limit": {"capacity", "refill_per_sec"}}` (each optional) | changes settings |
//! | `GET /_sim/faults` | | the active fault rules |
//! | `POST /_sim/faults` | `{"kind", "method", "path", "after", "times", "status", "code", "message", "delay_seconds"}` | adds a rule |
//! | `DELETE /_sim/faults` | | removes every rule |
//! | `POST /_sim/seed` | `{"<collection>": [create bodies], "servers": N}` | creates resources at once |
//! | `POST /_sim/clock` | `{"advance_seconds": s}` | skips time forward (served by the HTTP server) |

use std::time::Duration;

use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::faults::{FaultKind, FaultRule};
use crate::input::parse_body;
use crate::sim::{error_response, to_json, ApiError, Ctx, Simulator};
use crate::store::Kind;
use crate::util::Query;

/// Where the control endpoint lives.
pub const CONTROL_PREFIX: &str = "/_sim";

/// The path below the control prefix, if the path is inside it.
pub(crate) fn below_control(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(CONTROL_PREFIX)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn fault_kind_name(k: &FaultKind) -> &'static str {
    match k {
        FaultKind::BadGateway => "bad_gateway",
        FaultKind::Unavailable => "unavailable",
        FaultKind::Timeout => "timeout",
        FaultKind::Error { .. } => "error",
        FaultKind::Delay(_) => "delay",
        FaultKind::Truncate => "truncate",
        FaultKind::Drop => "drop",
        FaultKind::DropAfterProcessing => "drop_after_processing",
    }
}

fn fault_json(r: &FaultRule) -> Value {
    let mut v = json!({
        "kind": fault_kind_name(&r.kind),
        "method": r.method.as_ref().map(|m| m.as_str().to_owned()),
        "path": r.path_prefix,
        "after": r.skip,
        "times": r.remaining,
    });
    match &r.kind {
        FaultKind::Error { status, code, message } => {
            v["status"] = json!(status);
            v["code"] = json!(code);
            v["message"] = json!(message);
        }
        FaultKind::Delay(d) => v["delay_seconds"] = json!(d.as_secs_f64()),
        _ => {}
    }
    v
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid_field(field, message)
}

fn seconds(v: &Value, field: &str) -> Result<Duration, ApiError> {
    v.as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| bad(field, "must be a non-negative number of seconds"))
}

/// Reads a fault rule from its JSON form.
pub(crate) fn parse_fault(body: &Map<String, Value>) -> Result<FaultRule, ApiError> {
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let kind = match text("kind").unwrap_or("") {
        "bad_gateway" => FaultKind::BadGateway,
        "unavailable" => FaultKind::Unavailable,
        "timeout" => FaultKind::Timeout,
        "truncate" => FaultKind::Truncate,
        "drop" => FaultKind::Drop,
        "drop_after_processing" => FaultKind::DropAfterProcessing,
        "delay" => FaultKind::Delay(seconds(body.get("delay_seconds").unwrap_or(&Value::Null), "delay_seconds")?),
        "error" => FaultKind::Error {
            status: body.get("status").and_then(Value::as_u64).filter(|s| (400..600).contains(s)).ok_or_else(|| bad("status", "must be 400 to 599"))?
                as u16,
            code: text("code").unwrap_or("server_error").to_owned(),
            message: text("message").unwrap_or("injected error").to_owned(),
        },
        other => {
            return Err(bad(
                "kind",
                format!("unknown fault kind '{other}' (bad_gateway, unavailable, timeout, error, delay, truncate, drop, drop_after_processing)"),
            ))
        }
    };
    let mut rule = FaultRule::new(kind);
    if let Some(m) = text("method") {
        rule = rule.method(
            Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| bad("method", "not an HTTP method"))?,
        );
    }
    if let Some(p) = text("path") {
        rule = rule.path(p);
    }
    if let Some(n) = body.get("after") {
        rule = rule.after(
            n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| bad("after", "must be a count"))?,
        );
    }
    if let Some(n) = body.get("times").filter(|v| !v.is_null()) {
        rule = rule.times(
            n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| bad("times", "must be a count"))?,
        );
    }
    Ok(rule)
}

impl Simulator {
    /// Everything `GET /_sim` shows.
    pub fn control_state(&self) -> Value {
        let c = &self.config;
        let counts: Map<String, Value> =
            Kind::ALL.iter().map(|k| (k.plural().to_owned(), json!(self.store.len(*k)))).collect();
        json!({
            "api_prefix": self.prefix,
            "now_seconds": self.now.as_secs_f64(),
            "epoch_unix": self.epoch,
            "action_seconds": c.action_duration.as_secs_f64(),
            "command_seconds": c.command_durations.iter().map(|(k, v)| (k.clone(), json!(v.as_secs_f64()))).collect::<Map<_, _>>(),
            "fail_commands": c.fail_commands,
            "rate_limit": {"capacity": c.rate_limit_capacity, "refill_per_sec": c.rate_limit_refill_per_sec},
            "counts": counts,
            "actions": self.actions.len(),
            "faults": self.faults().iter().map(fault_json).collect::<Vec<_>>(),
        })
    }

    /// Applies a `PUT /_sim/config` body.
    pub(crate) fn apply_control_config(&mut self, body: &Map<String, Value>) -> Result<(), ApiError> {
        let mut config = self.config.clone();
        if let Some(v) = body.get("action_seconds") {
            config.action_duration = seconds(v, "action_seconds")?;
        }
        if let Some(v) = body.get("command_seconds") {
            let map = v.as_object().ok_or_else(|| bad("command_seconds", "must map commands to seconds"))?;
            for (cmd, s) in map {
                config.command_durations.insert(cmd.clone(), seconds(s, "command_seconds")?);
            }
        }
        if let Some(v) = body.get("fail_commands") {
            let list = v.as_array().ok_or_else(|| bad("fail_commands", "must be a list of commands"))?;
            config.fail_commands = list.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect();
        }
        if let Some(v) = body.get("rate_limit") {
            let capacity = v["capacity"]
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .ok_or_else(|| bad("rate_limit.capacity", "must be a count"))?;
            let refill = v["refill_per_sec"]
                .as_f64()
                .filter(|r| r.is_finite() && *r >= 0.0)
                .unwrap_or(config.rate_limit_refill_per_sec);
            config = config.with_rate_limit(capacity, refill);
            self.reset_bucket(capacity);
        }
        self.config = config;
        Ok(())
    }

    /// Creates resources through the API's own create operations, with actions
    /// finishing at once; returns the new ids per collection.
    pub fn seed(&mut self, spec: &Value) -> Result<Value, String> {
        let spec = spec.as_object().ok_or("the seed must be a JSON object")?;
        let mut created = Map::new();
        self.instant = true;
        let result = (|| {
            for (collection, items) in spec {
                let kind = Kind::from_plural(collection)
                    .ok_or_else(|| format!("unknown collection '{collection}'"))?;
                let ids: Vec<u64> = match (kind, items) {
                    (Kind::Server, Value::Number(n)) => self.insert_servers(n.as_u64().unwrap_or(0) as usize),
                    (_, Value::Array(bodies)) => {
                        let mut ids = Vec::new();
                        for body in bodies {
                            ids.push(self.seed_one(kind, body)?);
                        }
                        ids
                    }
                    _ => return Err(format!("'{collection}' needs a list of create bodies")),
                };
                created.insert(collection.clone(), json!(ids));
            }
            Ok(())
        })();
        self.settle_all();
        self.instant = false;
        result.map(|()| Value::Object(created))
    }

    fn seed_one(&mut self, kind: Kind, body: &Value) -> Result<u64, String> {
        let bytes = to_json(body);
        let path = format!("/{}", kind.plural());
        let ctx = Ctx {
            method: &Method::POST,
            path: &path,
            full_path: &path,
            query: Query::parse(None),
            host: "localhost".to_owned(),
            body: &bytes,
        };
        match self.route(&ctx) {
            Ok(out) => {
                let v: Value = serde_json::from_slice(&out.body).map_err(|e| e.to_string())?;
                v[kind.singular()]["id"].as_u64().ok_or_else(|| format!("no id in {v}"))
            }
            Err(e) => Err(format!("{} {}: {} ({})", kind.plural(), body, e.message, e.code)),
        }
    }

    /// Finishes every pending action now (used after seeding).
    fn settle_all(&mut self) {
        let pending: Vec<(Duration, u64)> = self.pending.iter().copied().collect();
        for (_, id) in pending {
            if let Some(a) = self.actions.get_mut(&id) {
                a.finish_at = self.now;
            }
        }
        self.pending = self.pending.iter().map(|&(_, id)| (self.now, id)).collect();
        self.settle();
    }

    /// Answers a request below `/_sim`; `rest` is the path after the prefix.
    pub(crate) fn control(
        &mut self,
        method: &Method,
        rest: &str,
        _query: Option<&str>,
        body: &[u8],
    ) -> Response<Vec<u8>> {
        let result: Result<Value, ApiError> = (|| match (method, rest.trim_end_matches('/')) {
            (&Method::GET, "") => Ok(self.control_state()),
            (&Method::PUT, "/config") => {
                let b = parse_body(body, false)?;
                self.apply_control_config(&b)?;
                Ok(self.control_state())
            }
            (&Method::GET, "/faults") => {
                Ok(json!({"faults": self.faults().iter().map(fault_json).collect::<Vec<_>>()}))
            }
            (&Method::POST, "/faults") => {
                let rule = parse_fault(&parse_body(body, false)?)?;
                let v = fault_json(&rule);
                self.inject_fault(rule);
                Ok(json!({ "fault": v }))
            }
            (&Method::DELETE, "/faults") => {
                self.clear_faults();
                Ok(json!({"faults": []}))
            }
            (&Method::POST, "/seed") => {
                let spec: Value = serde_json::from_slice(body).map_err(|e| {
                    ApiError::new(StatusCode::BAD_REQUEST, "json_error", format!("invalid JSON: {e}"))
                })?;
                self.seed(&spec).map(|ids| json!({ "created": ids })).map_err(|m| bad("seed", m))
            }
            (_, "/clock") => Err(ApiError::not_found("clock (only a served simulator has one)")),
            _ => Err(ApiError::not_found("control endpoint")),
        })();
        match result {
            Ok(v) => {
                let mut r = Response::new(to_json(&v));
                r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                r
            }
            Err(e) => error_response(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_rules_round_trip_through_json() {
        let body = json!({"kind": "error", "status": 503, "code": "maintenance", "message": "m", "method": "post", "path": "/servers", "after": 1, "times": 2});
        let rule = parse_fault(body.as_object().unwrap()).unwrap();
        assert_eq!(rule.method, Some(Method::POST));
        assert_eq!((rule.skip, rule.remaining), (1, Some(2)));
        let back = fault_json(&rule);
        assert_eq!(back["code"], "maintenance");
        assert_eq!(back["status"], 503);
        assert!(parse_fault(json!({"kind": "nope"}).as_object().unwrap()).is_err());
        assert!(parse_fault(json!({"kind": "delay"}).as_object().unwrap()).is_err());
        let delay =
            parse_fault(json!({"kind": "delay", "delay_seconds": 0.25}).as_object().unwrap()).unwrap();
        assert_eq!(delay.kind, FaultKind::Delay(Duration::from_millis(250)));
        assert!(below_control("/_sim/faults").is_some() && below_control("/_simx").is_none());
    }
}
