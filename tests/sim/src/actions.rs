//! Reading actions: `/actions`, `/servers/actions` and `/servers/{id}/actions`.

use http::StatusCode;
use serde::Serialize;

use crate::model::{Action, ActionView, Meta};
use crate::servers::{link_header, ActionResponse};
use crate::sim::{parse_id, parse_sort, sort_by_keys, ApiError, Ctx, Handled, Out, Paging, Simulator};

/// Which actions an endpoint may show.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    /// `/actions`: any action, and listing requires `id`.
    ById,
    /// `/actions/{id}`.
    Any,
    /// `/servers/actions`: actions on servers.
    AllServers,
    /// `/servers/{id}/actions`: actions on one server.
    Server(u64),
}

impl Scope {
    fn admits(self, action: &Action) -> bool {
        match self {
            // Every action of this simulator targets a server.
            Scope::ById | Scope::Any | Scope::AllServers => true,
            Scope::Server(id) => action.server == id,
        }
    }
}

#[derive(Serialize)]
struct ActionListResponse<'a> {
    actions: Vec<ActionView<'a>>,
    meta: Meta,
}

impl Simulator {
    pub(crate) fn get_action(&self, id: u64, scope: Scope) -> Handled {
        let action = self
            .actions
            .get(&id)
            .filter(|a| scope.admits(a))
            .ok_or_else(|| ApiError::not_found(&format!("action with ID '{id}'")))?;
        Ok(Out::json(
            StatusCode::OK,
            &ActionResponse { action: action.view(self.now, self.config.epoch_unix) },
        ))
    }

    pub(crate) fn list_actions(&self, ctx: &Ctx<'_>, scope: Scope) -> Handled {
        let q = &ctx.query;
        let paging = Paging::parse(q)?;
        let mut ids = q
            .all("id")
            .map(|s| {
                parse_id(s).map_err(|_| ApiError::invalid_field("id", format!("'{s}' is not a valid ID")))
            })
            .collect::<Result<Vec<u64>, _>>()?;
        ids.sort_unstable();
        ids.dedup();
        if matches!(scope, Scope::ById) && ids.is_empty() {
            return Err(ApiError::invalid_field("id", "Missing data for required field."));
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
        sort_by_keys(
            &mut items,
            &sorts,
            |a, b, field| match field {
                "command" => a.command.cmp(b.command),
                "status" => a.status().cmp(b.status()),
                "started" => a.started_at.cmp(&b.started_at),
                "finished" => (a.done.then_some(a.finish_at)).cmp(&b.done.then_some(b.finish_at)),
                _ => a.id.cmp(&b.id),
            },
            |item| item.id,
        );
        let (range, pagination) = paging.window(items.len());
        let actions = items[range].iter().map(|a| a.view(self.now, self.config.epoch_unix)).collect();
        let mut out = Out::json(StatusCode::OK, &ActionListResponse { actions, meta: Meta { pagination } });
        out.link = Some(link_header(ctx, &pagination));
        Ok(out)
    }
}
