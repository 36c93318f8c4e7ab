//! Certificates: uploaded PEM certificates (validity, names and fingerprint
//! read from the DER) and managed ones issued by an action.

use std::time::Duration;

use http::StatusCode;
use serde_json::{json, Value};

use super::{conflict, obj};
use crate::actions::{Patch, Plan};
use crate::crypto::{base64_decode, colon_hex, sha256};
use crate::input::{labels_value, parse_body, Fields};
use crate::router::Req;
use crate::sim::{ApiError, Handled, Out, Simulator};
use crate::store::Kind;
use crate::util::rfc3339;
use crate::view::{Body, Part};

/// How long a managed certificate is valid.
const MANAGED_VALIDITY: Duration = Duration::from_secs(90 * 24 * 3600);

/// What an uploaded certificate tells about itself.
#[derive(Debug, PartialEq)]
pub(crate) struct CertInfo {
    pub not_before: String,
    pub not_after: String,
    pub names: Vec<String>,
    pub fingerprint: String,
}

/// One DER element: tag, contents, and the rest of the input.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7F) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize), &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

fn children(mut input: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while let Some((tag, body, rest)) = tlv(input) {
        out.push((tag, body));
        input = rest;
    }
    out
}

/// UTCTime or GeneralizedTime as RFC 3339.
fn der_time(tag: u8, body: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(body).ok()?.trim_end_matches('Z');
    let (year, rest) = match tag {
        0x17 if s.len() >= 12 => {
            let yy: u32 = s[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &s[2..])
        }
        0x18 if s.len() >= 14 => (s[..4].parse().ok()?, &s[4..]),
        _ => return None,
    };
    let d = |i: usize| rest.get(i..i + 2);
    Some(format!("{year:04}-{}-{}T{}:{}:{}Z", d(0)?, d(2)?, d(4)?, d(6)?, d(8)?))
}

/// Reads validity, DNS names (subject alternative names, else the common name)
/// and the SHA-256 fingerprint of a PEM certificate.
pub(crate) fn parse_pem(pem: &str) -> Option<CertInfo> {
    let start = pem.find("-----BEGIN CERTIFICATE-----")? + "-----BEGIN CERTIFICATE-----".len();
    let end = pem[start..].find("-----END CERTIFICATE-----")? + start;
    let der = base64_decode(&pem[start..end])?;
    let (0x30, cert, _) = tlv(&der)? else { return None };
    let (0x30, tbs, _) = tlv(cert)? else { return None };
    let fields = children(tbs);
    let skip = usize::from(fields.first()?.0 == 0xA0);
    let validity = children(fields.get(skip + 3)?.1);
    let not_before = der_time(validity.first()?.0, validity.first()?.1)?;
    let not_after = der_time(validity.get(1)?.0, validity.get(1)?.1)?;
    let mut names = Vec::new();
    const SAN: &[u8] = &[0x55, 0x1D, 0x11];
    const CN: &[u8] = &[0x55, 0x04, 0x03];
    if let Some((_, exts)) = fields.iter().find(|(t, _)| *t == 0xA3) {
        for (_, ext) in children(children(exts).first().map_or(&[][..], |e| e.1)) {
            let parts = children(ext);
            if parts.first().is_some_and(|(t, oid)| *t == 0x06 && *oid == SAN) {
                if let Some((_, value)) = parts.iter().find(|(t, _)| *t == 0x04) {
                    let seq = tlv(value).map_or(&[][..], |(_, b, _)| b);
                    names.extend(
                        children(seq)
                            .into_iter()
                            .filter(|(t, _)| *t == 0x82)
                            .filter_map(|(_, n)| String::from_utf8(n.to_vec()).ok()),
                    );
                }
            }
        }
    }
    if names.is_empty() {
        for (_, rdn) in children(fields.get(skip + 4)?.1) {
            for (_, atv) in children(rdn) {
                let parts = children(atv);
                if parts.first().is_some_and(|(t, oid)| *t == 0x06 && *oid == CN) {
                    names.extend(parts.get(1).and_then(|(_, v)| String::from_utf8(v.to_vec()).ok()));
                }
            }
        }
    }
    Some(CertInfo { not_before, not_after, names, fingerprint: colon_hex(&sha256(&der)) })
}

impl Simulator {
    pub(crate) fn create_certificate(&mut self, req: &Req<'_>) -> Handled {
        let body = parse_body(req.ctx.body, false)?;
        let mut f = Fields::new(&body);
        let name = f.string("name", true).map(str::to_owned);
        self.check_name(&mut f, Kind::Certificate, name.as_deref());
        let labels = f.labels("labels");
        let kind = f.choice("type", false, &["uploaded", "managed"]).unwrap_or("uploaded").to_owned();
        let managed = kind == "managed";
        let pem = f.string("certificate", !managed).map(str::to_owned);
        let key = f.string("private_key", !managed).map(str::to_owned);
        let domains = f.string_list("domain_names", managed).unwrap_or_default();
        let info = pem.as_deref().and_then(parse_pem);
        if !managed && pem.is_some() && info.is_none() {
            f.err("certificate", "must be a PEM encoded X.509 certificate");
        }
        if key.as_deref().is_some_and(|k| !k.contains("PRIVATE KEY-----")) {
            f.err("private_key", "must be a PEM encoded private key");
        }
        if managed && domains.is_empty() && !f.has_errors() {
            f.err("domain_names", "needs at least one domain name");
        }
        f.finish()?;
        let name = name.unwrap_or_default();
        self.ensure_name_free(Kind::Certificate, &name, None)?;
        let created = self.timestamp();
        let cert = match &info {
            Some(i) if !managed => json!({
                "name": name, "labels": labels_value(labels), "type": "uploaded", "certificate": pem,
                "created": created, "not_valid_before": i.not_before, "not_valid_after": i.not_after,
                "domain_names": i.names, "fingerprint": i.fingerprint, "status": null, "used_by": [],
            }),
            _ => json!({
                "name": name, "labels": labels_value(labels), "type": "managed", "certificate": null,
                "created": created, "not_valid_before": null, "not_valid_after": null, "domain_names": domains,
                "fingerprint": null, "status": {"issuance": "pending", "renewal": "unavailable", "error": null},
                "used_by": [],
            }),
        };
        let id = self.store.insert(Kind::Certificate, obj(cert));
        let action = managed.then(|| self.start_issue(id));
        self.settle();
        let stored =
            self.store.get(Kind::Certificate, id).ok_or_else(|| ApiError::missing(Kind::Certificate, id))?;
        let body = Body::new()
            .with("certificate", Part::One(self.view(Kind::Certificate, stored)))
            .value("action", action.map_or(Value::Null, |a| self.action_value(a)));
        Ok(Out::body(StatusCode::CREATED, &body))
    }

    /// Issues a managed certificate; the action's outcome decides its status.
    fn start_issue(&mut self, id: u64) -> u64 {
        let finish = self.now
            + if self.instant { Duration::ZERO } else { self.config.duration_of("issue_certificate") };
        let p = |pointer: &'static str, v: Value| Patch::new(Kind::Certificate, id, pointer, v);
        let fingerprint = colon_hex(&sha256(format!("managed-{id}-{}", self.timestamp()).as_bytes()));
        let plan = Plan::default()
            .success(p("/status", json!({"issuance": "completed", "renewal": "scheduled", "error": null})))
            .success(p("/not_valid_before", Value::from(rfc3339(self.epoch, finish))))
            .success(p("/not_valid_after", Value::from(rfc3339(self.epoch, finish + MANAGED_VALIDITY))))
            .success(p("/fingerprint", Value::from(fingerprint)))
            .error(p(
                "/status",
                json!({"issuance": "failed", "renewal": "unavailable",
                       "error": {"code": "dns_zone_not_found", "message": "the DNS zone of a domain was not found"}}),
            ));
        self.start_action("issue_certificate", vec![(Kind::Certificate, id)], plan)
    }

    /// `retry`: issues a managed certificate whose issuance failed once more.
    pub(crate) fn certificate_action(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        parse_body(req.ctx.body, true)?;
        let cert = self.store.get(Kind::Certificate, id).cloned().unwrap_or_default();
        if cert["type"] != "managed" || cert["status"]["issuance"] != "failed" {
            return Err(conflict("only managed certificates whose issuance failed can be retried"));
        }
        self.ensure_unlocked(Kind::Certificate, id)?;
        if let Some(c) = self.store.get_mut(Kind::Certificate, id) {
            c["status"] = json!({"issuance": "pending", "renewal": "unavailable", "error": null});
        }
        let action = self.start_issue(id);
        self.settle();
        self.action_out(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_times() {
        assert_eq!(der_time(0x17, b"250102030405Z").unwrap(), "2025-01-02T03:04:05Z");
        assert_eq!(der_time(0x18, b"20510102030405Z").unwrap(), "2051-01-02T03:04:05Z");
        assert!(der_time(0x17, b"2501").is_none());
    }

    #[test]
    fn rejects_what_is_not_a_certificate() {
        assert!(parse_pem("hello").is_none());
        assert!(parse_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").is_none());
    }
}
