//! The subset of the official API document the tests use (`tests/spec/subset.json`, written
//! by `tests/spec/extract.py`).

use serde_json::Value;

/// The whole subset.
pub fn subset() -> &'static Value {
    static SUBSET: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SUBSET.get_or_init(|| {
        let text = include_str!("../spec/subset.json");
        serde_json::from_str(text).expect("tests/spec/subset.json is valid JSON")
    })
}

/// One operation's entry, by `operationId`.
pub fn operation(id: &str) -> &'static Value {
    let op = &subset()["operations"][id];
    assert!(op.is_object(), "operation {id} is not in tests/spec/subset.json; extend extract.py");
    op
}

/// The documented error table: `(status, code)` pairs.
pub fn error_codes() -> Vec<(u16, String)> {
    subset()["errors"]
        .as_array()
        .expect("errors is an array")
        .iter()
        .map(|row| (row["status"].as_u64().unwrap() as u16, row["code"].as_str().unwrap().to_owned()))
        .collect()
}
