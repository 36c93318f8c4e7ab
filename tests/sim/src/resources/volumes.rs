//! Volumes: creation in a location or for a server, attach, detach, resize.

use http::StatusCode;
use serde_json::{json, Value};

use super::{conflict, obj};
use crate::actions::{Patch, Plan};
use crate::input::{labels_value, parse_body, Fields};
use crate::render::ref_id;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::{pull_id, push_id, u64_of, Kind};
use crate::view::{Body, Part};

const MIN_SIZE: i64 = 10;
const MAX_SIZE: i64 = 10 * 1024;

impl Simulator {
    /// Records an attachment on both sides.
    pub(crate) fn link_volume(&mut self, volume: u64, server: u64) {
        if let Some(v) = self.store.get_mut(Kind::Volume, volume) {
            v.insert("server".to_owned(), Value::from(server));
        }
        if let Some(s) = self.store.get_mut(Kind::Server, server) {
            push_id(s, "volumes", volume);
        }
    }

    fn unlink_volume(&mut self, volume: u64) {
        let server = self.store.get(Kind::Volume, volume).and_then(|v| u64_of(v, "server"));
        if let Some(v) = self.store.get_mut(Kind::Volume, volume) {
            v.insert("server".to_owned(), Value::Null);
        }
        if let Some(s) = server.and_then(|s| self.store.get_mut(Kind::Server, s)) {
            pull_id(s, "volumes", volume);
        }
    }

    /// Checks that a volume can be attached to a server.
    fn check_attachable(&self, volume: u64, server: u64) -> Result<(), ApiError> {
        let Some(s) = self.store.get(Kind::Server, server) else {
            return Err(ApiError::missing(Kind::Server, server));
        };
        let v = self.store.get(Kind::Volume, volume).cloned().unwrap_or_default();
        if !v["server"].is_null() {
            return Err(conflict(format!("volume {volume} is already attached to a server")));
        }
        if ref_id(&v, "location") != ref_id(s, "location") {
            return Err(conflict("volume and server must be in the same location"));
        }
        Ok(())
    }

    pub(crate) fn create_volume(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let size = f.integer("size", true, MIN_SIZE, MAX_SIZE);
        let name = f.string("name", true);
        self.check_name(&mut f, Kind::Volume, name);
        let labels = f.labels("labels");
        let automount = f.boolean("automount", false).unwrap_or(false);
        let format = f.choice("format", false, &["xfs", "ext4"]);
        let location = f.id_or_name("location", false);
        let server = f.id("server", false);
        if location.is_none() && server.is_none() && !f.has_errors() {
            f.err("location", "either location or server is required");
        }
        if automount && server.is_none() {
            f.err("automount", "needs a server");
        }
        f.finish()?;
        let (Some(size), Some(name)) = (size, name) else {
            return Err(ApiError::invalid_field("size", crate::input::MISSING));
        };
        let location = match (server, location) {
            (Some(s), _) => {
                let server =
                    self.store.get(Kind::Server, s).ok_or_else(|| ApiError::missing(Kind::Server, s))?;
                ref_id(server, "location").unwrap_or(1)
            }
            (None, Some(l)) => self.lookup(Kind::Location, &l).ok_or_else(|| {
                ApiError::invalid_field("location", format!("location '{}' not found", l.display()))
            })?,
            (None, None) => 1,
        };
        self.ensure_name_free(Kind::Volume, name, None)?;
        if let Some(s) = server {
            self.ensure_unlocked(Kind::Server, s)?;
        }
        let id = self.store.next_id(Kind::Volume);
        let location_obj =
            self.store.get(Kind::Location, location).cloned().map(Value::Object).unwrap_or(Value::Null);
        self.store.insert(
            Kind::Volume,
            obj(json!({
                "created": self.timestamp(), "name": name, "server": null, "location": location_obj, "size": size,
                "linux_device": format!("/dev/disk/by-id/scsi-0HC_Volume_{id}"), "protection": {"delete": false},
                "labels": labels_value(labels), "status": "creating", "format": format,
            })),
        );
        let create = self.start_action(
            "create_volume",
            vec![(Kind::Volume, id)],
            Plan::default().success(Patch::new(Kind::Volume, id, "/status", "available")),
        );
        let mut next = Vec::new();
        if let Some(s) = server {
            self.check_attachable(id, s)?;
            self.link_volume(id, s);
            next.push(self.start_action(
                "attach_volume",
                vec![(Kind::Volume, id), (Kind::Server, s)],
                Plan::default().after(create),
            ));
        }
        self.settle();
        let stored = self.store.get(Kind::Volume, id).ok_or_else(|| ApiError::missing(Kind::Volume, id))?;
        let body = Body::new()
            .with("volume", Part::One(self.view(Kind::Volume, stored)))
            .value("action", self.action_value(create))
            .value("next_actions", Value::Array(next.iter().map(|a| self.action_value(*a)).collect()));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// `attach`, `detach`, `resize`.
    pub(crate) fn volume_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let body = parse_body(req.ctx.body, true)?;
        let mut f = Fields::new(&body);
        let (command, resources) = match req.verb {
            "attach" => {
                let server = f.id("server", true);
                f.boolean("automount", false);
                f.finish()?;
                let server = server.unwrap_or(0);
                self.check_attachable(id, server)?;
                self.ensure_unlocked(Kind::Volume, id)?;
                self.ensure_unlocked(Kind::Server, server)?;
                self.link_volume(id, server);
                ("attach_volume", vec![(Kind::Volume, id), (Kind::Server, server)])
            }
            "detach" => {
                f.finish()?;
                let server = self.store.get(Kind::Volume, id).and_then(|v| u64_of(v, "server"));
                let Some(server) = server else {
                    return Err(conflict(format!("volume {id} is not attached")));
                };
                self.ensure_unlocked(Kind::Volume, id)?;
                self.unlink_volume(id);
                ("detach_volume", vec![(Kind::Volume, id), (Kind::Server, server)])
            }
            _ => {
                let current =
                    self.store.get(Kind::Volume, id).and_then(|v| v["size"].as_i64()).unwrap_or(MIN_SIZE);
                let size = f.integer("size", true, current, MAX_SIZE);
                f.finish()?;
                self.ensure_unlocked(Kind::Volume, id)?;
                if let Some(v) = self.store.get_mut(Kind::Volume, id) {
                    v.insert("size".to_owned(), Value::from(size.unwrap_or(current)));
                }
                ("resize_volume", vec![(Kind::Volume, id)])
            }
        };
        let action = self.start_action(command, resources, Plan::default());
        self.settle();
        self.action_out(action)
    }
}
