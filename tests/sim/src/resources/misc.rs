//! SSH keys, placement groups, pricing and metrics.

use http::StatusCode;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::obj;
use crate::crypto::{base64_decode, colon_hex, md5};
use crate::input::{labels_value, parse_body, Fields};
use crate::rng::SplitMix64;
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::Kind;
use crate::view::{Body, Part};

const KEY_TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-ed25519",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
];
/// Samples a metrics answer holds at most.
const MAX_SAMPLES: i64 = 1000;

/// The MD5 fingerprint of an OpenSSH public key line, if it is one.
pub(crate) fn ssh_fingerprint(line: &str) -> Option<String> {
    let mut parts = line.split_whitespace();
    let kind = parts.next()?;
    let blob = base64_decode(parts.next()?)?;
    // The blob starts with its own type as a length-prefixed string.
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    let inner = blob.get(4..4 + len)?;
    (KEY_TYPES.contains(&kind) && inner == kind.as_bytes()).then(|| colon_hex(&md5(&blob)))
}

fn parse_time(q: &crate::util::Query, key: &str) -> Result<OffsetDateTime, ApiError> {
    let s = q.get(key).ok_or_else(|| ApiError::invalid_field(key, crate::input::MISSING))?;
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|_| ApiError::invalid_field(key, format!("'{s}' is not an RFC 3339 time")))
}

impl Simulator {
    pub(crate) fn create_ssh_key(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        self.check_name(&mut f, Kind::SshKey, name.as_deref());
        let key = f.string("public_key", true).map(|k| k.trim().to_owned());
        let fingerprint = key.as_deref().and_then(ssh_fingerprint);
        if key.is_some() && fingerprint.is_none() {
            f.err("public_key", "must be an OpenSSH public key (type, base64 blob, optional comment)");
        }
        let labels = f.labels("labels");
        f.finish()?;
        let (name, key, fingerprint) =
            (name.unwrap_or_default(), key.unwrap_or_default(), fingerprint.unwrap_or_default());
        self.ensure_name_free(Kind::SshKey, &name, None)?;
        if self.store.items(Kind::SshKey).values().any(|k| k["fingerprint"] == fingerprint.as_str()) {
            return Err(ApiError::taken("public_key", &fingerprint));
        }
        let id = self.store.insert(
            Kind::SshKey,
            obj(json!({
                "name": name, "fingerprint": fingerprint, "public_key": key,
                "labels": labels_value(labels), "created": self.timestamp(),
            })),
        );
        self.one_out(Kind::SshKey, id, StatusCode::CREATED)
    }

    pub(crate) fn create_placement_group(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        self.check_name(&mut f, Kind::PlacementGroup, name.as_deref());
        let labels = f.labels("labels");
        let kind = f.choice("type", true, &["spread"]).map(str::to_owned);
        f.finish()?;
        let name = name.unwrap_or_default();
        self.ensure_name_free(Kind::PlacementGroup, &name, None)?;
        let id = self.store.insert(
            Kind::PlacementGroup,
            obj(json!({"name": name, "labels": labels_value(labels), "type": kind, "created": self.timestamp(), "servers": []})),
        );
        let stored = self
            .store
            .get(Kind::PlacementGroup, id)
            .ok_or_else(|| ApiError::missing(Kind::PlacementGroup, id))?;
        let body = Body::new()
            .with("placement_group", Part::One(self.view(Kind::PlacementGroup, stored)))
            .value("action", Value::Null);
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    pub(crate) fn get_pricing(&mut self, _req: &Req<'_>) -> Handled {
        Ok(Out::body(StatusCode::OK, &Body::new().value("pricing", crate::catalog::pricing(&self.store))))
    }

    /// `GET /servers/{id}/metrics` and `GET /load_balancers/{id}/metrics`: sampled
    /// series whose values depend only on the resource, the series and the time.
    pub(crate) fn get_metrics(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        let q = &req.ctx.query;
        let types: Vec<&str> = q.all("type").flat_map(|t| t.split(',')).collect();
        let series_of = |t: &str| -> Option<&'static [&'static str]> {
            Some(match (req.kind, t) {
                (Kind::Server, "cpu") => &["cpu"],
                (Kind::Server, "disk") => &[
                    "disk.0.iops.read",
                    "disk.0.iops.write",
                    "disk.0.bandwidth.read",
                    "disk.0.bandwidth.write",
                ],
                (Kind::Server, "network") => &[
                    "network.0.pps.in",
                    "network.0.pps.out",
                    "network.0.bandwidth.in",
                    "network.0.bandwidth.out",
                ],
                (Kind::LoadBalancer, "open_connections") => &["open_connections"],
                (Kind::LoadBalancer, "connections_per_second") => &["connections_per_second"],
                (Kind::LoadBalancer, "requests_per_second") => &["requests_per_second"],
                (Kind::LoadBalancer, "bandwidth") => &["bandwidth.in", "bandwidth.out"],
                _ => return None,
            })
        };
        if types.is_empty() {
            return Err(ApiError::invalid_field("type", crate::input::MISSING));
        }
        let mut names = Vec::new();
        for t in &types {
            names.extend(
                series_of(t)
                    .ok_or_else(|| ApiError::invalid_field("type", format!("unknown metric type '{t}'")))?,
            );
        }
        let (start, end) = (parse_time(q, "start")?, parse_time(q, "end")?);
        if end < start {
            return Err(ApiError::invalid_field("end", "must not be before start"));
        }
        let span = (end - start).whole_seconds();
        let step = match q.get("step") {
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|s| *s >= 1.0)
                .ok_or_else(|| ApiError::invalid_field("step", "must be a number of seconds"))?
                as i64,
            None => (span / 100).max(1),
        }
        .max(span / MAX_SAMPLES + 1);
        let mut series = Map::new();
        for name in names {
            let values: Vec<Value> = (0..=span / step)
                .map(|i| {
                    let ts = start.unix_timestamp() + i * step;
                    let seed = id ^ (ts as u64).rotate_left(17);
                    let v = SplitMix64::new(seed ^ fxhash(name)).below(10_000) as f64 / 100.0;
                    json!([ts as f64, format!("{v:.2}")])
                })
                .collect();
            series.insert(name.to_owned(), json!({ "values": values }));
        }
        let fmt = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        let metrics =
            json!({"start": fmt(start), "end": fmt(end), "step": step as f64, "time_series": series});
        Ok(Out::body(StatusCode::OK, &Body::new().value("metrics", metrics)))
    }
}

/// A small stable string hash (FNV-1a) to give each series its own values.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_of_openssh_keys() {
        // A key blob built by hand: type string, then an arbitrary key body.
        let mut blob = Vec::new();
        blob.extend_from_slice(&11u32.to_be_bytes());
        blob.extend_from_slice(b"ssh-ed25519");
        blob.extend_from_slice(&32u32.to_be_bytes());
        blob.extend_from_slice(&[7u8; 32]);
        let b64 = {
            const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::new();
            for c in blob.chunks(3) {
                let n = (u32::from(c[0]) << 16)
                    | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                    | u32::from(*c.get(2).unwrap_or(&0));
                for i in 0..4 {
                    if i <= c.len() {
                        s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                    } else {
                        s.push('=');
                    }
                }
            }
            s
        };
        let fp = ssh_fingerprint(&format!("ssh-ed25519 {b64} me@host")).unwrap();
        assert_eq!(fp, colon_hex(&md5(&blob)));
        assert_eq!(fp.len(), 47);
        assert!(ssh_fingerprint(&format!("ssh-rsa {b64}")).is_none(), "type must match the blob");
        assert!(ssh_fingerprint("ssh-ed25519 not-base64!").is_none());
    }
}
