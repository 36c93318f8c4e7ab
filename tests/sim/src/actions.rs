//! Actions: their lifecycle in virtual time, the state changes they apply when
//! they finish, and the `/actions` style listings.

use std::time::Duration;

use http::StatusCode;
use serde_json::{json, Value};

use crate::list::{page_out, parse_sort, sort_items, Paging};
use crate::router::Req;
use crate::sim::{parse_id, ApiError, Handled, Out, Simulator};
use crate::store::Kind;
use crate::util::rfc3339;
use crate::view::{Body, Part};

/// A change to one field of a stored resource (a JSON pointer below it).
#[derive(Debug, Clone)]
pub(crate) struct Patch {
    pub kind: Kind,
    pub id: u64,
    pub pointer: &'static str,
    pub value: Value,
}

impl Patch {
    pub(crate) fn new(kind: Kind, id: u64, pointer: &'static str, value: impl Into<Value>) -> Self {
        Self { kind, id, pointer, value: value.into() }
    }
}

/// What happens when an action ends.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub on_success: Vec<Patch>,
    pub on_error: Vec<Patch>,
    /// An action this one waits for: it never ends earlier, and fails if that one fails.
    pub after: Option<u64>,
}

impl Plan {
    pub(crate) fn success(mut self, patch: Patch) -> Self {
        self.on_success.push(patch);
        self
    }

    pub(crate) fn error(mut self, patch: Patch) -> Self {
        self.on_error.push(patch);
        self
    }

    pub(crate) fn after(mut self, action: u64) -> Self {
        self.after = Some(action);
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub id: u64,
    pub command: &'static str,
    pub started_at: Duration,
    pub started: String,
    pub finish_at: Duration,
    pub fails: bool,
    pub resources: Vec<(Kind, u64)>,
    pub done: bool,
    pub plan: Plan,
}

impl Action {
    pub(crate) fn status(&self) -> &'static str {
        match (self.done, self.fails) {
            (false, _) => "running",
            (true, false) => "success",
            (true, true) => "error",
        }
    }

    /// Linear in time while running; never 100 before the action is done.
    pub(crate) fn progress(&self, now: Duration) -> u64 {
        if self.done {
            return 100;
        }
        let total = self.finish_at.saturating_sub(self.started_at).as_secs_f64();
        if total <= 0.0 {
            return 99;
        }
        let elapsed = now.saturating_sub(self.started_at).as_secs_f64();
        ((elapsed / total * 100.0) as u64).min(99)
    }

    pub(crate) fn render(&self, now: Duration, epoch: i64) -> Value {
        json!({
            "id": self.id,
            "command": self.command,
            "status": self.status(),
            "progress": self.progress(now),
            "started": self.started,
            "finished": self.done.then(|| rfc3339(epoch, self.finish_at)),
            "resources": self.resources.iter().map(|(k, id)| json!({"id": id, "type": k.singular()})).collect::<Vec<_>>(),
            "error": (self.done && self.fails).then(|| json!({"code": "action_failed", "message": "Action failed"})),
        })
    }

    fn touches(&self, kind: Kind, id: Option<u64>) -> bool {
        self.resources.iter().any(|&(k, i)| k == kind && id.is_none_or(|id| id == i))
    }
}

/// Which actions a listing shows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    /// `/actions`: any action, and a list needs `id`.
    Any,
    /// `/{kind}/actions`.
    Kind(Kind),
    /// `/{kind}/{id}/actions`.
    Resource(Kind, u64),
}

impl Scope {
    fn admits(self, a: &Action) -> bool {
        match self {
            Scope::Any => true,
            Scope::Kind(k) => a.touches(k, None),
            Scope::Resource(k, id) => a.touches(k, Some(id)),
        }
    }
}

impl Simulator {
    /// Starts an action on `resources` with the configured duration and outcome of `command`.
    pub(crate) fn start_action(
        &mut self,
        command: &'static str,
        resources: Vec<(Kind, u64)>,
        plan: Plan,
    ) -> u64 {
        let id = self.next_action_id;
        self.next_action_id += 1;
        let duration = if self.instant { Duration::ZERO } else { self.config.duration_of(command) };
        let mut finish_at = self.now + duration;
        let mut fails = self.config.fails(command) && !self.instant;
        if let Some(prev) = plan.after.and_then(|p| self.actions.get(&p)) {
            finish_at = finish_at.max(prev.finish_at);
            fails |= prev.fails;
        }
        self.actions.insert(
            id,
            Action {
                id,
                command,
                started_at: self.now,
                started: rfc3339(self.epoch, self.now),
                finish_at,
                fails,
                resources,
                done: false,
                plan,
            },
        );
        self.pending.insert((finish_at, id));
        id
    }

    /// Applies, in finishing order, the effects of every action finished by now.
    pub(crate) fn settle(&mut self) {
        while let Some(&(finish, id)) = self.pending.first() {
            if finish > self.now {
                break;
            }
            self.pending.pop_first();
            let Some(action) = self.actions.get_mut(&id) else { continue };
            action.done = true;
            let patches =
                if action.fails { action.plan.on_error.clone() } else { action.plan.on_success.clone() };
            for p in patches {
                if let Some(obj) = self.store.get_mut(p.kind, p.id) {
                    set_pointer(obj, p.pointer, p.value);
                }
            }
        }
    }

    /// The first unfinished action touching this resource, if any.
    pub(crate) fn running_on(&self, kind: Kind, id: u64) -> Option<&Action> {
        self.pending.iter().filter_map(|(_, a)| self.actions.get(a)).find(|a| a.touches(kind, Some(id)))
    }

    /// `423 locked` while an action of the resource runs.
    pub(crate) fn ensure_unlocked(&self, kind: Kind, id: u64) -> Result<(), ApiError> {
        match self.running_on(kind, id) {
            None => Ok(()),
            Some(a) => Err(ApiError::new(
                StatusCode::LOCKED,
                "locked",
                format!("{} {id} is locked: action {} ({}) is still running", kind.title(), a.id, a.command),
            )),
        }
    }

    pub(crate) fn action_value(&self, id: u64) -> Value {
        self.actions.get(&id).map_or(Value::Null, |a| a.render(self.now, self.epoch))
    }

    /// `{"action": …}` with status 201, the answer of most action endpoints.
    pub(crate) fn action_out(&self, id: u64) -> Handled {
        Ok(Out::body(StatusCode::CREATED, &Body::new().value("action", self.action_value(id))))
    }

    /// `{"actions": […]}` with status 201.
    pub(crate) fn actions_out(&self, ids: &[u64]) -> Handled {
        let actions = ids.iter().map(|&id| self.action_value(id)).collect();
        Ok(Out::body(StatusCode::CREATED, &Body::new().value("actions", Value::Array(actions))))
    }

    fn scope_of(&self, req: &Req<'_>, collection: bool) -> Result<Scope, ApiError> {
        if req.kind_is_actions() {
            return Ok(Scope::Any);
        }
        if collection {
            return Ok(Scope::Kind(req.kind));
        }
        let id = self.resolve_path(req)?;
        Ok(Scope::Resource(req.kind, id))
    }

    /// `GET /actions/{id}`, `/{kind}/actions/{id}`, `/{kind}/{id}/actions/{action_id}`.
    pub(crate) fn get_action(&mut self, req: &Req<'_>) -> Handled {
        let (scope, action_id) = match req.action_id {
            Some(a) => (self.scope_of(req, false)?, a),
            None => (self.scope_of(req, true)?, parse_id(req.id_raw)?),
        };
        let action = self
            .actions
            .get(&action_id)
            .filter(|a| scope.admits(a))
            .ok_or_else(|| ApiError::not_found(&format!("Action with ID '{action_id}'")))?;
        let value = action.render(self.now, self.epoch);
        Ok(Out::body(StatusCode::OK, &Body::new().value("action", value)))
    }

    /// `GET /actions`, `/{kind}/actions`, `/{kind}/{id}/actions`.
    pub(crate) fn list_actions(&mut self, req: &Req<'_>) -> Handled {
        let scope = self.scope_of(req, req.id_raw.is_empty())?;
        let q = &req.ctx.query;
        let paging = Paging::parse(q)?;
        let mut ids = q
            .all("id")
            .map(|s| {
                parse_id(s).map_err(|_| ApiError::invalid_field("id", format!("'{s}' is not a valid ID")))
            })
            .collect::<Result<Vec<u64>, _>>()?;
        ids.sort_unstable();
        ids.dedup();
        if matches!(scope, Scope::Any) && ids.is_empty() {
            return Err(ApiError::invalid_field("id", crate::input::MISSING));
        }
        let statuses: Vec<&str> = q.all("status").collect();
        if let Some(bad) = statuses.iter().find(|s| !matches!(**s, "running" | "success" | "error")) {
            return Err(ApiError::invalid_field("status", format!("invalid status '{bad}'")));
        }
        let sorts = parse_sort(q, &["id", "command", "status", "started", "finished"])?;
        let keep = |a: &&Action| scope.admits(a) && (statuses.is_empty() || statuses.contains(&a.status()));
        let mut items: Vec<&Action> = if ids.is_empty() {
            self.actions.values().filter(keep).collect()
        } else {
            // Unknown ids are simply absent, as in the real API.
            ids.iter().filter_map(|id| self.actions.get(id)).filter(keep).collect()
        };
        sort_items(
            &mut items,
            &sorts,
            |a, b, field| match field {
                "command" => a.command.cmp(b.command),
                "status" => a.status().cmp(b.status()),
                "started" => a.started_at.cmp(&b.started_at),
                "finished" => (a.done.then_some(a.finish_at)).cmp(&b.done.then_some(b.finish_at)),
                _ => a.id.cmp(&b.id),
            },
            |a| a.id,
        );
        let (range, pagination) = paging.window(items.len());
        let values: Vec<Value> = items[range].iter().map(|a| a.render(self.now, self.epoch)).collect();
        Ok(page_out(req.ctx, Body::new().with("actions", Part::Value(Value::Array(values))), pagination))
    }
}

/// Writes `value` at a JSON pointer below `obj`, creating objects on the way.
pub(crate) fn set_pointer(obj: &mut serde_json::Map<String, Value>, pointer: &str, value: Value) {
    let mut parts = pointer.trim_start_matches('/').split('/').peekable();
    let mut cur = obj;
    while let Some(key) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(key.to_owned(), value);
            return;
        }
        let next = cur.entry(key.to_owned()).or_insert_with(|| Value::Object(Default::default()));
        if !next.is_object() {
            *next = Value::Object(Default::default());
        }
        let Value::Object(m) = next else { return };
        cur = m;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_create_their_path() {
        let mut o = serde_json::Map::new();
        set_pointer(&mut o, "/status/issuance", json!("completed"));
        set_pointer(&mut o, "/name", json!("x"));
        assert_eq!(Value::Object(o), json!({"status": {"issuance": "completed"}, "name": "x"}));
    }
}
