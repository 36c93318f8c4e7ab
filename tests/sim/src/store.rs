//! Resources kept as JSON objects, one table per kind, with a name index.
//!
//! Every resource is stored in the shape the API returns it, so reading is
//! rendering plus a few derived fields. Fields whose key starts with `_` are
//! private to the simulator (user data, the SSH keys a server was made with)
//! and never rendered.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

/// A stored resource.
pub(crate) type Obj = Map<String, Value>;

/// Every kind of resource the API serves by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    Certificate,
    Datacenter,
    Firewall,
    FloatingIp,
    Image,
    Iso,
    LoadBalancerType,
    LoadBalancer,
    Location,
    Network,
    PlacementGroup,
    PrimaryIp,
    ServerType,
    Server,
    SshKey,
    Volume,
    Zone,
}

impl Kind {
    pub(crate) const ALL: [Kind; 17] = [
        Kind::Certificate,
        Kind::Datacenter,
        Kind::Firewall,
        Kind::FloatingIp,
        Kind::Image,
        Kind::Iso,
        Kind::LoadBalancerType,
        Kind::LoadBalancer,
        Kind::Location,
        Kind::Network,
        Kind::PlacementGroup,
        Kind::PrimaryIp,
        Kind::ServerType,
        Kind::Server,
        Kind::SshKey,
        Kind::Volume,
        Kind::Zone,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The collection's path segment and list key, e.g. `floating_ips`.
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Kind::Certificate => "certificates",
            Kind::Datacenter => "datacenters",
            Kind::Firewall => "firewalls",
            Kind::FloatingIp => "floating_ips",
            Kind::Image => "images",
            Kind::Iso => "isos",
            Kind::LoadBalancerType => "load_balancer_types",
            Kind::LoadBalancer => "load_balancers",
            Kind::Location => "locations",
            Kind::Network => "networks",
            Kind::PlacementGroup => "placement_groups",
            Kind::PrimaryIp => "primary_ips",
            Kind::ServerType => "server_types",
            Kind::Server => "servers",
            Kind::SshKey => "ssh_keys",
            Kind::Volume => "volumes",
            Kind::Zone => "zones",
        }
    }

    /// The single-resource key, also the `type` of an action's resource.
    pub(crate) fn singular(self) -> &'static str {
        let p = self.plural();
        &p[..p.len() - 1]
    }

    /// How error messages name the kind.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Kind::Certificate => "Certificate",
            Kind::Datacenter => "Datacenter",
            Kind::Firewall => "Firewall",
            Kind::FloatingIp => "Floating IP",
            Kind::Image => "Image",
            Kind::Iso => "ISO",
            Kind::LoadBalancerType => "Load Balancer Type",
            Kind::LoadBalancer => "Load Balancer",
            Kind::Location => "Location",
            Kind::Network => "Network",
            Kind::PlacementGroup => "Placement Group",
            Kind::PrimaryIp => "Primary IP",
            Kind::ServerType => "Server Type",
            Kind::Server => "Server",
            Kind::SshKey => "SSH Key",
            Kind::Volume => "Volume",
            Kind::Zone => "Zone",
        }
    }

    /// Kinds whose names are unique within a project (the catalogs' too).
    pub(crate) fn unique_names(self) -> bool {
        !matches!(self, Kind::Image)
    }

    pub(crate) fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }
}

#[derive(Debug, Clone, Default)]
struct Table {
    items: BTreeMap<u64, Obj>,
    names: HashMap<String, u64>,
    next_id: u64,
}

/// All resources, by kind and id.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    tables: Vec<Table>,
}

impl Default for Store {
    fn default() -> Self {
        Self { tables: Kind::ALL.iter().map(|_| Table { next_id: 1, ..Table::default() }).collect() }
    }
}

fn name_of(obj: &Obj) -> Option<&str> {
    obj.get("name").and_then(Value::as_str)
}

impl Store {
    pub(crate) fn items(&self, kind: Kind) -> &BTreeMap<u64, Obj> {
        &self.tables[kind.index()].items
    }

    pub(crate) fn get(&self, kind: Kind, id: u64) -> Option<&Obj> {
        self.tables[kind.index()].items.get(&id)
    }

    pub(crate) fn get_mut(&mut self, kind: Kind, id: u64) -> Option<&mut Obj> {
        self.tables[kind.index()].items.get_mut(&id)
    }

    pub(crate) fn contains(&self, kind: Kind, id: u64) -> bool {
        self.tables[kind.index()].items.contains_key(&id)
    }

    pub(crate) fn len(&self, kind: Kind) -> usize {
        self.tables[kind.index()].items.len()
    }

    /// The id the next inserted resource of this kind will get.
    pub(crate) fn next_id(&self, kind: Kind) -> u64 {
        self.tables[kind.index()].next_id
    }

    /// Stores `obj` under a fresh id (written into its `id` field) and returns the id.
    pub(crate) fn insert(&mut self, kind: Kind, obj: Obj) -> u64 {
        let id = self.tables[kind.index()].next_id;
        self.insert_with_id(kind, id, obj);
        id
    }

    /// Stores `obj` under a chosen id, as catalogs do; later fresh ids follow it.
    pub(crate) fn insert_with_id(&mut self, kind: Kind, id: u64, mut obj: Obj) {
        obj.insert("id".to_owned(), Value::from(id));
        let table = &mut self.tables[kind.index()];
        if let Some(name) = name_of(&obj) {
            table.names.insert(name.to_owned(), id);
        }
        table.items.insert(id, obj);
        table.next_id = table.next_id.max(id + 1);
    }

    pub(crate) fn remove(&mut self, kind: Kind, id: u64) -> Option<Obj> {
        let table = &mut self.tables[kind.index()];
        let obj = table.items.remove(&id)?;
        if let Some(name) = name_of(&obj) {
            if table.names.get(name) == Some(&id) {
                table.names.remove(name);
            }
        }
        Some(obj)
    }

    /// The id of the resource with this exact name.
    pub(crate) fn by_name(&self, kind: Kind, name: &str) -> Option<u64> {
        self.tables[kind.index()].names.get(name).copied()
    }

    /// Renames a resource, keeping the index right.
    pub(crate) fn rename(&mut self, kind: Kind, id: u64, name: &str) {
        let table = &mut self.tables[kind.index()];
        let Some(obj) = table.items.get_mut(&id) else { return };
        if let Some(old) = name_of(obj) {
            if table.names.get(old) == Some(&id) {
                table.names.remove(old);
            }
        }
        obj.insert("name".to_owned(), Value::from(name));
        table.names.insert(name.to_owned(), id);
    }
}

/// Reads a field as `u64`.
pub(crate) fn u64_of(obj: &Obj, key: &str) -> Option<u64> {
    obj.get(key).and_then(Value::as_u64)
}

/// Reads a field as `&str`.
pub(crate) fn str_of<'a>(obj: &'a Obj, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

/// Reads a field as a list of ids.
pub(crate) fn ids_of(obj: &Obj, key: &str) -> Vec<u64> {
    obj.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

/// Labels as a sorted map of strings.
pub(crate) fn labels_of(obj: &Obj) -> BTreeMap<String, String> {
    obj.get("labels")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned())).collect())
        .unwrap_or_default()
}

/// Adds `id` to the integer list at `key` (created if missing), once.
pub(crate) fn push_id(obj: &mut Obj, key: &str, id: u64) {
    let list = obj.entry(key.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = list {
        if !items.iter().any(|v| v.as_u64() == Some(id)) {
            items.push(Value::from(id));
        }
    }
}

/// Removes `id` from the integer list at `key`.
pub(crate) fn pull_id(obj: &mut Obj, key: &str, id: u64) {
    if let Some(Value::Array(items)) = obj.get_mut(key) {
        items.retain(|v| v.as_u64() != Some(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn names_follow_inserts_renames_and_removals() {
        let mut s = Store::default();
        let a = s.insert(Kind::SshKey, obj(json!({"name": "a"})));
        let b = s.insert(Kind::SshKey, obj(json!({"name": "b"})));
        assert_eq!((a, b), (1, 2));
        assert_eq!(s.by_name(Kind::SshKey, "b"), Some(2));
        s.rename(Kind::SshKey, 2, "c");
        assert_eq!(s.by_name(Kind::SshKey, "b"), None);
        assert_eq!(s.by_name(Kind::SshKey, "c"), Some(2));
        s.remove(Kind::SshKey, 2);
        assert_eq!(s.by_name(Kind::SshKey, "c"), None);
        assert_eq!(s.insert(Kind::SshKey, obj(json!({"name": "c"}))), 3, "ids are never reused");
        s.insert_with_id(Kind::Image, 500, obj(json!({})));
        assert_eq!(s.next_id(Kind::Image), 501);
        assert_eq!(Kind::FloatingIp.singular(), "floating_ip");
        assert_eq!(Kind::from_plural("load_balancer_types"), Some(Kind::LoadBalancerType));
    }

    #[test]
    fn id_lists() {
        let mut o = obj(json!({}));
        push_id(&mut o, "servers", 4);
        push_id(&mut o, "servers", 4);
        push_id(&mut o, "servers", 5);
        assert_eq!(ids_of(&o, "servers"), [4, 5]);
        pull_id(&mut o, "servers", 4);
        assert_eq!(ids_of(&o, "servers"), [5]);
    }
}
