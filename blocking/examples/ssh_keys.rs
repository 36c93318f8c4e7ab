//! SSH keys: adds one, finds it by name and by fingerprint, labels and renames it, and
//! deletes it again.
//!
//! `cargo run -p hcloud-blocking --example ssh_keys [-- --live]`

mod common;

use hcloud_blocking::ssh_keys::{CreateSshKey, ListSshKeys};

/// A public key for the example (nobody holds its private half).
const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILsX03FoBV5ZbMQRua3yCW16mLOUSjFXUswB1idHX5eL example@hcloud-rs";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("ssh_keys")? else { return Ok(()) };
    let client = &target.client;

    let key =
        client.ssh_keys().create(CreateSshKey::new("example-key", PUBLIC_KEY).label("env", "example"))?;
    println!("added key {} ({}), fingerprint {}", key.id, key.name, key.fingerprint);

    let by_name = client.ssh_keys().get_by_name("example-key")?.expect("the key just added");
    let by_fingerprint =
        client.ssh_keys().list_all(ListSshKeys::all().fingerprint(key.fingerprint.clone()))?;
    println!("found by name: {}; by fingerprint: {} key(s)", by_name.id, by_fingerprint.len());

    let renamed =
        client.ssh_key(key.id).update(|changes| changes.name("example-key-renamed").label("env", "demo"))?;
    println!("renamed to {} with labels {:?}", renamed.name, renamed.labels);

    client.ssh_key(key.id).delete()?;
    println!("deleted key {}", key.id);
    target.finish();
    Ok(())
}
