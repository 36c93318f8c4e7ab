//! From operations to Rust items: named structs and enums, operations with typed fields, and
//! the module each belongs to.
//!
//! Naming is positional. A response member (`server` of `GET /servers/{id}`) is named from the
//! table or its singular (`Server`); a nested object from its owner and field
//! (`Server.public_net` → `ServerPublicNet`, unless the table says `PublicNet`). Everything
//! that ends up with one name is one type: its shapes are merged, so a field missing from one
//! occurrence becomes optional. Because names come from positions, the same position always
//! gets the same name, wherever the spec repeats it inline.

use std::collections::BTreeMap;

use crate::schema::{merge, Facts, Kind, Node, Prop, Required};
use crate::spec::{Operation, Place, Spec};
use crate::table::Table;
use crate::words::{field as field_name, pascal, singular};

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    /// An integer type by its Rust name (`u64`, `u32`, `u16`, `u8`, `i64`).
    Int(&'static str),
    F64,
    Str,
    DateTime,
    Id(String),
    /// A generated or hand-written type, by name, in `module`.
    Named {
        name: String,
        module: String,
    },
    Vec(Box<Ty>),
    Map(Box<Ty>),
    IdOrName(String),
    Json,
    /// A Rust type written out by the table.
    Custom(&'static str),
}

impl Ty {
    pub fn is_collection(&self) -> bool {
        matches!(self, Ty::Vec(_) | Ty::Map(_))
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub facts: Facts,
    /// Extra serde attributes from the table, such as `serialize_with`.
    pub serde: Option<&'static str>,
    /// The checks to run before sending, as Rust calls on `value` and `field`.
    pub checks: Vec<Check>,
}

/// One input check on a field, run before a request is built.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    Id,
    Range {
        min: Option<f64>,
        max: Option<f64>,
    },
    Length {
        min: Option<u64>,
        max: Option<u64>,
    },
    Items {
        min: Option<u64>,
        max: Option<u64>,
    },
    Trimmed,
    Labels,
    /// An id or a name: positive, or not empty.
    IdOrName,
    /// A hand-written rule from the table: the path of a `fn(&str, &T) -> Result<(), InputError>`.
    Rule(&'static str),
    /// A nested request type with checks of its own.
    Nested,
}

#[derive(Clone, Debug)]
pub enum Body {
    Struct(Vec<Field>),
    /// An open enum of string values, with variant names.
    Enum(Vec<(String, String)>),
    /// The fields a list can be sorted by.
    SortField(Vec<(String, String)>),
}

#[derive(Clone, Debug)]
pub struct TypeDef {
    pub name: String,
    pub module: String,
    pub body: Body,
    pub request: bool,
    /// Where the spec has it, as `operationId: member.path`.
    pub locations: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldPlace {
    Path,
    Query,
    Body,
}

#[derive(Clone, Debug)]
pub struct OpField {
    pub field: Field,
    pub place: FieldPlace,
}

#[derive(Clone, Debug)]
pub enum Output {
    /// No body (204).
    Unit,
    /// One member of the response object, unwrapped.
    Member { key: String, ty: Ty },
    /// Several members: a struct of its own.
    Struct { name: String },
    /// A page of a list: a struct with the items, any extra members and `meta`.
    Page { name: String, key: String, item: Ty },
}

/// What code an operation gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// A struct and its `Operation` impl, generated.
    Generated,
    /// Written by hand, at this path below the crate root.
    Manual(&'static str),
    /// One of the generic per-resource action listings, in `actions`.
    ActionListing { generic: &'static str, owner: String },
}

#[derive(Clone, Debug)]
pub struct OpDef {
    pub op: Operation,
    pub name: String,
    pub module: String,
    pub kind: OpKind,
    pub fields: Vec<OpField>,
    pub output: Output,
    /// Whether it walks pages (`page` and `per_page`).
    pub paged: bool,
    /// The doc link path: `tag/{tag-slug}/{operationId}`.
    pub tag_slug: String,
}

impl OpDef {
    /// The fields a caller must give, in the order constructors take them: path parameters,
    /// then the rest, flags last (`ChangeServerType::new(id, "cpx31", true)`).
    pub fn required_fields(&self) -> Vec<&Field> {
        let mut fields: Vec<&Field> =
            self.fields.iter().map(|f| &f.field).filter(|f| f.required && !f.nullable).collect();
        fields.sort_by_key(|f| {
            let place = self.fields.iter().find(|o| o.field.wire == f.wire).map(|o| o.place);
            (place != Some(FieldPlace::Path), f.ty == Ty::Bool)
        });
        fields
    }

    /// The Rust path of the operation's type, from the crate root.
    pub fn rust_path(&self) -> String {
        match &self.kind {
            OpKind::Generated => format!("{}::{}", self.module, self.name),
            OpKind::Manual(path) => (*path).to_owned(),
            OpKind::ActionListing { generic, owner } => format!("actions::{generic}<{owner}>"),
        }
    }

    pub fn body_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.place == FieldPlace::Body).map(|f| &f.field)
    }
}

pub struct Api {
    pub types: Vec<TypeDef>,
    pub ops: Vec<OpDef>,
    /// Notes for whoever maintains the table: merged shapes that lost required fields, and
    /// names that fell back to the default.
    pub report: Vec<String>,
}

impl Api {
    pub fn modules(&self) -> Vec<String> {
        let mut modules: Vec<String> = self.types.iter().map(|t| t.module.clone()).collect();
        modules.extend(self.ops.iter().map(|o| o.module.clone()));
        modules.sort();
        modules.dedup();
        modules
    }

    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// A named shape as collected from every place it occurs.
struct Collected {
    node: Node,
    module: String,
    request: bool,
    locations: Vec<String>,
    sort: bool,
}

struct Builder<'t> {
    table: &'t Table,
    order: Vec<String>,
    collected: BTreeMap<String, Collected>,
    report: Vec<String>,
    /// Types that are the resource of a module, by name.
    homes: BTreeMap<String, String>,
    /// Output structs (named by the table or `{Item}Page`), with an operation they answer:
    /// their members are named as response members are.
    output_owners: BTreeMap<String, String>,
    /// Collections whose resources the API also addresses by name (`/zones/{id_or_name}`).
    by_name: std::collections::BTreeSet<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

pub fn build(spec: &Spec, table: &Table) -> Result<Api, String> {
    let mut builder = Builder {
        table,
        order: Vec::new(),
        collected: BTreeMap::new(),
        report: Vec::new(),
        homes: BTreeMap::new(),
        output_owners: BTreeMap::new(),
        by_name: spec
            .operations
            .iter()
            .filter(|op| op.path.contains("{id_or_name}"))
            .filter_map(|op| op.path.trim_start_matches('/').split('/').next().map(str::to_owned))
            .collect(),
    };
    builder.find_homes(spec)?;
    for op in &spec.operations {
        builder.collect_op(op).map_err(|e| format!("{}: {e}", op.id))?;
    }
    let mut ops = Vec::new();
    for op in &spec.operations {
        ops.push(builder.op_def(op).map_err(|e| format!("{}: {e}", op.id))?);
    }
    let mut types = Vec::new();
    for name in builder.order.clone() {
        types.push(builder.type_def(&name)?);
    }
    for op in &ops {
        if op.kind == OpKind::Generated {
            if let Some(clash) = types.iter().find(|t| t.name == op.name) {
                return Err(format!(
                    "{} names both an operation and the type at {}",
                    op.name, clash.locations[0]
                ));
            }
        }
    }
    Ok(Api { types, ops, report: builder.report })
}

impl Builder<'_> {
    fn module_of_tag(&self, tag: &str) -> Result<String, String> {
        self.table
            .tag_modules
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, m)| (*m).to_owned())
            .ok_or_else(|| format!("tag {tag} has no module in the table"))
    }

    /// The resource types: what each module's `get_*` and `list_*` operations return.
    fn find_homes(&mut self, spec: &Spec) -> Result<(), String> {
        for op in &spec.operations {
            if op.method != "GET" || action_listing(&op.path).is_some() {
                continue;
            }
            let module = self.module_of_tag(&op.tag)?;
            let Some(response) = &op.response else { continue };
            for member in response.props() {
                if member.name == "meta" || !resource_like(&member.node) {
                    continue;
                }
                let name = self.member_name(&op.id, &member.name);
                self.homes.entry(name).or_insert_with(|| module.clone());
            }
        }
        for (name, module) in self.table.type_modules {
            self.homes.insert((*name).to_owned(), (*module).to_owned());
        }
        Ok(())
    }

    fn op_name(&self, op: &Operation) -> String {
        self.table
            .op_names
            .iter()
            .find(|(id, _)| *id == op.id)
            .map(|(_, name)| (*name).to_owned())
            .unwrap_or_else(|| pascal(&op.id))
    }

    /// The type of a response member.
    fn member_name(&self, op_id: &str, key: &str) -> String {
        let found = self.table.members.iter().find(|(op, k, _)| *op == op_id && *k == key);
        let found = found.or_else(|| self.table.members.iter().find(|(op, k, _)| *op == "*" && *k == key));
        match found {
            Some((_, _, name)) => (*name).to_owned(),
            None => pascal(&singular(key)),
        }
    }

    /// The name of the type at `owner.field`: from the table by position, else by the
    /// spec's title, else `Owner` + `Field`.
    fn nested_name(&self, owner: &str, field: &str, node: &Node, item: bool) -> String {
        if let Some(op_id) = self.output_owners.get(owner) {
            return self.member_name(op_id, field);
        }
        let by_position = |o: &str| self.table.names.iter().find(|(a, f, _)| *a == o && *f == field);
        if let Some((_, _, name)) = by_position(owner).or_else(|| by_position("*")) {
            return (*name).to_owned();
        }
        if let Some(title) = &node.facts.title {
            if let Some((_, name)) = self.table.titles.iter().find(|(t, _)| t == title) {
                return (*name).to_owned();
            }
        }
        let word = if item { singular(field) } else { field.to_owned() };
        format!("{owner}{}", pascal(&word))
    }

    fn external(&self, name: &str) -> Option<&'static str> {
        self.table.external.iter().find(|(n, _)| *n == name).map(|(_, module)| *module)
    }

    fn collect_op(&mut self, op: &Operation) -> Result<(), String> {
        let module = self.module_of_tag(&op.tag)?;
        let op_name = self.op_name(op);
        if let Some(response) = &op.response {
            for member in response.props() {
                if member.name == "meta" {
                    continue;
                }
                let name = self.member_name(&op.id, &member.name);
                let at = format!("{}: {}", op.id, member.name);
                self.visit_value(&member.node, &name, &module, Direction::Response, &at)?;
            }
        }
        if let Some(body) = &op.body {
            for prop in body.props() {
                let at = format!("{} body: {}", op.id, prop.name);
                self.visit_field(&op_name, prop, &module, Direction::Request, &at)?;
            }
        }
        for param in &op.params {
            let listing = action_listing(&op.path).is_some();
            if param.name == "sort" {
                let owner = if listing { "Action".to_owned() } else { self.list_item(op)? };
                let name = format!("{owner}SortField");
                let module = self.homes.get(&owner).cloned().unwrap_or_else(|| module.clone());
                let values = sort_fields(&param.node)?;
                let node = Node {
                    kind: Kind::String,
                    nullable: false,
                    facts: Facts { enumeration: Some(values), ..Facts::default() },
                };
                self.register(
                    &name,
                    node,
                    &module,
                    Direction::Request,
                    &format!("{} query: sort", op.id),
                    true,
                )?;
            } else if let Some(node) = enum_node(&param.node) {
                let name = self.param_enum_name(op, &op_name, &param.name)?;
                let at = format!("{} query: {}", op.id, param.name);
                self.register(&name, node.clone(), &module, Direction::Request, &at, false)?;
            }
        }
        Ok(())
    }

    /// The enum of a query or path parameter: the table's, or the same field's enum on the
    /// listed type (`status` of `GET /servers` is the server's status), or `Op` + `Param`.
    fn param_enum_name(&mut self, op: &Operation, op_name: &str, param: &str) -> Result<String, String> {
        let by_position = |o: &str| self.table.names.iter().find(|(a, f, _)| *a == o && *f == param);
        if let Some((_, _, name)) = by_position(op_name).or_else(|| by_position("*")) {
            return Ok((*name).to_owned());
        }
        let item = if action_listing(&op.path).is_some() {
            Some("Action".to_owned())
        } else {
            self.list_item(op).ok()
        };
        if let Some(item) = item {
            if let Some((_, _, name)) = by_position(&item) {
                return Ok((*name).to_owned());
            }
            return Ok(format!("{item}{}", pascal(param)));
        }
        Ok(format!("{op_name}{}", pascal(param)))
    }

    /// The type a list operation returns items of.
    fn list_item(&self, op: &Operation) -> Result<String, String> {
        let response = op.response.as_ref().ok_or("a list without a response")?;
        let member = response
            .props()
            .iter()
            .find(|m| m.name != "meta" && matches!(m.node.kind, Kind::Array(_)))
            .ok_or("a list without an array member")?;
        Ok(self.member_name(&op.id, &member.name))
    }

    /// A value at a named position: objects and enums are registered under `name`; arrays
    /// and maps pass the name on to their items.
    fn visit_value(
        &mut self,
        node: &Node,
        name: &str,
        module: &str,
        dir: Direction,
        at: &str,
    ) -> Result<(), String> {
        match &node.kind {
            Kind::Object(_) => self.visit_object(node, name, module, dir, at),
            Kind::Array(items) | Kind::Map(items) => self.visit_value(items, name, module, dir, at),
            Kind::String if node.facts.enumeration.is_some() => {
                self.register(name, node.clone(), module, dir, at, false)
            }
            _ => Ok(()),
        }
    }

    fn visit_object(
        &mut self,
        node: &Node,
        name: &str,
        module: &str,
        dir: Direction,
        at: &str,
    ) -> Result<(), String> {
        if self.external(name).is_some() {
            return Ok(());
        }
        self.register(name, node.clone(), module, dir, at, false)?;
        for prop in node.props() {
            self.visit_field(name, prop, module, dir, &format!("{at}.{}", prop.name))?;
        }
        Ok(())
    }

    fn visit_field(
        &mut self,
        owner: &str,
        prop: &Prop,
        module: &str,
        dir: Direction,
        at: &str,
    ) -> Result<(), String> {
        if self.field_override(owner, &prop.name).is_some() {
            return Ok(());
        }
        let (inner, item) = match &prop.node.kind {
            Kind::Array(items) => (items.as_ref(), true),
            Kind::Map(values) => (values.as_ref(), false),
            _ => (&prop.node, false),
        };
        let named =
            inner.is_object() || (matches!(inner.kind, Kind::String) && inner.facts.enumeration.is_some());
        if !named {
            return Ok(());
        }
        let name = self.nested_name(owner, &prop.name, inner, item);
        self.visit_value(inner, &name, module, dir, at)
    }

    fn register(
        &mut self,
        name: &str,
        node: Node,
        module: &str,
        dir: Direction,
        at: &str,
        sort: bool,
    ) -> Result<(), String> {
        let home = self.homes.get(name).cloned().unwrap_or_else(|| module.to_owned());
        match self.collected.get_mut(name) {
            Some(existing) => {
                let before: Vec<(String, bool)> =
                    existing.node.props().iter().map(|p| (p.name.clone(), p.required)).collect();
                let merged = merge(existing.node.clone(), node, Required::All)
                    .map_err(|e| format!("{name} at {at} differs from {}: {e}", existing.locations[0]))?;
                for prop in merged.props() {
                    if before.iter().any(|(n, r)| *n == prop.name && *r && !prop.required) {
                        self.report.push(format!("{name}.{}: optional because {at} lacks it", prop.name));
                    }
                }
                existing.node = merged;
                existing.request |= dir == Direction::Request;
                if existing.locations.len() < 8 {
                    existing.locations.push(at.to_owned());
                }
            }
            None => {
                self.order.push(name.to_owned());
                self.collected.insert(
                    name.to_owned(),
                    Collected {
                        node,
                        module: home,
                        request: dir == Direction::Request,
                        locations: vec![at.to_owned()],
                        sort,
                    },
                );
            }
        }
        Ok(())
    }

    fn field_override(&self, owner: &str, wire: &str) -> Option<&'static crate::table::Override> {
        let exact = self.table.overrides.iter().find(|o| o.owner == owner && o.field == wire);
        exact.or_else(|| self.table.overrides.iter().find(|o| o.owner == "*" && o.field == wire))
    }

    fn type_def(&mut self, name: &str) -> Result<TypeDef, String> {
        let collected = self.collected.get(name).ok_or_else(|| format!("{name} was never collected"))?;
        let node = collected.node.clone();
        let module = collected.module.clone();
        let (request, locations, sort) = (collected.request, collected.locations.clone(), collected.sort);
        let body = match &node.kind {
            Kind::Object(props) => {
                let required_override = self.table.required.iter().find(|(t, _)| *t == name).map(|(_, f)| *f);
                let mut fields = Vec::new();
                for prop in props {
                    let required =
                        prop.required || required_override.is_some_and(|r| r.contains(&prop.name.as_str()));
                    let prop = Prop { required, ..prop.clone() };
                    fields.push(self.field(name, &prop, &module, request)?);
                }
                Body::Struct(fields)
            }
            Kind::String => {
                let values = node.facts.enumeration.clone().unwrap_or_default();
                let mut variants = Vec::new();
                for value in values {
                    let variant = self.variant_name(name, &value)?;
                    variants.push((value, variant));
                }
                if sort {
                    Body::SortField(variants)
                } else {
                    Body::Enum(variants)
                }
            }
            _ => return Err(format!("{name} is neither an object nor an enum")),
        };
        Ok(TypeDef { name: name.to_owned(), module, body, request, locations })
    }

    fn variant_name(&self, enum_name: &str, value: &str) -> Result<String, String> {
        let from_table =
            self.table.variants.iter().find(|(e, v, _)| (*e == enum_name || *e == "*") && *v == value);
        match from_table {
            Some((_, _, variant)) => Ok((*variant).to_owned()),
            None => crate::words::variant(value)
                .ok_or_else(|| format!("{enum_name}: value {value:?} needs a variant name in the table")),
        }
    }

    /// One field of a struct or an operation.
    fn field(&mut self, owner: &str, prop: &Prop, module: &str, request: bool) -> Result<Field, String> {
        let rust = self
            .table
            .field_names
            .iter()
            .find(|(o, w, _)| (*o == owner || *o == "*") && *w == prop.name)
            .map(|(_, _, r)| (*r).to_owned())
            .unwrap_or_else(|| field_name(&prop.name));
        let (ty, serde, required, nullable) = match self.field_override(owner, &prop.name) {
            Some(o) => (
                o.ty.clone(),
                o.serde,
                o.required.unwrap_or(prop.required),
                o.nullable.unwrap_or(prop.node.nullable),
            ),
            None => {
                (self.ty(owner, &prop.name, &prop.node, module)?, None, prop.required, prop.node.nullable)
            }
        };
        let tolerated = self.table.tolerated.iter().any(|(o, f)| *o == owner && *f == prop.name);
        let serde = if tolerated { Some(serde.unwrap_or("default")) } else { serde };
        let mut field = Field {
            wire: prop.name.clone(),
            rust,
            ty,
            required,
            nullable,
            facts: prop.node.facts.clone(),
            serde,
            checks: Vec::new(),
        };
        if request {
            field.checks = self.checks(owner, &field, &prop.node);
        }
        Ok(field)
    }

    fn ty(&mut self, owner: &str, wire: &str, node: &Node, module: &str) -> Result<Ty, String> {
        Ok(match &node.kind {
            Kind::Bool => Ty::Bool,
            Kind::Number => Ty::F64,
            Kind::Integer => self.integer(owner, wire),
            Kind::String => match (&node.facts.enumeration, node.facts.format.as_deref()) {
                (Some(_), _) => {
                    let name = self.nested_name(owner, wire, node, false);
                    self.named(&name, module)
                }
                (None, Some("date-time")) => Ty::DateTime,
                _ => Ty::Str,
            },
            Kind::Array(items) => {
                let inner = match &items.kind {
                    Kind::Object(_) => {
                        let name = self.nested_name(owner, wire, items, true);
                        self.named(&name, module)
                    }
                    Kind::String if items.facts.enumeration.is_some() => {
                        let name = self.nested_name(owner, wire, items, true);
                        self.named(&name, module)
                    }
                    Kind::Integer => self.integer(owner, wire),
                    _ => self.ty(owner, wire, items, module)?,
                };
                Ty::Vec(Box::new(inner))
            }
            Kind::Map(values) => {
                let inner = match &values.kind {
                    Kind::Object(_) => {
                        let name = self.nested_name(owner, wire, values, false);
                        self.named(&name, module)
                    }
                    _ => self.ty(owner, wire, values, module)?,
                };
                Ty::Map(Box::new(inner))
            }
            Kind::Object(_) => {
                let name = self.nested_name(owner, wire, node, false);
                self.named(&name, module)
            }
            Kind::IdOrName => {
                let id = self.reference(wire).ok_or_else(|| {
                    format!("{owner}.{wire}: an id-or-name field needs a reference type in the table")
                })?;
                Ty::IdOrName(id.to_owned())
            }
            Kind::Tuple(_) | Kind::Any => Ty::Json,
        })
    }

    fn named(&self, name: &str, module: &str) -> Ty {
        if let Some(home) = self.external(name) {
            return Ty::Named { name: name.to_owned(), module: home.to_owned() };
        }
        let module = self.collected.get(name).map(|c| c.module.clone()).unwrap_or_else(|| module.to_owned());
        Ty::Named { name: name.to_owned(), module }
    }

    /// An integer: the owner's id for `id`, a typed reference for fields naming a resource,
    /// else `u64`.
    fn integer(&self, owner: &str, wire: &str) -> Ty {
        if wire == "id" {
            if let Some((_, id, _)) = self.table.ids.iter().find(|(t, _, _)| *t == owner) {
                return Ty::Id((*id).to_owned());
            }
        }
        match self.reference(wire) {
            Some(id) => Ty::Id(id.to_owned()),
            None => Ty::Int("u64"),
        }
    }

    fn reference(&self, wire: &str) -> Option<&'static str> {
        self.table.refs.iter().find(|(f, _)| *f == wire).map(|(_, id)| *id)
    }

    /// What to check before sending: ids are positive, limits the spec states, labels, the
    /// hand-written rules of the table, and nested request types.
    fn checks(&self, owner: &str, field: &Field, node: &Node) -> Vec<Check> {
        let mut checks = Vec::new();
        let rule = self.table.rules.iter().find(|(o, f, _)| (*o == owner || *o == "*") && *f == field.wire);
        if let Some((_, _, rule)) = rule {
            checks.push(Check::Rule(rule));
        }
        let facts = &node.facts;
        let element = match (&field.ty, &node.kind) {
            (Ty::Vec(inner), Kind::Array(items)) => Some((inner.as_ref(), items.as_ref())),
            _ => None,
        };
        if facts.min_items.is_some() || facts.max_items.is_some() {
            checks.push(Check::Items { min: facts.min_items, max: facts.max_items });
        }
        let (ty, facts) = match element {
            Some((inner, items)) => (inner, &items.facts),
            None => (&field.ty, facts),
        };
        match ty {
            Ty::Id(_) => checks.push(Check::Id),
            Ty::IdOrName(_) => checks.push(Check::IdOrName),
            Ty::Int(_) | Ty::F64 if facts.minimum.is_some() || facts.maximum.is_some() => {
                checks.push(Check::Range { min: facts.minimum, max: facts.maximum })
            }
            Ty::Str => {
                if facts.min_length.is_some() || facts.max_length.is_some() {
                    checks.push(Check::Length { min: facts.min_length, max: facts.max_length });
                }
                if facts.pattern.as_deref() == Some("^\\S(.*\\S)?$") {
                    checks.push(Check::Trimmed);
                }
            }
            Ty::Map(inner) if field.wire == "labels" && **inner == Ty::Str => checks.push(Check::Labels),
            Ty::Named { name, .. } if self.needs_checks(name, 0) => checks.push(Check::Nested),
            _ => {}
        }
        checks
    }

    /// Whether a request type has anything to check, itself or in what it holds.
    fn needs_checks(&self, name: &str, depth: usize) -> bool {
        let Some(collected) = self.collected.get(name) else { return false };
        if depth > 8 || !collected.node.is_object() {
            return false;
        }
        collected.node.props().iter().any(|prop| {
            let f = &prop.node.facts;
            let limits = f.minimum.is_some()
                || f.maximum.is_some()
                || f.min_length.is_some()
                || f.max_length.is_some()
                || f.max_items.is_some()
                || f.pattern.is_some();
            let nested = match &prop.node.kind {
                Kind::Object(_) => {
                    self.needs_checks(&self.nested_name(name, &prop.name, &prop.node, false), depth + 1)
                }
                Kind::Array(items) if items.is_object() => {
                    self.needs_checks(&self.nested_name(name, &prop.name, items, true), depth + 1)
                }
                Kind::Array(items) => items.facts.minimum.is_some() || items.facts.max_length.is_some(),
                _ => false,
            };
            let id = matches!(self.integer(name, &prop.name), Ty::Id(_))
                && matches!(prop.node.kind, Kind::Integer);
            limits || nested || id || prop.name == "labels"
        })
    }

    fn op_def(&mut self, op: &Operation) -> Result<OpDef, String> {
        let module = self.module_of_tag(&op.tag)?;
        let name = self.op_name(op);
        let kind = if let Some((generic, collection)) = action_listing(&op.path) {
            let owner = self
                .table
                .ids
                .iter()
                .find(|(_, _, c)| *c == collection)
                .map(|(_, id, _)| (*id).to_owned())
                .ok_or_else(|| format!("no id type for the collection {collection}"))?;
            let owner = if self.by_name.contains(&collection) { format!("IdOrName<{owner}>") } else { owner };
            OpKind::ActionListing { generic, owner }
        } else if let Some((_, path)) = self.table.manual_ops.iter().find(|(id, _)| *id == op.id) {
            OpKind::Manual(path)
        } else {
            OpKind::Generated
        };
        let mut fields = Vec::new();
        let mut paged = false;
        let (mut path_params, mut filters, mut paging) = (Vec::new(), Vec::new(), Vec::new());
        for param in &op.params {
            match param.place {
                Place::Path => path_params.push(param),
                Place::Query if param.name == "page" || param.name == "per_page" => paging.push(param),
                Place::Query => filters.push(param),
            }
        }
        // Query pairs go out in one fixed order: filters as the spec lists them, then sort,
        // then paging.
        filters.sort_by_key(|p| p.name == "sort");
        for param in path_params {
            let ty = self.path_param_ty(op, &param.name, &param.node, &module)?;
            let field = self.param_field(&name, param, ty)?;
            fields.push(OpField { field, place: FieldPlace::Path });
        }
        for param in filters.into_iter().chain(paging) {
            let ty = if param.name == "sort" {
                let owner = if action_listing(&op.path).is_some() {
                    "Action".to_owned()
                } else {
                    self.list_item(op)?
                };
                let sort_name = format!("{owner}SortField");
                Ty::Vec(Box::new(Ty::Custom(leak(format!("Sort<{sort_name}>")))))
            } else if param.name == "page" || param.name == "per_page" {
                paged = true;
                Ty::Int("u64")
            } else if let Some(node) = enum_node(&param.node) {
                let enum_name = self.param_enum_name(op, &name, &param.name)?;
                let named = self.named(&enum_name, &module);
                if matches!(param.node.kind, Kind::Array(_)) {
                    Ty::Vec(Box::new(named))
                } else {
                    let _ = node;
                    named
                }
            } else if let Some(o) = self.field_override(&name, &param.name) {
                o.ty.clone()
            } else {
                match &param.node.kind {
                    Kind::Array(items) if matches!(items.kind, Kind::Integer) => {
                        Ty::Vec(Box::new(self.integer(&name, &param.name)))
                    }
                    Kind::Array(_) => match self.reference(&param.name) {
                        Some(id) => Ty::Vec(Box::new(Ty::Id(id.to_owned()))),
                        None => self.ty(&name, &param.name, &param.node, &module)?,
                    },
                    _ => self.ty(&name, &param.name, &param.node, &module)?,
                }
            };
            let field = self.param_field(&name, param, ty)?;
            fields.push(OpField { field, place: FieldPlace::Query });
        }
        if let Some(body) = &op.body {
            for prop in body.props() {
                let mut field = self.field(&name, prop, &module, true)?;
                if op.method == "PUT" && field.ty.is_collection() {
                    field.required = false;
                }
                fields.push(OpField { field, place: FieldPlace::Body });
            }
        }
        let output = self.output(op, &module)?;
        let tag_slug = op.tag.to_lowercase().replace(' ', "-");
        Ok(OpDef { op: op.clone(), name, module, kind, fields, output, paged, tag_slug })
    }

    fn param_field(&self, op_name: &str, param: &crate::spec::Param, ty: Ty) -> Result<Field, String> {
        let rust = self
            .table
            .field_names
            .iter()
            .find(|(o, w, _)| (*o == op_name || *o == "*") && *w == param.name)
            .map(|(_, _, r)| (*r).to_owned())
            .unwrap_or_else(|| field_name(&param.name));
        let mut field = Field {
            wire: param.name.clone(),
            rust,
            ty,
            required: param.required,
            nullable: false,
            facts: param.node.facts.clone(),
            serde: None,
            checks: Vec::new(),
        };
        if param.name != "page" && param.name != "per_page" {
            field.checks = self.checks(op_name, &field, &param.node);
        }
        Ok(field)
    }

    /// `{id}` is the id of the collection before it (`/servers/{id}` → `ServerId`,
    /// `/servers/actions/{id}` → `ActionId`); `{action_id}` is an `ActionId`.
    fn path_param_ty(&mut self, op: &Operation, name: &str, node: &Node, module: &str) -> Result<Ty, String> {
        let segments: Vec<&str> = op.path.split('/').collect();
        let at = segments
            .iter()
            .position(|s| *s == format!("{{{name}}}"))
            .ok_or("a path parameter not in the path")?;
        let collection = segments[at - 1];
        let id =
            |c: &str| self.table.ids.iter().find(|(_, _, col)| *col == c).map(|(_, id, _)| (*id).to_owned());
        Ok(match name {
            "action_id" => Ty::Id("ActionId".into()),
            "id" => Ty::Id(id(collection).ok_or_else(|| format!("no id type for {collection}"))?),
            "id_or_name" => {
                Ty::IdOrName(id(collection).ok_or_else(|| format!("no id type for {collection}"))?)
            }
            _ => match enum_node(node) {
                Some(_) => {
                    let op_name = self.op_name(op);
                    let enum_name = self.param_enum_name(op, &op_name, name)?;
                    self.named(&enum_name, module)
                }
                None => Ty::Str,
            },
        })
    }

    fn output(&mut self, op: &Operation, module: &str) -> Result<Output, String> {
        let Some(response) = &op.response else { return Ok(Output::Unit) };
        let members: Vec<&Prop> = response.props().iter().collect();
        let has_meta = members.iter().any(|m| m.name == "meta");
        if has_meta {
            let list = members
                .iter()
                .find(|m| matches!(m.node.kind, Kind::Array(_)))
                .ok_or("a paged response without a list")?;
            let item = self.member_name(&op.id, &list.name);
            let page = format!("{item}Page");
            let item_ty = self.named(&item, module);
            let home = self.homes.get(&item).cloned().unwrap_or_else(|| module.to_owned());
            self.register_output(&page, response, &op.id, &home)?;
            return Ok(Output::Page { name: page, key: list.name.clone(), item: item_ty });
        }
        match members.as_slice() {
            [one] => {
                let ty = self.member_ty(&op.id, one, module)?;
                Ok(Output::Member { key: one.name.clone(), ty })
            }
            _ => {
                let name = self
                    .table
                    .outputs
                    .iter()
                    .find(|(id, _)| *id == op.id)
                    .map(|(_, n)| (*n).to_owned())
                    .ok_or_else(|| {
                        format!("a response of {} members needs an output name in the table", members.len())
                    })?;
                self.register_output(&name, response, &op.id, module)?;
                Ok(Output::Struct { name })
            }
        }
    }

    fn member_ty(&mut self, op_id: &str, member: &Prop, module: &str) -> Result<Ty, String> {
        let name = self.member_name(op_id, &member.name);
        Ok(match &member.node.kind {
            Kind::Object(_) => self.named(&name, module),
            Kind::Array(items) if items.is_object() => Ty::Vec(Box::new(self.named(&name, module))),
            _ => match self.field_override(&pascal(op_id), &member.name) {
                Some(o) => o.ty.clone(),
                None => self.ty(&pascal(op_id), &member.name, &member.node, module)?,
            },
        })
    }

    /// An output struct: the response object itself, its members typed as the members are.
    /// Members are all present in the API's answers, so only `null` makes them optional.
    fn register_output(
        &mut self,
        name: &str,
        response: &Node,
        op_id: &str,
        module: &str,
    ) -> Result<(), String> {
        let mut node = response.clone();
        if let Kind::Object(props) = &mut node.kind {
            for prop in props {
                prop.required = true;
            }
        }
        self.output_owners.entry(name.to_owned()).or_insert_with(|| op_id.to_owned());
        self.register(name, node, module, Direction::Response, &format!("{op_id}: (response)"), false)
    }
}

/// `GET /{collection}/actions[/{id}]` and `GET /{collection}/{id}/actions[/{action_id}]`: the
/// generic it maps to, and the collection.
pub fn action_listing(path: &str) -> Option<(&'static str, String)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let generic = match segments.as_slice() {
        [c, "actions"] if *c != "actions" => ("ListKindActions", c),
        [c, "actions", "{id}"] if *c != "actions" => ("GetKindAction", c),
        [c, id, "actions"] if id.starts_with('{') => ("ListActionsOf", c),
        [c, id, "actions", "{action_id}"] if id.starts_with('{') => ("GetActionOf", c),
        _ => return None,
    };
    Some((generic.0, (*generic.1).to_owned()))
}

fn resource_like(node: &Node) -> bool {
    match &node.kind {
        Kind::Object(_) => true,
        Kind::Array(items) => items.is_object(),
        _ => false,
    }
}

/// A string enum, or an array of one.
fn enum_node(node: &Node) -> Option<&Node> {
    match &node.kind {
        Kind::String if node.facts.enumeration.is_some() => Some(node),
        Kind::Array(items) => enum_node(items),
        _ => None,
    }
}

/// The fields of a `sort` parameter: its values without `:asc`/`:desc`.
fn sort_fields(node: &Node) -> Result<Vec<String>, String> {
    let values = enum_node(node).and_then(|n| n.facts.enumeration.clone()).ok_or("sort without values")?;
    let mut fields: Vec<String> = Vec::new();
    for value in values {
        let field = value.split(':').next().unwrap_or_default().to_owned();
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    Ok(fields)
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// A generated type name that lives as long as the generator runs.
pub fn leak_str(text: String) -> &'static str {
    leak(text)
}
