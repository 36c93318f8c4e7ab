//! The clients' facades: `client.volumes().list(..)`, `client.volume(id).attach(server)`, …
//! for every operation, written once as a template and rendered twice: plain calls for the
//! blocking client, `'static + Send` futures for the async one.
//!
//! Where an operation sits follows from its path: `/volumes` is the collection
//! (`client.volumes()`), `/volumes/{id}` a handle (`client.volume(id)`), and what follows a
//! handle's path is a method on it (`/volumes/{id}/actions/attach` → `.attach(..)`,
//! `/zones/{id_or_name}/zonefile` → `.zonefile()`, `/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}`
//! → a handle of its own, `.rrset(name, type)`).

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::emit::HEADER;
use crate::model::{Api, Field, FieldPlace, OpDef, OpKind, Output, Ty};
use crate::table::Table;
use crate::words::{pascal, singular};

/// Which client a rendering is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Blocking,
    Async,
}

impl Client {
    /// The return type of a call answering `output`.
    fn returns(self, output: &str) -> String {
        match self {
            Client::Blocking => format!("Result<{output}>"),
            Client::Async => format!("impl Future<Output = Result<{output}>> + Send + 'static"),
        }
    }

    fn pages(self, op: &str) -> String {
        match self {
            Client::Blocking => format!("Pages<{op}>"),
            Client::Async => format!("PageStream<{op}>"),
        }
    }
}

/// A collection (`/volumes`) or a handle (`/volumes/{id}`), and what it offers.
struct Owner {
    /// `Volumes`, `VolumeHandle`.
    type_name: String,
    /// The path it stands for, such as `/volumes/{id}`.
    path: String,
    /// The path parameters it holds: wire name, Rust name, type.
    params: Vec<(String, String, Ty)>,
    /// How it is reached: a method on the client, or on a parent handle.
    parent: Option<String>,
    accessor: String,
    /// The resource's singular words, for docs: `volume`.
    noun: String,
    methods: Vec<String>,
    cases: Vec<Case>,
}

/// One call of the method-level test table: a method, the operation it must send, and the
/// call itself (after the receiver), with typical arguments from the API document.
struct Case {
    op_id: String,
    call: String,
    /// A list's walk: the test takes its first entry.
    pages: bool,
}

fn case(op: &OpDef, call: String, pages: bool) -> Case {
    Case { op_id: op.op.id.clone(), call, pages }
}

/// A typical argument for `field` of `op_id`, from the document.
fn arg_expr(op_id: &str, wire: &str, ty: &Ty) -> String {
    match ty {
        Ty::Str => format!("arg::<String>(\"{op_id}\", \"{wire}\")"),
        Ty::IdOrName(id) => format!("arg::<IdOrName<{id}>>(\"{op_id}\", \"{wire}\")"),
        Ty::DateTime => format!("time_arg(\"{op_id}\", \"{wire}\")"),
        _ => format!("arg(\"{op_id}\", \"{wire}\")"),
    }
}

fn maximal(op_id: &str) -> String {
    format!("maximal(\"{op_id}\")")
}

fn rust_ty(ty: &Ty) -> String {
    match ty {
        Ty::Id(name) | Ty::Named { name, .. } => name.clone(),
        Ty::IdOrName(id) => format!("IdOrName<{id}>"),
        Ty::Str => "String".into(),
        Ty::Int(name) => (*name).into(),
        Ty::Bool => "bool".into(),
        Ty::F64 => "f64".into(),
        Ty::DateTime => "OffsetDateTime".into(),
        Ty::Vec(inner) => format!("Vec<{}>", rust_ty(inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", rust_ty(inner)),
        Ty::Json => "serde_json::Value".into(),
        Ty::Custom(text) => (*text).into(),
    }
}

/// The argument type a method takes for a value of `ty`, and how it becomes the value.
fn argument(ty: &Ty) -> (String, &'static str) {
    match ty {
        Ty::Str => ("impl Into<String>".into(), ".into()"),
        Ty::IdOrName(id) => (format!("impl Into<IdOrName<{id}>>"), ".into()"),
        other => (rust_ty(other), ""),
    }
}

fn output_type(op: &OpDef) -> String {
    match &op.output {
        Output::Unit => "()".into(),
        Output::Member { ty, .. } => rust_ty(ty),
        Output::Struct { name } | Output::Page { name, .. } => name.clone(),
    }
}

fn is_copy(ty: &Ty) -> bool {
    matches!(ty, Ty::Id(_) | Ty::Int(_) | Ty::Bool | Ty::F64)
}

fn core_path(op: &OpDef) -> String {
    format!("hcloud_core::{}::{}", op.module, op.name)
}

/// The segments of a path, and the index of the last parameter before the rest.
fn item_path(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.iter().rposition(|s| s.starts_with('{'))?;
    // A handle ends with its parameters: `/zones/{id_or_name}/rrsets/{rr_name}/{rr_type}`.
    Some(segments[..=last].join("/"))
}

/// The noun of a path: `/volumes/{id}` → `volume`, `/zones/{z}/rrsets/{n}/{t}` → `rrset`.
fn noun(path: &str) -> String {
    let literal = path.split('/').rfind(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("");
    singular(literal)
}

/// The facade rendered for `client`, and its method-level test table.
pub fn render(api: &Api, table: &Table, client: Client) -> Result<(String, String), String> {
    // Reading and waiting for actions is written by hand in each client (`client.actions()`).
    let ops: Vec<&OpDef> =
        api.ops.iter().filter(|o| !matches!(o.kind, OpKind::Manual(_)) && o.module != "actions").collect();
    // Paths that hold more than a plain GET get a handle; the rest are read through their
    // collection's `get(id)`.
    let mut handles: BTreeSet<String> = BTreeSet::new();
    for op in &ops {
        if matches!(op.kind, OpKind::ActionListing { .. }) {
            continue;
        }
        if let Some(item) = item_path(&op.op.path) {
            let beyond = op.op.path != item || op.op.method != "GET";
            if beyond {
                handles.insert(item);
            }
        }
    }
    let mut owners: Vec<Owner> = Vec::new();
    let collection_name = |path: &str| -> String {
        match table.facade_collections.iter().find(|(p, _)| *p == path) {
            Some((_, name)) => (*name).to_owned(),
            None => pascal(path.trim_start_matches('/')),
        }
    };
    let order = |owners: &mut Vec<Owner>, path: &str, params: Vec<(String, String, Ty)>| -> usize {
        if let Some(index) = owners.iter().position(|o| o.path == path) {
            return index;
        }
        let n = noun(path);
        let is_handle = path.ends_with('}');
        let type_name = if is_handle { format!("{}Handle", pascal(&n)) } else { collection_name(path) };
        let parent = if is_handle {
            let segments: Vec<&str> = path.split('/').collect();
            let literal = segments.iter().rposition(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or(0);
            Some(segments[..literal].join("/")).filter(|p| p.ends_with('}'))
        } else {
            None
        };
        let accessor = if is_handle { n.clone() } else { path.trim_start_matches('/').to_owned() };
        owners.push(Owner {
            type_name,
            path: path.to_owned(),
            params,
            parent,
            accessor,
            noun: n,
            methods: Vec::new(),
            cases: Vec::new(),
        });
        owners.len() - 1
    };

    for op in &ops {
        let path = &op.op.path;
        let path_params: Vec<(String, String, Ty)> = op
            .fields
            .iter()
            .filter(|f| f.place == FieldPlace::Path)
            .map(|f| (f.field.wire.clone(), f.field.rust.clone(), f.field.ty.clone()))
            .collect();
        if let OpKind::ActionListing { generic, owner } = &op.kind {
            let collection =
                format!("/{}", path.trim_start_matches('/').split('/').next().unwrap_or_default());
            let handle_path = format!(
                "{collection}/{{{}}}",
                if owner.starts_with("IdOrName") { "id_or_name" } else { "id" }
            );
            let (target, params) = match *generic {
                "ListKindActions" | "GetKindAction" => (collection.clone(), Vec::new()),
                _ => (handle_path.clone(), path_params[..1].to_vec()),
            };
            if !handles.contains(&handle_path) && target == handle_path {
                continue;
            }
            let index = order(&mut owners, &target, params);
            let (method, cases) = action_listing_method(op, generic, owner, client);
            owners[index].methods.push(method);
            owners[index].cases.extend(cases);
            continue;
        }
        let item = item_path(path);
        let (target, params) = match &item {
            Some(item) if handles.contains(item) => {
                let count = item.matches('{').count();
                (item.clone(), path_params[..count].to_vec())
            }
            Some(_) => {
                // A catalog: `GET /locations/{id}` is `client.locations().get(id)`.
                let collection = path.rsplit_once('/').map(|(head, _)| head).unwrap_or_default().to_owned();
                (collection, Vec::new())
            }
            None => (path.clone(), Vec::new()),
        };
        let index = order(&mut owners, &target, params.clone());
        let held: Vec<&str> = params.iter().map(|(w, _, _)| w.as_str()).collect();
        let rest = path.strip_prefix(target.as_str()).unwrap_or_default();
        let (methods, cases) = methods_for(api, table, op, rest, &held, client)?;
        owners[index].methods.extend(methods);
        owners[index].cases.extend(cases);
        // The collection also reads one by id: `client.volumes().get(id)`.
        if op.op.method == "GET"
            && item.as_deref() == Some(path.as_str())
            && handles.contains(path)
            && params.len() == 1
        {
            let collection = path.rsplit_once('/').map(|(head, _)| head).unwrap_or_default().to_owned();
            let index = order(&mut owners, &collection, Vec::new());
            let (methods, cases) = methods_for(api, table, op, "/{}", &[], client)?;
            owners[index].methods.extend(methods);
            owners[index].cases.extend(cases);
        }
    }
    // Nested handles need their parents (and collections) to exist.
    for index in 0..owners.len() {
        if let Some(parent) = owners[index].parent.clone() {
            if !owners.iter().any(|o| o.path == parent) {
                let count = parent.matches('{').count();
                let params = owners[index].params[..count].to_vec();
                order(&mut owners, &parent, params);
            }
        }
    }
    Ok((file(api, table, &owners, client), tests_file(&owners, client)))
}

fn action_listing_method(def: &OpDef, generic: &str, owner: &str, client: Client) -> (String, Vec<Case>) {
    let id = def.op.id.as_str();
    let cases = match generic {
        "ListKindActions" => vec![case(def, format!("actions({})", maximal(id)), true)],
        "GetKindAction" => vec![case(def, format!("action(arg(\"{id}\", \"id\"))"), false)],
        "ListActionsOf" => vec![
            case(def, "actions()".into(), true),
            case(def, format!("actions_with(|_| {})", maximal(id)), true),
        ],
        _ => vec![case(def, format!("action(arg(\"{id}\", \"action_id\"))"), false)],
    };
    let op = format!("{generic}<{owner}>");
    let code = match generic {
        "ListKindActions" => format!(
            "/// The actions of every resource of this kind (`GET …/actions`), every page.\n\
             pub fn actions(&self, filter: ListKindActions<{owner}>) -> {} {{\n\
             self.client.pages(filter)\n}}\n",
            client.pages(&op)
        ),
        "GetKindAction" => format!(
            "/// One action of this kind of resource (`GET …/actions/{{id}}`).\n\
             pub fn action(&self, id: ActionId) -> {} {{\n\
             self.client.execute(GetKindAction::<{owner}>::new(id))\n}}\n",
            client.returns("Action")
        ),
        "ListActionsOf" => format!(
            "/// The actions of this resource (`GET …/{{id}}/actions`), every page.\n\
             pub fn actions(&self) -> {pages} {{\n\
             self.client.pages(ListActionsOf::new(self.{field}))\n}}\n\n\
             /// As [`actions`](Self::actions), filtered and sorted by `filter`.\n\
             pub fn actions_with(&self, filter: impl FnOnce(ListActionsOf<{owner}>) -> ListActionsOf<{owner}>) -> {pages} {{\n\
             self.client.pages(filter(ListActionsOf::new(self.{field})))\n}}\n",
            pages = client.pages(&op),
            field = if owner.starts_with("IdOrName") { "id_or_name.clone()" } else { "id" },
        ),
        _ => format!(
            "/// One action of this resource (`GET …/{{id}}/actions/{{action_id}}`).\n\
             pub fn action(&self, action_id: ActionId) -> {} {{\n\
             self.client.execute(GetActionOf::new(self.{}, action_id))\n}}\n",
            client.returns("Action"),
            if owner.starts_with("IdOrName") { "id_or_name.clone()" } else { "id" },
        ),
    };
    (code, cases)
}

/// The methods one operation gives its owner. `rest` is the path after the owner's
/// (`/actions/attach`, `/metrics`, `/{}` for an item read through its collection, or empty).
fn methods_for(
    api: &Api,
    table: &Table,
    op: &OpDef,
    rest: &str,
    held: &[&str],
    client: Client,
) -> Result<(Vec<String>, Vec<Case>), String> {
    let put = op.op.method == "PUT";
    let id = op.op.id.as_str();
    let mut cases = Vec::new();
    let by_collection = rest == "/{}";
    let held_field =
        |f: &Field, place: FieldPlace| place == FieldPlace::Path && held.contains(&f.wire.as_str());
    // Required fields the caller gives, in the order of the operation's constructor.
    let required: Vec<&Field> = op
        .required_fields()
        .into_iter()
        .filter(|f| !op.fields.iter().any(|o| o.field.wire == f.wire && held_field(&o.field, o.place)))
        .collect();
    let optional = op
        .fields
        .iter()
        .any(|f| !f.field.required || f.field.nullable || (put && f.field.ty.is_collection()));
    let output = output_type(op);
    let link = format!("[`{}`]({})", op.name, core_path(op));
    let doc = format!("`{} {}`: {link}.", op.op.method, op.op.path);
    let name = method_name(table, op, rest);
    let construct = |args_from: &dyn Fn(&Field) -> String| -> String {
        let all_required = op.required_fields();
        if !all_required.is_empty() {
            let values: Vec<String> = all_required.into_iter().map(args_from).collect();
            format!("{}::new({})", op.name, values.join(", "))
        } else {
            format!("{}::default()", op.name)
        }
    };
    let from = |f: &Field| -> String {
        if held.contains(&f.wire.as_str()) {
            if is_copy(&f.ty) {
                format!("self.{}", f.rust)
            } else {
                format!("self.{}.clone()", f.rust)
            }
        } else {
            f.rust.clone()
        }
    };
    let args: Vec<String> = required.iter().map(|f| format!("{}: {}", f.rust, argument(&f.ty).0)).collect();
    let values: Vec<String> = required.iter().map(|f| arg_expr(id, &f.wire, &f.ty)).collect();
    let mut out = Vec::new();

    // Lists: a lazy walk, everything collected, and one by name.
    if op.paged && held.is_empty() && !by_collection {
        let Output::Page { item, .. } = &op.output else {
            return Err(format!("{}: a paged operation without a page", op.op.id));
        };
        let item = rust_ty(item);
        out.push(format!(
            "/// {doc} Every page, lazily: a page is fetched when the previous one is used up.\n\
             pub fn list(&self, filter: {op}) -> {pages} {{\nself.client.pages(filter)\n}}\n",
            op = op.name,
            pages = client.pages(&op.name)
        ));
        cases.push(case(op, format!("list({})", maximal(id)), true));
        cases.push(case(op, format!("list_all({})", maximal(id)), false));
        out.push(format!(
            "/// {doc} Every page, collected.\n\
             pub fn list_all(&self, filter: {op}) -> {ret} {{\nself.client.collect(filter)\n}}\n",
            op = op.name,
            ret = client.returns(&format!("Vec<{item}>"))
        ));
        if op.fields.iter().any(|f| f.field.wire == "name" && f.place == FieldPlace::Query) {
            let nullable_name = api
                .type_named(&item)
                .and_then(|t| match &t.body {
                    crate::model::Body::Struct(fields) => {
                        fields.iter().find(|f| f.wire == "name").map(|f| f.nullable || !f.required)
                    }
                    _ => None,
                })
                .unwrap_or(false);
            let matches = if nullable_name {
                "item.name.as_deref() == Some(name.as_str())"
            } else {
                "item.name == name"
            };
            out.push(format!(
                "/// {doc} The one with exactly this name, or `None`.\n\
                 pub fn get_by_name(&self, name: impl Into<String>) -> {ret} {{\n\
                 let name = name.into();\n\
                 self.client.find({op}::by_name(name.clone()), move |item: &{item}| {matches})\n}}\n",
                op = op.name,
                ret = client.returns(&format!("Option<{item}>"))
            ));
            cases.push(case(op, format!("get_by_name(arg::<String>(\"{id}\", \"name\"))"), false));
        }
        return Ok((out, cases));
    }
    if op.paged {
        // A list below a handle: `zone.rrsets()`.
        let call = construct(&from);
        out.push(format!(
            "/// {doc} Every page, lazily.\npub fn {name}(&self) -> {pages} {{\nself.client.pages({call})\n}}\n",
            pages = client.pages(&op.name)
        ));
        out.push(format!(
            "/// As [`{name}`](Self::{name}), filtered and sorted by `filter`.\n\
             pub fn {name}_with(&self, filter: impl FnOnce({op}) -> {op}) -> {pages} {{\n\
             self.client.pages(filter({call}))\n}}\n",
            op = op.name,
            pages = client.pages(&op.name)
        ));
        cases.push(case(op, format!("{name}()"), true));
        cases.push(case(op, format!("{name}_with(|_| {})", maximal(id)), true));
        return Ok((out, cases));
    }
    // Creating in a collection: the caller builds the whole request.
    if op.op.method == "POST" && held.is_empty() && rest.is_empty() {
        out.push(format!(
            "/// {doc}\npub fn {name}(&self, request: {op}) -> {ret} {{\nself.client.execute(request)\n}}\n",
            op = op.name,
            ret = client.returns(&output)
        ));
        cases.push(case(op, format!("{name}({})", maximal(id)), false));
        return Ok((out, cases));
    }
    let call = construct(&from);
    let ret = client.returns(&output);
    let plain = !(put && required.is_empty());
    if plain {
        out.push(format!(
            "/// {doc}\npub fn {name}(&self{sep}{args}) -> {ret} {{\nself.client.execute({call})\n}}\n",
            sep = if args.is_empty() { "" } else { ", " },
            args = args.join(", "),
        ));
        cases.push(case(op, format!("{name}({})", values.join(", ")), false));
    }
    if optional {
        let with = if plain { format!("{name}_with") } else { name.clone() };
        let what = if plain {
            format!("As [`{name}`](Self::{name}), with the optional fields set by `options`.")
        } else {
            format!("{doc} The fields to change are set by `changes`.")
        };
        let param = if plain { "options" } else { "changes" };
        out.push(format!(
            "/// {what}\npub fn {with}(&self{sep}{args}, {param}: impl FnOnce({op}) -> {op}) -> {ret} {{\n\
             self.client.execute({param}({call}))\n}}\n",
            sep = if args.is_empty() { "" } else { ", " },
            args = args.join(", "),
            op = op.name,
        ));
        let mut given = values.clone();
        given.push(format!("|_| {}", maximal(id)));
        cases.push(case(op, format!("{with}({})", given.join(", ")), false));
    }
    // Updates name the usual changes: `rename(name)`, `set_labels(labels)`.
    if put && !plain {
        for (field, method, arg) in
            [("name", "rename", "impl Into<String>"), ("labels", "set_labels", "BTreeMap<String, String>")]
        {
            if op.fields.iter().any(|f| f.field.wire == field && f.place == FieldPlace::Body) {
                let value = if field == "name" { "name.into()" } else { "labels" };
                let var = if field == "name" { "name" } else { "labels" };
                out.push(format!(
                    "/// {doc} Changes only `{field}`.\npub fn {method}(&self, {var}: {arg}) -> {ret} {{\n\
                     let mut request = {call};\nrequest.{field} = Some({value});\nself.client.execute(request)\n}}\n",
                ));
                let given = if field == "name" {
                    format!("arg::<String>(\"{id}\", \"name\")")
                } else {
                    format!("arg(\"{id}\", \"labels\")")
                };
                cases.push(case(op, format!("{method}({given})"), false));
            }
        }
    }
    Ok((out, cases))
}

/// `get`, `update`, `delete`, `attach` (the verb after `/actions/`), `metrics` (the literal
/// after the handle), `create_rrset` (a create below a handle), or the table's name.
fn method_name(table: &Table, op: &OpDef, rest: &str) -> String {
    if let Some((_, name)) = table.facade_names.iter().find(|(id, _)| *id == op.op.id) {
        return (*name).to_owned();
    }
    let segments: Vec<&str> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect();
    match (op.op.method.as_str(), segments.as_slice()) {
        ("GET", []) | ("GET", ["{}"]) => "get".into(),
        ("PUT", []) => "update".into(),
        ("DELETE", []) => "delete".into(),
        ("POST", []) => "create".into(),
        (_, ["actions", verb]) => (*verb).to_owned(),
        ("POST", [literal]) => format!("create_{}", singular(literal)),
        (_, [literal]) => (*literal).to_owned(),
        _ => crate::words::snake(&op.name),
    }
}

/// Runs `machine` (built from `client`) to its end: a plain call, or a `'static` future that
/// owns the client and the machine.
fn run(client: Client, machine: &str) -> String {
    match client {
        Client::Blocking => format!("let client = &self.client;\nclient.run({machine})"),
        Client::Async => {
            format!("let client = self.client.clone();\nlet machine = {machine};\nasync move {{ client.run(machine).await }}")
        }
    }
}

/// Reading actions and waiting for them: the same calls in both clients, over the core's
/// `ActionWaiter` and `PollUntil`.
fn waits(client: Client) -> String {
    let waiter = "ActionWaiter::new(\nactions,\nclient.config(),\nclient.action_wait_policy().clone(),\nclient.retry_policy().clone(),\nclient.next_seed(),\n)";
    let ret = |t: &str| client.returns(t);
    let wait_for = run(client, waiter);
    let wait_progress = run(client, &format!("{waiter}.on_progress(callback)"));
    let poll = |what: &str, id: &str| {
        run(
            client,
            &format!("PollUntil::{what}(\nself.{id},\nstatus,\nclient.config(),\npolicy,\nclient.retry_policy().clone(),\nclient.next_seed(),\n)"),
        )
    };
    let actions_of = match client {
        Client::Blocking => "started.actions().into_iter().cloned()",
        Client::Async => "started.actions().into_iter().cloned().collect::<Vec<_>>()",
    };
    format!(
        r#"impl Client {{
/// Actions: reading them and waiting for them.
pub fn actions(&self) -> Actions {{
Actions {{ client: self.clone() }}
}}

/// One action, by id; nothing is sent until a method is called.
pub fn action(&self, id: ActionId) -> ActionHandle {{
ActionHandle {{ client: self.clone(), id }}
}}

/// Waits until every action an answer started has succeeded (`client.wait(&created)`),
/// polling `GET /actions?id=..` with the client's action wait policy. Returns the final
/// state of each action.
///
/// Errors: as [`Actions::wait_for`].
pub fn wait(&self, started: &impl HasActions) -> {vec_ret} {{
self.actions().wait_for({actions_of})
}}

/// [`wait`](Self::wait), calling `progress` with each action whose state changed.
///
/// Errors: as [`Actions::wait_for`].
pub fn wait_with_progress(&self, started: &impl HasActions, progress: impl FnMut(&Action) + Send + 'static) -> {vec_ret} {{
self.actions().wait_for_with_progress({actions_of}, progress)
}}
}}

/// Actions of the project: read one, wait for many. From [`Client::actions`].
#[derive(Clone, Debug)]
pub struct Actions {{
client: Client,
}}

impl Actions {{
/// `GET /actions/{{id}}`: one action.
///
/// Errors: `not_found` when no such action exists; an input error for id 0.
pub fn get(&self, id: ActionId) -> {action_ret} {{
self.client.execute(GetAction {{ id }})
}}

/// `GET /actions?id=..`: several actions by id (at most 25).
///
/// Errors: an input error for no ids, id 0 or more than 25 ids.
pub fn get_many(&self, ids: impl IntoIterator<Item = ActionId>) -> {vec_ret} {{
self.client.execute(ListActionsByIds::new(ids))
}}

/// Waits until every action in `actions` has succeeded, polling the running ones with
/// `GET /actions?id=..` (25 ids per request) per the client's action wait policy (by default
/// after 250 ms, 500 ms, then every second, for at most an hour). Actions already finished
/// need no request. Returns the final state of every action, in the order given.
///
/// Errors: [`is_action_failed`](crate::Error::is_action_failed) as soon as one ends in
/// `error`; [`is_wait_exhausted`](crate::Error::is_wait_exhausted) at the policy's limit; the
/// core's `MissingActions` when the API leaves an id out; errors of the polls.
pub fn wait_for(&self, actions: impl IntoIterator<Item = Action>) -> {vec_ret} {{
{wait_for}
}}

/// [`wait_for`](Self::wait_for), calling `callback` with every action whose state (status,
/// progress) changed, as each poll reports it.
///
/// Errors: as [`wait_for`](Self::wait_for).
pub fn wait_for_with_progress(&self, actions: impl IntoIterator<Item = Action>, callback: impl FnMut(&Action) + Send + 'static) -> {vec_ret} {{
{wait_progress}
}}
}}

/// One action, by id. From [`Client::action`].
#[derive(Clone, Debug)]
pub struct ActionHandle {{
client: Client,
id: ActionId,
}}

impl ActionHandle {{
/// The action's id.
pub fn id(&self) -> ActionId {{
self.id
}}

/// `GET /actions/{{id}}`: the action's current state.
///
/// Errors: `not_found`; an input error for id 0.
pub fn get(&self) -> {action_ret} {{
self.client.execute(GetAction {{ id: self.id }})
}}

/// Polls `GET /actions/{{id}}` until the action's status is `status`, with the client's
/// status wait policy (by default 20 polls, 1 s apart). Returns the action as last read.
///
/// Errors: [`is_action_failed`](crate::Error::is_action_failed) when it finishes with
/// another status; [`is_wait_exhausted`](crate::Error::is_wait_exhausted) when the polls run
/// out; `not_found` and other errors of a poll.
pub fn wait_until_status_is(&self, status: ActionStatus) -> {action_ret} {{
self.wait_until_status_with(status, self.client.status_wait_policy().clone())
}}

/// [`wait_until_status_is`](Self::wait_until_status_is) with an explicit policy.
///
/// Errors: as [`wait_until_status_is`](Self::wait_until_status_is).
pub fn wait_until_status_with(&self, status: ActionStatus, policy: WaitPolicy) -> {action_ret} {{
{poll_action}
}}
}}

impl ServerHandle {{
/// Polls `GET /servers/{{id}}` until the server's status is `status`, with the client's
/// status wait policy (by default 20 polls, 1 s apart). Returns the server as last read.
///
/// Errors: [`is_wait_exhausted`](crate::Error::is_wait_exhausted) when the polls run out;
/// `not_found` and other errors of a poll.
pub fn wait_until_status_is(&self, status: ServerStatus) -> {server_ret} {{
self.wait_until_status_with(status, self.client.status_wait_policy().clone())
}}

/// [`wait_until_status_is`](Self::wait_until_status_is) with an explicit policy (attempts,
/// interval, optional deadline via [`WaitPolicy::with_timeout`]).
///
/// Errors: as [`wait_until_status_is`](Self::wait_until_status_is).
pub fn wait_until_status_with(&self, status: ServerStatus, policy: WaitPolicy) -> {server_ret} {{
{poll_server}
}}
}}

"#,
        vec_ret = ret("Vec<Action>"),
        action_ret = ret("Action"),
        server_ret = ret("Server"),
        poll_action = poll("action_status", "id"),
        poll_server = poll("server_status", "id"),
    )
}

/// `use` lines for the core's names the facade mentions.
fn imports(api: &Api, table: &Table, body: &str) -> String {
    let words: BTreeSet<&str> = body
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .collect();
    let mut uses: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    let mut add = |path: String, name: &str| {
        uses.entry(path).or_default().insert(name.to_owned());
    };
    for t in &api.types {
        if words.contains(t.name.as_str()) {
            add(format!("hcloud_core::{}", t.module), &t.name);
        }
    }
    for op in api.ops.iter().filter(|o| o.kind == OpKind::Generated) {
        if words.contains(op.name.as_str()) {
            add(format!("hcloud_core::{}", op.module), &op.name);
        }
    }
    for (_, id, _) in table.ids {
        if words.contains(id) {
            add("hcloud_core::ids".into(), id);
        }
    }
    for (name, path) in [
        ("IdOrName", "hcloud_core::ids"),
        ("ListKindActions", "hcloud_core::actions"),
        ("GetKindAction", "hcloud_core::actions"),
        ("ListActionsOf", "hcloud_core::actions"),
        ("GetActionOf", "hcloud_core::actions"),
        ("Action", "hcloud_core::actions"),
        ("Metrics", "hcloud_core::metrics"),
        ("BTreeMap", "std::collections"),
        ("OffsetDateTime", "time"),
        ("Future", "std::future"),
        ("RootPassword", "hcloud_core::secret"),
        ("Secret", "hcloud_core::secret"),
        ("GetAction", "hcloud_core::actions"),
        ("ListActionsByIds", "hcloud_core::actions"),
        ("HasActions", "hcloud_core::actions"),
        ("ActionStatus", "hcloud_core::actions"),
        ("ActionWaiter", "hcloud_core::wait"),
        ("PollUntil", "hcloud_core::wait"),
        ("WaitPolicy", "hcloud_core::wait"),
    ] {
        if words.contains(name) {
            add(path.into(), name);
        }
    }
    crate::emit::use_lines(&uses)
}

/// A field initializer: `id` when the value needs no conversion, else `name: name.into()`.
fn init(field: &str, conversion: &str) -> String {
    if conversion.is_empty() {
        field.to_owned()
    } else {
        format!("{field}: {field}{conversion}")
    }
}

fn file(api: &Api, table: &Table, owners: &[Owner], client: Client) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "\n//! Every resource of the API: a collection per kind (`client.volumes()`) and a handle per\n\
         //! resource (`client.volume(id)`), one method per operation.\n\n",
    );
    out.push_str("use crate::client::Client;\nuse crate::error::Result;\n");
    out.push_str(match client {
        Client::Blocking => "use crate::pages::Pages;\n",
        Client::Async => "use crate::pages::PageStream;\n",
    });
    let uses_at = out.len();
    out.push_str("\nimpl Client {\n");
    for owner in owners.iter().filter(|o| o.parent.is_none()) {
        let args: Vec<String> =
            owner.params.iter().map(|(_, r, t)| format!(", {r}: {}", argument(t).0)).collect();
        let inits: Vec<String> =
            owner.params.iter().map(|(_, r, t)| format!(", {}", init(r, argument(t).1))).collect();
        let what = if owner.params.is_empty() {
            format!("The {} calls", owner.accessor.replace('_', " "))
        } else {
            format!("One {}", owner.noun.replace('_', " "))
        };
        let _ = write!(
            out,
            "/// {what} (`{}`); nothing is sent until a method is called.\npub fn {}(&self{}) -> {} {{\n{} {{ client: self.clone(){} }}\n}}\n\n",
            owner.path,
            owner.accessor,
            args.concat(),
            owner.type_name,
            owner.type_name,
            inits.concat()
        );
    }
    out.push_str("}\n\n");
    for owner in owners {
        let is_handle = !owner.params.is_empty();
        let _ = writeln!(
            out,
            "/// {} (`{}`). Cheap to clone; every call clones what it needs{}.",
            if is_handle {
                format!("One {}", owner.noun.replace('_', " "))
            } else {
                format!("The {} calls", owner.accessor.replace('_', " "))
            },
            owner.path,
            match client {
                Client::Blocking => "",
                Client::Async => ", so its futures are `'static`",
            }
        );
        if let Some(example) = example(api, owners, owner, client) {
            out.push_str("///\n");
            for line in example.lines() {
                let _ = writeln!(out, "/// {line}");
            }
        }
        out.push_str("#[derive(Clone, Debug)]\n");
        let _ = writeln!(out, "pub struct {} {{", owner.type_name);
        out.push_str("pub(crate) client: Client,\n");
        for (_, rust, ty) in &owner.params {
            let _ = writeln!(out, "pub(crate) {rust}: {},", rust_ty(ty));
        }
        out.push_str("}\n\n");
        let _ = writeln!(out, "impl {} {{", owner.type_name);
        for (wire, rust, ty) in &owner.params {
            let (ret, body) = if is_copy(ty) {
                (rust_ty(ty), format!("self.{rust}"))
            } else {
                (format!("&{}", rust_ty(ty)), format!("&self.{rust}"))
            };
            let _ = write!(
                out,
                "/// The `{wire}` this handle stands for.\npub fn {rust}(&self) -> {ret} {{\n{body}\n}}\n\n"
            );
        }
        // Nested handles: `zone.rrset(name, type)`.
        for child in owners.iter().filter(|c| c.parent.as_deref() == Some(owner.path.as_str())) {
            let own = &child.params[owner.params.len()..];
            let args: Vec<String> = own.iter().map(|(_, r, t)| format!("{r}: {}", argument(t).0)).collect();
            let mut inits: Vec<String> =
                owner.params.iter().map(|(_, r, _)| format!("{r}: self.{r}.clone()")).collect();
            inits.extend(own.iter().map(|(_, r, t)| init(r, argument(t).1)));
            let _ = write!(
                out,
                "/// One {} of this {} (`{}`); nothing is sent until a method is called.\npub fn {}(&self, {}) -> {} {{\n{} {{ client: self.client.clone(), {} }}\n}}\n\n",
                child.noun, owner.noun, child.path, child.accessor, args.join(", "), child.type_name, child.type_name, inits.join(", ")
            );
        }
        for method in &owner.methods {
            out.push_str(method);
            out.push('\n');
        }
        out.push_str("}\n\n");
    }
    out.push_str(&waits(client));
    let uses = imports(api, table, &out[uses_at..]);
    out.insert_str(uses_at, &uses);
    out
}

/// The receiver of a case: `client.volumes()`, `client.volume(arg(..))`, or a nested handle
/// reached through its parent, with typical path parameters of `op_id`.
fn receiver(owners: &[Owner], owner: &Owner, op_id: &str) -> String {
    let args = |params: &[(String, String, Ty)]| -> String {
        params.iter().map(|(wire, _, ty)| arg_expr(op_id, wire, ty)).collect::<Vec<_>>().join(", ")
    };
    match owner.parent.as_deref().and_then(|p| owners.iter().find(|o| o.path == p)) {
        Some(parent) => {
            let own = &owner.params[parent.params.len()..];
            format!("{}.{}({})", receiver(owners, parent, op_id), owner.accessor, args(own))
        }
        None => format!("client.{}({})", owner.accessor, args(&owner.params)),
    }
}

/// The method-level test table: every method of the facade, called with typical arguments
/// over an in-memory API that checks each request against the document.
fn tests_file(owners: &[Owner], client: Client) -> String {
    let crate_name = match client {
        Client::Blocking => "hcloud_blocking",
        Client::Async => "hcloud_async",
    };
    let mut rows = String::new();
    let mut count = 0;
    for owner in owners {
        for case in &owner.cases {
            count += 1;
            let call = format!("{}.{}", receiver(owners, owner, &case.op_id), case.call);
            let label = format!("{}.{}", owner.type_name, case.call.split('(').next().unwrap_or_default());
            let body = match (client, case.pages) {
                (Client::Blocking, false) => format!("{call}.map(drop)"),
                (Client::Blocking, true) => format!("{call}.next().transpose().map(drop)"),
                (Client::Async, false) => {
                    format!("let call = {call};\nBox::pin(async move {{ call.await.map(drop) }})")
                }
                (Client::Async, true) => {
                    format!("let mut pages = {call};\nBox::pin(async move {{ pages.next().await.transpose().map(drop) }})")
                }
            };
            let _ = writeln!(rows, "(\"{label}\", \"{}\", |client| {{\n{body}\n}}),", case.op_id);
        }
    }
    // Reading actions, from the template's fixed part.
    for (label, op_id, call) in [
        ("Actions.get", "get_action", "client.actions().get(arg(\"get_action\", \"id\"))"),
        (
            "Actions.get_many",
            "get_actions",
            "client.actions().get_many(arg::<Vec<ActionId>>(\"get_actions\", \"id\"))",
        ),
        ("ActionHandle.get", "get_action", "client.action(arg(\"get_action\", \"id\")).get()"),
    ] {
        count += 1;
        let body = match client {
            Client::Blocking => format!("{call}.map(drop)"),
            Client::Async => format!("let call = {call};\nBox::pin(async move {{ call.await.map(drop) }})"),
        };
        let _ = writeln!(rows, "(\"{label}\", \"{op_id}\", |client| {{\n{body}\n}}),");
    }
    let (transport, call_type, run) = match client {
        Client::Blocking => (
            "impl Transport for Api {\nfn send(&self, request: HttpRequest) -> std::result::Result<HttpResponse, TransportError> {\nOk(self.0.answer(&request))\n}\n}\n",
            "fn(&Client) -> Result<()>",
            "call(&client).map_err(|e| e.to_string())",
        ),
        Client::Async => (
            "impl Transport for Api {\nfn send(&self, request: HttpRequest) -> BoxFuture<'_, std::result::Result<HttpResponse, TransportError>> {\nlet answer = self.0.answer(&request);\nBox::pin(async move { Ok(answer) })\n}\n}\n",
            "fn(&Client) -> BoxFuture<'static, Result<()>>",
            "runtime.block_on(async { tokio::spawn(call(&client)).await }).expect(\"the call's task ran\").map_err(|e| e.to_string())",
        ),
    };
    let runtime = match client {
        Client::Blocking => "",
        Client::Async => {
            "let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();\n"
        }
    };
    let async_uses = match client {
        Client::Blocking => "",
        Client::Async => "use hcloud_async::transport::BoxFuture;\n",
    };
    let spawn_note = match client {
        Client::Blocking => "",
        Client::Async => "\n//!\n//! Every call's future is spawned on the runtime, so each is checked to be `Send + 'static` when\n//! this file compiles.",
    };
    format!(
        "{HEADER}\n//! Every method of the facade ({count} calls), with typical arguments from the API document,\n\
         //! over an in-memory API that checks each request against the document and answers with a\n\
         //! typical answer: each call must send its operation and read the answer.{spawn_note}\n\n\
         use {crate_name}::*;\n{async_uses}use hcloud_testkit::facade::{{arg, check, maximal, time_arg, Harness}};\n\n\
         struct Api(Harness);\n\n{transport}\n\
         type Call = {call_type};\n\n\
         fn cases() -> Vec<(&'static str, &'static str, Call)> {{\nvec![\n{rows}]\n}}\n\n\
         #[test]\nfn every_method_sends_its_operation_and_reads_the_answer() {{\n\
         let harness = Harness::new();\n\
         let client = Client::builder(Config::new(\"facade-token\").unwrap())\n\
         .retry_policy(RetryPolicy::none())\n.transport(Api(harness.clone()))\n.build()\n.unwrap();\n\
         {runtime}\
         let cases = cases();\nlet mut failures = Vec::new();\n\
         for (label, expected, call) in &cases {{\n\
         let outcome = {run};\n\
         if let Err(problem) = check(label, expected, outcome, harness.take()) {{\nfailures.push(problem);\n}}\n}}\n\
         assert!(failures.is_empty(), \"{{}} of {{}} calls failed:\\n{{}}\", failures.len(), cases.len(), failures.join(\"\\n\"));\n\
         assert_eq!(cases.len(), {count});\n}}\n"
    )
}

/// A value of `ty` for a doc example: `VolumeId(42)`, `"example.com"`, an enum's first value.
fn example_value(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Id(name) => format!("{name}(42)"),
        Ty::IdOrName(_) => "\"example.com\"".into(),
        Ty::Str => "\"www\"".into(),
        Ty::Named { name, .. } => match api.type_named(name).map(|t| &t.body) {
            Some(crate::model::Body::Enum(variants)) => {
                format!("{name}::{}", variants.first().map(|(_, v)| v.as_str()).unwrap_or("Other"))
            }
            _ => format!("{name}::default()"),
        },
        other => format!("{}::default()", rust_ty(other)),
    }
}

/// A doc example for an owner: walking its list, or reading it, as a user would.
fn example(api: &Api, owners: &[Owner], owner: &Owner, client: Client) -> Option<String> {
    let krate = match client {
        Client::Blocking => "hcloud_blocking",
        Client::Async => "hcloud_async",
    };
    let mut reach = format!("client.{}", owner.accessor);
    let mut chain: Vec<&Owner> = vec![owner];
    while let Some(parent) =
        chain.last().and_then(|o| o.parent.as_deref()).and_then(|p| owners.iter().find(|o| o.path == p))
    {
        chain.push(parent);
    }
    chain.reverse();
    if chain.len() > 1 {
        reach = String::from("client");
        let mut held = 0;
        for link in &chain {
            let values: Vec<String> =
                link.params[held..].iter().map(|(_, _, t)| example_value(api, t)).collect();
            held = link.params.len();
            let _ = write!(reach, ".{}({})", link.accessor, values.join(", "));
        }
    } else {
        let values: Vec<String> = owner.params.iter().map(|(_, _, t)| example_value(api, t)).collect();
        let _ = write!(reach, "({})", values.join(", "));
    }
    let list = owner.cases.iter().find(|c| c.call.starts_with("list("));
    let plain = owner
        .cases
        .iter()
        .find(|c| c.call == "get()")
        .or_else(|| owner.cases.iter().find(|c| c.call.ends_with("()") && !c.pages));
    let mut uses: BTreeSet<String> = BTreeSet::new();
    for link in &chain {
        for (_, _, ty) in &link.params {
            match ty {
                Ty::Id(name) => {
                    uses.insert(name.clone());
                }
                Ty::Named { name, module } => {
                    uses.insert(format!("{module}::{name}"));
                }
                _ => {}
            }
        }
    }
    let body = match (list, plain, client) {
        (Some(case), _, _) => {
            let op = api.ops.iter().find(|o| o.op.id == case.op_id)?;
            uses.insert(format!("{}::{}", op.module, op.name));
            match client {
                Client::Blocking => format!(
                    "for entry in {reach}.list({}::all()) {{\n    println!(\"{{:?}}\", entry?);\n}}",
                    op.name
                ),
                Client::Async => format!(
                    "let mut entries = {reach}.list({}::all());\nwhile let Some(entry) = entries.next().await {{\n    println!(\"{{:?}}\", entry?);\n}}",
                    op.name
                ),
            }
        }
        (None, Some(case), Client::Blocking) => format!("println!(\"{{:?}}\", {reach}.{}?);", case.call),
        (None, Some(case), Client::Async) => format!("println!(\"{{:?}}\", {reach}.{}.await?);", case.call),
        _ => return None,
    };
    let imports: Vec<String> = uses.into_iter().map(|u| format!("use {krate}::{u};\n")).collect();
    let (open, close) = match client {
        Client::Blocking => ("fn main() -> Result<()> {", "}"),
        Client::Async => ("async fn demo() -> Result<()> {", "}"),
    };
    Some(format!(
        "```no_run\nuse {krate}::{{Client, Result}};\n{}\n# {open}\nlet client = Client::from_env()?;\n{body}\n# Ok(())\n# {close}\n```",
        imports.concat()
    ))
}
