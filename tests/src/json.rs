//! JSON comparison that treats `4` and `4.0` as the same number, since a typed model may
//! store an integer-valued field as a float.

use serde_json::Value;

/// Where two JSON values first differ, or `None` when they are equal (numbers compared by
/// value).
pub fn first_difference(left: &Value, right: &Value) -> Option<String> {
    diff(left, right, "$")
}

fn diff(left: &Value, right: &Value, at: &str) -> Option<String> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            (a.as_f64() != b.as_f64()).then(|| format!("{at}: {a} != {b}"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("{at}: {} items != {} items", a.len(), b.len()));
            }
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| diff(x, y, &format!("{at}[{i}]")))
        }
        (Value::Object(a), Value::Object(b)) => {
            if let Some(key) = a.keys().find(|k| !b.contains_key(*k)) {
                return Some(format!("{at}.{key}: only on the left"));
            }
            if let Some(key) = b.keys().find(|k| !a.contains_key(*k)) {
                return Some(format!("{at}.{key}: only on the right"));
            }
            a.iter().find_map(|(k, x)| diff(x, &b[k], &format!("{at}.{k}")))
        }
        _ => (left != right).then(|| format!("{at}: {left} != {right}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value_and_differences_are_located() {
        assert_eq!(first_difference(&json!({"a": [4]}), &json!({"a": [4.0]})), None);
        assert_eq!(first_difference(&json!({"a": [4]}), &json!({"a": [5]})).unwrap(), "$.a[0]: 4 != 5");
        assert!(first_difference(&json!({"a": 1}), &json!({"a": 1, "b": 2})).unwrap().contains("$.b"));
        assert!(first_difference(&json!("x"), &json!(null)).is_some());
    }
}
