//! Generates hcloud-core's API description from the official OpenAPI document (the models,
//! operations, typed ids, the endpoint table of the crate docs and the JSON registry, into
//! `core/src/api/`) and the facades of both clients over it (`blocking/src/facade.rs`,
//! `asynch/src/facade.rs`). The output is checked in; CI runs `--check` and fails on any
//! difference.
//!
//! ```text
//! cargo run -p hcloud-codegen -- [--check] [--report] [SPEC]
//! ```
//!
//! `SPEC` defaults to `../shared/hcloud-openapi/cloud.spec.json` beside the workspace.
//! `--report` lists what the table may want to look at: fields that became optional because
//! one occurrence of their type lacks them.

mod emit;
mod facade;
mod json;
mod model;
mod schema;
mod spec;
mod table;
mod words;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("hcloud-codegen: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().ok_or("no workspace")?.to_owned();
    let mut check = false;
    let mut report = false;
    let mut spec_path = workspace.join("../shared/hcloud-openapi/cloud.spec.json");
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "--report" => report = true,
            "-h" | "--help" => {
                println!("usage: hcloud-codegen [--check] [--report] [SPEC]");
                return Ok(ExitCode::SUCCESS);
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => spec_path = PathBuf::from(other),
        }
    }
    let text = std::fs::read_to_string(&spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let spec = spec::Spec::parse(&text)?;
    let api = model::build(&spec, &table::TABLE)?;
    if report {
        for line in &api.report {
            eprintln!("{line}");
        }
    }
    let api_dir = workspace.join(emit::API_DIR);
    let config = workspace.join("rustfmt.toml");
    let mut differing = Vec::new();
    let files = emit::files(&api, &table::TABLE)?;
    for (name, content) in &files {
        let content = if name.ends_with(".rs") { rustfmt(content, &config, name)? } else { content.clone() };
        let path = workspace.join(name);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(content.as_str()) {
            continue;
        }
        if check {
            differing.push(name.clone());
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {name}");
        }
    }
    for stale in stale_files(&api_dir, &files) {
        if check {
            differing.push(stale);
        } else {
            std::fs::remove_file(workspace.join(&stale)).map_err(|e| format!("{stale}: {e}"))?;
            println!("removed {stale}");
        }
    }
    let ops = api.ops.len();
    let types = api.types.len();
    if check && !differing.is_empty() {
        eprintln!("out of date with {}: {}", spec_path.display(), differing.join(", "));
        eprintln!("run `cargo run -p hcloud-codegen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "{ops} operations, {types} types: core/src/api is {}",
        if check { "up to date" } else { "written" }
    );
    Ok(ExitCode::SUCCESS)
}

/// Generated files left over from an earlier run: `generated.rs` of a module that is gone.
fn stale_files(api_dir: &Path, files: &[(String, String)]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(api_dir) else { return Vec::new() };
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = format!("{}/{}/generated.rs", emit::API_DIR, entry.file_name().to_string_lossy());
        if entry.path().join("generated.rs").exists() && !files.iter().any(|(n, _)| *n == name) {
            stale.push(name);
        }
    }
    stale.sort();
    stale
}

fn rustfmt(source: &str, config: &Path, name: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--config-path"])
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt has no stdin")?
        .write_all(source.as_bytes())
        .map_err(|e| format!("rustfmt: {e}"))?;
    let output = child.wait_with_output().map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        let dump = std::env::temp_dir().join(name.replace('/', "_"));
        let _ = std::fs::write(&dump, source);
        return Err(format!(
            "rustfmt failed on {name} (unformatted text in {}): {}",
            dump.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt: {e}"))
}
