//! Volumes: creates a server and a volume beside it, attaches, resizes and detaches the
//! volume, then deletes both.
//!
//! `cargo run -p hcloud-async --example async_volumes [-- --live]`

mod common;

use hcloud_async::volumes::CreateVolume;
use hcloud_async::CreateServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;

    let server = client
        .servers()
        .create(CreateServer::new("volume-host", "cpx22", "ubuntu-24.04").location("fsn1"))
        .await?;
    client.wait(&server).await?;
    let volume = client
        .volumes()
        .create(CreateVolume::new(10, "example-data").location("fsn1").format("ext4"))
        .await?;
    client.wait(&volume).await?;
    let id = volume.volume.id;
    println!("created volume {id} ({} GB) at {}", volume.volume.size, volume.volume.linux_device);

    let attached = client.volume(id).attach_with(server.server.id, |attach| attach.automount(false)).await?;
    client
        .wait_with_progress(&attached, |action| println!("  {} {}%", action.command, action.progress))
        .await?;
    println!("attached to server {}", client.volume(id).get().await?.server.map_or(0, |s| s.get()));

    client.wait(&client.volume(id).resize(20.0).await?).await?;
    println!("resized to {} GB", client.volume(id).get().await?.size);

    client.wait(&client.volume(id).detach().await?).await?;
    client.volume(id).delete().await?;
    client.wait(&client.server(server.server.id).delete().await?).await?;
    println!("detached and deleted the volume, deleted the server");
    setup.finish();
    Ok(())
}
