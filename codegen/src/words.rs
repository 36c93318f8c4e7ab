//! Turning wire names into Rust names.

/// `load_balancer_types` → `LoadBalancerTypes`; `22-02` → `22To02` is left to the table.
pub fn pascal(text: &str) -> String {
    let mut out = String::new();
    for part in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// `ssh_keys` → `ssh_key`, `isos` → `iso`, `floating_ips` → `floating_ip`, `addresses` →
/// `address`. Names already singular stay as they are.
pub fn singular(text: &str) -> String {
    if text.ends_with("series") {
        return text.to_owned();
    }
    for (plural, one) in [("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")] {
        if let Some(stem) = text.strip_suffix(plural) {
            return format!("{stem}{one}");
        }
    }
    if text.ends_with("ss") || text.ends_with("us") || text.ends_with("is") {
        return text.to_owned();
    }
    text.strip_suffix('s').unwrap_or(text).to_owned()
}

/// `LoadBalancerType` → `load_balancer_type`.
pub fn snake(text: &str) -> String {
    let mut out = String::new();
    for (index, c) in text.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `FloatingIp` → `floating IP`, `SshKey` → `SSH key`: a type name as prose.
pub fn human(name: &str) -> String {
    snake(name)
        .split('_')
        .map(|word| match word {
            "ip" | "ssh" | "iso" | "dns" | "tls" => word.to_uppercase(),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `an action`, `a server`, `an ISO`.
pub fn with_article(noun: &str) -> String {
    let first = noun.split(' ').next().unwrap_or_default();
    let acronym = first.len() > 1 && first.chars().all(|c| c.is_ascii_uppercase());
    let vowel = if acronym {
        // Letters whose names start with a vowel sound: an ISO, an SSH key.
        first.starts_with(|c: char| "AEFHILMNORSX".contains(c))
    } else {
        noun.starts_with(|c: char| "aeiouAEIOU".contains(c))
    };
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// A Rust field name for a wire name: `type` is a keyword, so it becomes `kind`.
pub fn field(wire: &str) -> String {
    match wire {
        "type" => "kind".to_owned(),
        other => other.to_owned(),
    }
}

/// An enum variant for a wire value: `round_robin` → `RoundRobin`, `AAAA` → `Aaaa`, `x86` →
/// `X86`. Values that do not start with a letter need a name from the table.
pub fn variant(value: &str) -> Option<String> {
    let name = pascal(value);
    name.chars().next().filter(char::is_ascii_alphabetic).map(|_| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("load_balancer_types"), "LoadBalancerTypes");
        assert_eq!(pascal("AAAA"), "Aaaa");
        assert_eq!(singular("ssh_keys"), "ssh_key");
        assert_eq!(singular("isos"), "iso");
        assert_eq!(singular("primary_ips"), "primary_ip");
        assert_eq!(singular("entries"), "entry");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("time_series"), "time_series");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(snake("LoadBalancerType"), "load_balancer_type");
        assert_eq!(variant("round_robin").as_deref(), Some("RoundRobin"));
        assert_eq!(variant("22-02"), None);
        assert_eq!(field("type"), "kind");
        assert_eq!(with_article(&human("FloatingIp")), "a floating IP");
        assert_eq!(with_article(&human("Iso")), "an ISO");
        assert_eq!(with_article(&human("SshKey")), "an SSH key");
    }
}
