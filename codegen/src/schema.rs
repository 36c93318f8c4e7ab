//! JSON schemas reduced to what code generation needs: a tree of [`Node`]s with `$ref`,
//! `allOf`, `oneOf` and type arrays resolved, and only the facts that become types, docs or
//! validation (formats, enums, limits, defaults).

use crate::json::Json;

/// The `components.schemas` members references point into.
pub type Components = [(String, Json)];

/// The shape of one schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Bool,
    Integer,
    Number,
    String,
    Array(Box<Node>),
    /// An object whose values all share one schema (`additionalProperties`), such as labels.
    Map(Box<Node>),
    Object(Vec<Prop>),
    /// `oneOf: [string, integer]`: a resource given by name or by id.
    IdOrName,
    /// A fixed-length array whose items differ in type (`prefixItems`).
    Tuple(Vec<Node>),
    /// Anything at all.
    Any,
}

/// What the schema states besides its shape.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub format: Option<String>,
    pub enumeration: Option<Vec<String>>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub pattern: Option<String>,
    pub default: Option<Json>,
    pub deprecated: bool,
    pub title: Option<String>,
    /// For a union of objects, the property naming the variant.
    pub discriminator: Option<String>,
}

/// One schema: its shape, whether `null` is allowed, and its facts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub nullable: bool,
    pub facts: Facts,
}

/// One property of an object schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Prop {
    pub name: String,
    pub node: Node,
    pub required: bool,
    /// False for a name an object only lists as required: an `allOf` part may require what
    /// another part declares.
    pub declared: bool,
}

impl Node {
    pub fn props(&self) -> &[Prop] {
        match &self.kind {
            Kind::Object(props) => props,
            _ => &[],
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, Kind::Object(_))
    }
}

/// How `required` combines when two schemas merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    /// `allOf`: a property required by any part is required.
    Any,
    /// `oneOf`, or one type seen in several places: required only where every variant
    /// requires it.
    All,
}

/// Reads a whole schema (a body, an answer, a parameter): [`normalize`], then drops names
/// that some object only listed as required without any part declaring them.
pub fn read(schema: &Json, components: &Components) -> Result<Node, String> {
    let mut node = normalize(schema, components)?;
    prune(&mut node);
    Ok(node)
}

fn prune(node: &mut Node) {
    match &mut node.kind {
        Kind::Object(props) => {
            props.retain(|p| p.declared);
            props.iter_mut().for_each(|p| prune(&mut p.node));
        }
        Kind::Array(inner) | Kind::Map(inner) => prune(inner),
        Kind::Tuple(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// Reads a schema, resolving references against `components.schemas`.
pub fn normalize(schema: &Json, components: &Components) -> Result<Node, String> {
    let object = resolve(schema, components)?;
    if !object.is_object() {
        return Err(format!("a schema is not an object: {object}"));
    }
    let mut facts = facts_of(object);

    if let Some(parts) = object.get("allOf").and_then(Json::as_array) {
        let mut merged: Option<Node> = None;
        for part in parts {
            let part = normalize(part, components)?;
            merged = Some(match merged {
                None => part,
                Some(so_far) => merge(so_far, part, Required::Any)?,
            });
        }
        let mut node = merged.ok_or("an empty allOf")?;
        node.facts.title = facts.title.take().or(node.facts.title);
        return Ok(node);
    }

    if let Some(variants) = object.get("oneOf").or_else(|| object.get("anyOf")).and_then(Json::as_array) {
        let nodes: Vec<Node> = variants.iter().map(|v| normalize(v, components)).collect::<Result<_, _>>()?;
        let discriminator = object
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Json::as_str)
            .map(str::to_owned);
        return union(nodes, facts, discriminator);
    }

    let (kind_name, nullable) = type_of(object)?;
    let kind = match kind_name.as_deref() {
        Some("boolean") => Kind::Bool,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("string") => Kind::String,
        Some("array") => match object.get("prefixItems").and_then(Json::as_array) {
            Some(items) => {
                Kind::Tuple(items.iter().map(|i| normalize(i, components)).collect::<Result<_, _>>()?)
            }
            None => {
                let items = object.get("items").ok_or("an array without items")?;
                Kind::Array(Box::new(normalize(items, components)?))
            }
        },
        Some("object") | None => object_kind(object, components)?,
        Some("null") => Kind::Any,
        Some(other) => return Err(format!("unsupported type {other}")),
    };
    if !matches!(kind, Kind::String) {
        facts.enumeration = None;
    }
    Ok(Node { kind, nullable, facts })
}

fn resolve<'a>(schema: &'a Json, components: &'a Components) -> Result<&'a Json, String> {
    let mut current = schema;
    for _ in 0..16 {
        match current.get("$ref").and_then(Json::as_str) {
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .ok_or_else(|| format!("unsupported reference {reference}"))?;
                current = components
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, s)| s)
                    .ok_or_else(|| format!("unknown schema {name}"))?;
            }
            None => return Ok(current),
        }
    }
    Err("references nest too deeply".into())
}

/// The single non-null type and whether `null` is allowed.
fn type_of(object: &Json) -> Result<(Option<String>, bool), String> {
    let nullable = object.get("nullable").and_then(Json::as_bool).unwrap_or(false);
    match object.get("type") {
        None => Ok((None, nullable)),
        Some(Json::String(name)) => Ok((Some(name.clone()), nullable || name == "null")),
        Some(Json::Array(names)) => {
            let names: Vec<&str> = names.iter().filter_map(Json::as_str).collect();
            let rest: Vec<&str> = names.iter().copied().filter(|n| *n != "null").collect();
            match rest.as_slice() {
                [one] => Ok((Some((*one).to_owned()), nullable || names.contains(&"null"))),
                _ => Err(format!("unsupported type list {names:?}")),
            }
        }
        Some(other) => Err(format!("unsupported type {other}")),
    }
}

fn object_kind(object: &Json, components: &Components) -> Result<Kind, String> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    match object.get("properties").and_then(Json::members) {
        Some(properties) => {
            let mut props = Vec::new();
            for (name, schema) in properties {
                props.push(Prop {
                    name: name.clone(),
                    node: normalize(schema, components)?,
                    required: required.contains(&name.as_str()),
                    declared: true,
                });
            }
            for name in required.iter().filter(|r| !properties.iter().any(|(n, _)| n == *r)) {
                let node = Node { kind: Kind::Any, nullable: false, facts: Facts::default() };
                props.push(Prop { name: (*name).to_owned(), node, required: true, declared: false });
            }
            Ok(Kind::Object(props))
        }
        None => match object.get("additionalProperties") {
            Some(values @ Json::Object(_)) => Ok(Kind::Map(Box::new(normalize(values, components)?))),
            _ => Ok(Kind::Any),
        },
    }
}

fn facts_of(object: &Json) -> Facts {
    let number = |key: &str| object.get(key).and_then(Json::as_f64);
    let count = |key: &str| object.get(key).and_then(Json::as_u64);
    let text = |key: &str| object.get(key).and_then(Json::as_str).map(str::to_owned);
    Facts {
        format: text("format"),
        enumeration: object
            .get("enum")
            .and_then(Json::as_array)
            .map(|values| values.iter().filter_map(Json::as_str).map(str::to_owned).collect()),
        minimum: number("minimum"),
        maximum: number("maximum"),
        min_length: count("minLength"),
        max_length: count("maxLength"),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        pattern: text("pattern"),
        default: object.get("default").cloned(),
        deprecated: object.get("deprecated").and_then(Json::as_bool).unwrap_or(false),
        title: text("title"),
        discriminator: None,
    }
}

/// `oneOf`: a string-or-integer pair is an id or a name; objects unite into one object whose
/// variant-specific properties are optional; `null` makes the rest nullable.
fn union(nodes: Vec<Node>, facts: Facts, discriminator: Option<String>) -> Result<Node, String> {
    let is_null = |n: &Node| matches!(n.kind, Kind::Any) && n.nullable;
    let nullable = nodes.iter().any(|n| n.nullable);
    let rest: Vec<Node> = nodes.into_iter().filter(|n| !is_null(n)).collect();
    let scalar = |n: &Node, k: &Kind| std::mem::discriminant(&n.kind) == std::mem::discriminant(k);
    if rest.len() == 2
        && rest.iter().any(|n| scalar(n, &Kind::String))
        && rest.iter().any(|n| scalar(n, &Kind::Integer))
    {
        return Ok(Node { kind: Kind::IdOrName, nullable, facts });
    }
    let mut merged: Option<Node> = None;
    for node in rest {
        merged = Some(match merged {
            None => node,
            Some(so_far) => merge(so_far, node, Required::All)?,
        });
    }
    let mut node = merged.ok_or("an empty oneOf")?;
    node.nullable |= nullable;
    node.facts.title = facts.title.or(node.facts.title.take());
    node.facts.discriminator = discriminator;
    Ok(node)
}

/// Merges two schemas of the same shape. Enums unite, `null` is allowed if either allows
/// it, and `rule` decides which properties stay required.
pub fn merge(a: Node, b: Node, rule: Required) -> Result<Node, String> {
    let kind = match (a.kind, b.kind) {
        (Kind::Object(left), Kind::Object(right)) => Kind::Object(merge_props(left, right, rule)?),
        (Kind::Array(left), Kind::Array(right)) => Kind::Array(Box::new(merge(*left, *right, rule)?)),
        (Kind::Map(left), Kind::Map(right)) => Kind::Map(Box::new(merge(*left, *right, rule)?)),
        (Kind::Integer, Kind::Number) | (Kind::Number, Kind::Integer) => Kind::Number,
        (Kind::Any, other) | (other, Kind::Any) => other,
        (left, right) if std::mem::discriminant(&left) == std::mem::discriminant(&right) => left,
        (left, right) => return Err(format!("cannot merge {} with {}", describe(&left), describe(&right))),
    };
    let enumeration = match (a.facts.enumeration, b.facts.enumeration) {
        (Some(mut left), Some(right)) => {
            for value in right {
                if !left.contains(&value) {
                    left.push(value);
                }
            }
            Some(left)
        }
        (left, right) => left.or(right),
    };
    let facts = Facts {
        format: a.facts.format.or(b.facts.format),
        enumeration,
        minimum: a.facts.minimum.or(b.facts.minimum),
        maximum: a.facts.maximum.or(b.facts.maximum),
        min_length: a.facts.min_length.or(b.facts.min_length),
        max_length: a.facts.max_length.or(b.facts.max_length),
        min_items: a.facts.min_items.or(b.facts.min_items),
        max_items: a.facts.max_items.or(b.facts.max_items),
        pattern: a.facts.pattern.or(b.facts.pattern),
        default: a.facts.default.or(b.facts.default),
        deprecated: a.facts.deprecated || b.facts.deprecated,
        title: a.facts.title.or(b.facts.title),
        discriminator: a.facts.discriminator.or(b.facts.discriminator),
    };
    Ok(Node { kind, nullable: a.nullable || b.nullable, facts })
}

fn merge_props(left: Vec<Prop>, right: Vec<Prop>, rule: Required) -> Result<Vec<Prop>, String> {
    let mut out: Vec<Prop> = Vec::new();
    let right_names: Vec<String> = right.iter().map(|p| p.name.clone()).collect();
    let mut right: Vec<Option<Prop>> = right.into_iter().map(Some).collect();
    for prop in left {
        match right_names.iter().position(|n| *n == prop.name) {
            Some(index) => {
                let other = right[index].take().expect("each right property is taken once");
                let required = match rule {
                    Required::Any => prop.required || other.required,
                    Required::All => prop.required && other.required,
                };
                let node = merge(prop.node, other.node, rule).map_err(|e| format!("{}: {e}", prop.name))?;
                let declared = prop.declared || other.declared;
                out.push(Prop { name: prop.name, node, required, declared });
            }
            None => {
                let required = rule == Required::Any && prop.required;
                out.push(Prop { required, ..prop });
            }
        }
    }
    for prop in right.into_iter().flatten() {
        let required = rule == Required::Any && prop.required;
        out.push(Prop { required, ..prop });
    }
    Ok(out)
}

fn describe(kind: &Kind) -> &'static str {
    match kind {
        Kind::Bool => "a boolean",
        Kind::Integer => "an integer",
        Kind::Number => "a number",
        Kind::String => "a string",
        Kind::Array(_) => "an array",
        Kind::Map(_) => "a map",
        Kind::Object(_) => "an object",
        Kind::IdOrName => "an id or name",
        Kind::Tuple(_) => "a tuple",
        Kind::Any => "anything",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(schema: &str) -> Node {
        read(&Json::parse(schema).unwrap(), &[]).unwrap()
    }

    #[test]
    fn a_part_may_require_what_another_part_declares() {
        let n = node(
            r#"{"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                                   {"type": "object", "required": ["a", "ghost"], "properties": {"b": {"type": "string"}}}]}"#,
        );
        let props: Vec<(&str, bool)> = n.props().iter().map(|p| (p.name.as_str(), p.required)).collect();
        assert_eq!(props, [("a", true), ("b", false)]);
    }

    #[test]
    fn nullable_type_arrays_and_id_or_name_unions() {
        let n = node(r#"{"type": ["string", "null"], "maxLength": 5}"#);
        assert_eq!((n.kind.clone(), n.nullable, n.facts.max_length), (Kind::String, true, Some(5)));
        let n = node(r#"{"oneOf": [{"type": "string"}, {"type": "integer"}]}"#);
        assert_eq!(n.kind, Kind::IdOrName);
    }

    #[test]
    fn all_of_requires_what_any_part_requires_and_one_of_what_all_do() {
        let a = r#"{"type": "object", "properties": {"x": {"type": "string", "enum": ["a", "b"]}, "y": {"type": "integer"}}, "required": ["x", "y"]}"#;
        let b = r#"{"type": "object", "properties": {"x": {"type": "string", "enum": ["a"]}, "z": {"type": "boolean"}}, "required": ["z"]}"#;
        let all = node(&format!(r#"{{"allOf": [{a}, {b}]}}"#));
        let required: Vec<(&str, bool)> = all.props().iter().map(|p| (p.name.as_str(), p.required)).collect();
        assert_eq!(required, [("x", true), ("y", true), ("z", true)]);
        let one = node(&format!(r#"{{"oneOf": [{a}, {b}], "discriminator": {{"propertyName": "x"}}}}"#));
        let required: Vec<(&str, bool)> = one.props().iter().map(|p| (p.name.as_str(), p.required)).collect();
        assert_eq!(required, [("x", false), ("y", false), ("z", false)]);
        assert_eq!(one.facts.discriminator.as_deref(), Some("x"));
        assert_eq!(one.props()[0].node.facts.enumeration, Some(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn incompatible_shapes_do_not_merge() {
        let err = merge(
            node(r#"{"type": "string"}"#),
            node(r#"{"type": "object", "properties": {}}"#),
            Required::All,
        );
        assert!(err.unwrap_err().contains("cannot merge"));
    }
}
