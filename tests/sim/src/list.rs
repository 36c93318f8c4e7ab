//! Listing any kind: filters, label selectors, sorting, pages and `Link` headers.

use std::cmp::Ordering;

use http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::labels::parse_selector;
use crate::router::Req;
use crate::sim::{ApiError, Ctx, Handled, Out, Simulator};
use crate::store::{labels_of, str_of, Kind, Obj};
use crate::util::Query;
use crate::view::{Body, Part};

/// `meta.pagination` of list responses.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub(crate) struct Pagination {
    pub page: u64,
    pub per_page: u64,
    pub previous_page: Option<u64>,
    pub next_page: Option<u64>,
    pub last_page: Option<u64>,
    pub total_entries: Option<u64>,
}

/// Page selection shared by all list endpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub(crate) const MAX_PER_PAGE: u64 = 50;

    pub(crate) fn parse(q: &Query) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let mut num = |key: &str, default: u64| match q.get(key) {
            None => default,
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    errors.push((key.to_owned(), "must be a positive integer".to_owned()));
                    default
                }
            },
        };
        let page = num("page", 1);
        let per_page = num("per_page", 25);
        if per_page > Self::MAX_PER_PAGE {
            errors.push((
                "per_page".to_owned(),
                format!("must be less than or equal to {}", Self::MAX_PER_PAGE),
            ));
        }
        if errors.is_empty() {
            Ok(Self { page, per_page })
        } else {
            Err(ApiError::invalid(&errors))
        }
    }

    /// The index range of this page within `total` items, and its metadata.
    pub(crate) fn window(&self, total: usize) -> (std::ops::Range<usize>, Pagination) {
        let total_u = total as u64;
        let last = total_u.div_ceil(self.per_page).max(1);
        let start = (self.page - 1).saturating_mul(self.per_page).min(total_u) as usize;
        let end = (start as u64 + self.per_page).min(total_u) as usize;
        let meta = Pagination {
            page: self.page,
            per_page: self.per_page,
            previous_page: (self.page > 1).then(|| (self.page - 1).min(last)),
            next_page: (self.page < last).then_some(self.page + 1),
            last_page: Some(last),
            total_entries: Some(total_u),
        };
        (start..end, meta)
    }
}

/// Parses repeatable `sort=field[:asc|:desc]` parameters.
pub(crate) fn parse_sort<'q>(q: &'q Query, fields: &[&str]) -> Result<Vec<(&'q str, bool)>, ApiError> {
    q.all("sort")
        .map(|s| {
            let bad = || ApiError::invalid_field("sort", format!("invalid sort value '{s}'"));
            let (field, desc) = match s.split_once(':') {
                None => (s, false),
                Some((f, "asc")) => (f, false),
                Some((f, "desc")) => (f, true),
                Some(_) => return Err(bad()),
            };
            if fields.contains(&field) {
                Ok((field, desc))
            } else {
                Err(bad())
            }
        })
        .collect()
}

/// Sorts by the parsed keys in order, ties broken by id, as the API does.
pub(crate) fn sort_items<T>(
    items: &mut [&T],
    sorts: &[(&str, bool)],
    compare: impl Fn(&T, &T, &str) -> Ordering,
    id: impl Fn(&T) -> u64,
) {
    if sorts.is_empty() {
        return;
    }
    items.sort_by(|a, b| {
        sorts
            .iter()
            .map(|&(field, desc)| if desc { compare(a, b, field).reverse() } else { compare(a, b, field) })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| id(a).cmp(&id(b)))
    });
}

/// A list body plus `meta.pagination` and the `Link` header.
pub(crate) fn page_out(ctx: &Ctx<'_>, body: Body<'_>, pagination: Pagination) -> Out {
    let body = body.value("meta", serde_json::json!({ "pagination": pagination }));
    let mut out = Out::body(StatusCode::OK, &body);
    out.link = Some(link_header(ctx, &pagination));
    out
}

/// `Link` header with `prev`, `next` and `last`, keeping the caller's other
/// query parameters as they were sent.
pub(crate) fn link_header(ctx: &Ctx<'_>, p: &Pagination) -> String {
    let base = format!("http://{}{}", ctx.host, ctx.full_path);
    let rest = ctx.query.raw_without("page");
    let url = |page: u64| {
        let mut parts: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
        parts.push(format!("page={page}"));
        format!("<{base}?{}>", parts.join("&"))
    };
    let mut links = Vec::new();
    if let Some(prev) = p.previous_page {
        links.push(format!("{}; rel=\"prev\"", url(prev)));
    }
    if let Some(next) = p.next_page {
        links.push(format!("{}; rel=\"next\"", url(next)));
    }
    if let Some(last) = p.last_page {
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    links.join(", ")
}

/// A query parameter that narrows a listing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Filter {
    /// `param=value` compared with a string field.
    Exact(&'static str, &'static str),
    /// Repeatable `param=a&param=b` against a string field, values checked against `allowed`.
    OneOf(&'static str, &'static str, &'static [&'static str]),
    /// `label_selector`.
    Labels,
}

/// Server statuses the API documents.
pub(crate) const SERVER_STATUSES: &[&str] = &[
    "running",
    "initializing",
    "starting",
    "stopping",
    "off",
    "deleting",
    "migrating",
    "rebuilding",
    "unknown",
];

/// The filters and sort fields each listing supports (from the official spec's parameters).
pub(crate) fn list_spec(kind: Kind) -> (&'static [Filter], &'static [&'static str]) {
    use Filter::*;
    const NAME: Filter = Exact("name", "name");
    const ID_NAME: &[&str] = &["id", "name"];
    const ID_NAME_CREATED: &[&str] = &["id", "name", "created"];
    const ID_CREATED: &[&str] = &["id", "created"];
    match kind {
        Kind::Certificate => {
            (&[NAME, Labels, OneOf("type", "type", &["uploaded", "managed"])], ID_NAME_CREATED)
        }
        Kind::Datacenter | Kind::Location => (&[NAME], ID_NAME),
        Kind::ServerType | Kind::LoadBalancerType => (&[NAME], &[]),
        Kind::Firewall | Kind::LoadBalancer | Kind::Network => (&[NAME, Labels], ID_NAME_CREATED),
        Kind::FloatingIp => (&[NAME, Labels], ID_CREATED),
        Kind::PrimaryIp => (&[NAME, Labels, Exact("ip", "ip")], ID_CREATED),
        Kind::Image => (
            &[
                NAME,
                Labels,
                OneOf("type", "type", &["system", "app", "snapshot", "backup"]),
                OneOf("status", "status", &["available", "creating", "unavailable"]),
                Exact("architecture", "architecture"),
            ],
            ID_NAME_CREATED,
        ),
        Kind::Iso => (&[NAME], &[]),
        Kind::PlacementGroup => (&[NAME, Labels, OneOf("type", "type", &["spread"])], ID_NAME_CREATED),
        Kind::Server => (&[NAME, Labels, OneOf("status", "status", SERVER_STATUSES)], ID_NAME_CREATED),
        Kind::SshKey => (&[NAME, Labels, Exact("fingerprint", "fingerprint")], ID_NAME),
        Kind::Volume => {
            (&[NAME, Labels, OneOf("status", "status", &["available", "creating"])], ID_NAME_CREATED)
        }
        Kind::Zone => (&[NAME, Labels, Exact("mode", "mode")], ID_NAME_CREATED),
    }
}

/// Compares two objects by one sortable field.
pub(crate) fn compare_field(a: &Obj, b: &Obj, field: &str) -> Ordering {
    match (a.get(field), b.get(field)) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().unwrap_or(0.0).partial_cmp(&y.as_f64().unwrap_or(0.0)).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}

/// A test a listed object must pass.
pub(crate) type Check<'q> = Box<dyn Fn(&Obj) -> bool + 'q>;

/// Checks a listing's query and returns a predicate over stored objects.
pub(crate) fn build_filter<'q>(
    q: &'q Query,
    filters: &[Filter],
) -> Result<impl Fn(&Obj) -> bool + 'q, ApiError> {
    let mut checks: Vec<Check<'q>> = Vec::new();
    for f in filters {
        match *f {
            Filter::Exact(param, field) => {
                if let Some(v) = q.get(param) {
                    checks.push(Box::new(move |o: &Obj| str_of(o, field) == Some(v)));
                }
            }
            Filter::OneOf(param, field, allowed) => {
                let values: Vec<&str> = q.all(param).collect();
                if let Some(bad) = values.iter().find(|v| !allowed.contains(v)) {
                    return Err(ApiError::invalid_field(param, format!("invalid {param} '{bad}'")));
                }
                if !values.is_empty() {
                    checks
                        .push(Box::new(move |o: &Obj| str_of(o, field).is_some_and(|s| values.contains(&s))));
                }
            }
            Filter::Labels => {
                if let Some(s) = q.get("label_selector") {
                    let selector =
                        parse_selector(s).map_err(|m| ApiError::invalid_field("label_selector", m))?;
                    checks.push(Box::new(move |o: &Obj| selector.matches(&labels_of(o))));
                }
            }
        }
    }
    Ok(move |o: &Obj| checks.iter().all(|c| c(o)))
}

impl Simulator {
    /// `GET /{kind}`: any kind, through the kind's filters, sorts and renderer.
    pub(crate) fn list_resources(&mut self, req: &Req<'_>) -> Handled {
        let kind = req.kind;
        let q = &req.ctx.query;
        let paging = Paging::parse(q)?;
        let (filters, sort_fields) = list_spec(kind);
        let matches = build_filter(q, filters)?;
        let sorts = parse_sort(q, sort_fields)?;
        let extra = self.extra_filter(kind, q)?;
        let keep = |o: &&Obj| matches(o) && extra(o);
        // A name filter is answered from the name index.
        let mut items: Vec<&Obj> = match q.get("name").filter(|_| kind.unique_names()) {
            Some(name) => self
                .store
                .by_name(kind, name)
                .and_then(|id| self.store.get(kind, id))
                .into_iter()
                .filter(keep)
                .collect(),
            None => self.store.items(kind).values().filter(keep).collect(),
        };
        sort_items(&mut items, &sorts, compare_field, |o| crate::store::u64_of(o, "id").unwrap_or(0));
        let (range, pagination) = paging.window(items.len());
        let views = items[range].iter().map(|o| self.view(kind, o)).collect();
        let mut body = Body::new().with(kind.plural(), Part::Many(views));
        if kind == Kind::Datacenter {
            body = body.value("recommendation", Value::from(crate::catalog::RECOMMENDED_DATACENTER));
        }
        Ok(page_out(req.ctx, body, pagination))
    }

    /// Filters a spec gives only some kinds, beyond the table above.
    fn extra_filter<'q>(&self, kind: Kind, q: &'q Query) -> Result<Check<'q>, ApiError> {
        let flag = |key: &str| -> Result<Option<bool>, ApiError> {
            match q.get(key) {
                None => Ok(None),
                Some("true") => Ok(Some(true)),
                Some("false") => Ok(Some(false)),
                Some(other) => Err(ApiError::invalid_field(key, format!("'{other}' is not a boolean"))),
            }
        };
        match kind {
            Kind::Image => {
                let include_deprecated = flag("include_deprecated")?.unwrap_or(false);
                let bound: Vec<u64> = q
                    .all("bound_to")
                    .map(|s| {
                        crate::sim::parse_id(s)
                            .map_err(|_| ApiError::invalid_field("bound_to", "not a valid ID"))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Box::new(move |o: &Obj| {
                    (include_deprecated || o.get("deprecated").is_none_or(Value::is_null))
                        && (bound.is_empty()
                            || crate::store::u64_of(o, "bound_to").is_some_and(|b| bound.contains(&b)))
                }))
            }
            Kind::Iso => {
                let wildcard = flag("include_architecture_wildcard")?.unwrap_or(false);
                let arch = q.get("architecture");
                Ok(Box::new(move |o: &Obj| match arch {
                    None => true,
                    Some(a) => match str_of(o, "architecture") {
                        Some(x) => x == a,
                        None => wildcard,
                    },
                }))
            }
            _ => Ok(Box::new(|_: &Obj| true)),
        }
    }

    /// `GET /{kind}/{id}`.
    pub(crate) fn get_resource(&mut self, req: &Req<'_>) -> Handled {
        let id = self.resolve_path(req)?;
        self.one_out(req.kind, id, StatusCode::OK)
    }

    /// `{"<kind>": …}` for one stored resource.
    pub(crate) fn one_out(&self, kind: Kind, id: u64, status: StatusCode) -> Handled {
        let obj = self.store.get(kind, id).ok_or_else(|| ApiError::missing(kind, id))?;
        Ok(Out::body(status, &Body::new().with(kind.singular(), Part::One(self.view(kind, obj)))))
    }
}
