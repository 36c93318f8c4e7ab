//! Volumes: creates a server and a volume beside it, attaches, resizes and detaches the
//! volume, then deletes both.
//!
//! `cargo run -p hcloud-blocking --example volumes [-- --live]`

mod common;

use hcloud_blocking::volumes::CreateVolume;
use hcloud_blocking::CreateServer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("volumes")? else { return Ok(()) };
    let client = &target.client;

    let server = client
        .servers()
        .create(CreateServer::new("volume-host", "cpx22", "ubuntu-24.04").location("fsn1"))?;
    client.wait(&server)?;
    let volume =
        client.volumes().create(CreateVolume::new(10, "example-data").location("fsn1").format("ext4"))?;
    client.wait(&volume)?;
    let id = volume.volume.id;
    println!("created volume {id} ({} GB) at {}", volume.volume.size, volume.volume.linux_device);

    let attached = client.volume(id).attach_with(server.server.id, |attach| attach.automount(false))?;
    client.wait_with_progress(&attached, |action| println!("  {} {}%", action.command, action.progress))?;
    println!("attached to server {}", client.volume(id).get()?.server.map_or(0, |s| s.get()));

    client.wait(&client.volume(id).resize(20.0)?)?;
    println!("resized to {} GB", client.volume(id).get()?.size);

    client.wait(&client.volume(id).detach()?)?;
    client.volume(id).delete()?;
    client.wait(&client.server(server.server.id).delete()?)?;
    println!("detached and deleted the volume, deleted the server");
    target.finish();
    Ok(())
}
