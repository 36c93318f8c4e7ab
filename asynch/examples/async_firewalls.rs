//! Firewalls: creates a firewall that admits SSH and HTTPS, applies it to a server and to
//! every server labelled `role=web`, replaces its rules, and removes it again.
//!
//! `cargo run -p hcloud-async --example async_firewalls [-- --live]`

mod common;

use hcloud_async::firewalls::{CreateFirewall, FirewallResource, FirewallRule, FirewallRuleProtocol};
use hcloud_async::{CreateServer, LabelSelector};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;
    let anywhere = ["0.0.0.0/0", "::/0"];

    let server = client
        .servers()
        .create(
            CreateServer::new("firewalled", "cpx22", "ubuntu-24.04").location("fsn1").label("role", "web"),
        )
        .await?;
    client.wait(&server).await?;

    let created = client
        .firewalls()
        .create(
            CreateFirewall::new("example-web")
                .rule(FirewallRule::inbound(FirewallRuleProtocol::Tcp, Some("22"), anywhere).described("ssh"))
                .rule(
                    FirewallRule::inbound(FirewallRuleProtocol::Tcp, Some("443"), anywhere)
                        .described("https"),
                ),
        )
        .await?;
    client.wait(&created).await?;
    let id = created.firewall.id;
    println!("created firewall {id} with {} rules", created.firewall.rules.len());

    let applied = client
        .firewall(id)
        .apply_to(vec![
            FirewallResource::server(server.server.id),
            FirewallResource::label_selector(LabelSelector::new().eq("role", "web")),
        ])
        .await?;
    client.wait(&applied).await?;
    println!("applied to {} resource(s)", client.firewall(id).get().await?.applied_to.len());

    let rules = vec![FirewallRule::inbound(FirewallRuleProtocol::Icmp, None, anywhere)];
    client.wait(&client.firewall(id).set_rules(rules).await?).await?;
    println!("rules now: {:?}", client.firewall(id).get().await?.rules);

    let applied_to = client.firewall(id).get().await?.applied_to;
    client.wait(&client.firewall(id).remove_from(applied_to).await?).await?;
    client.firewall(id).delete().await?;
    client.wait(&client.server(server.server.id).delete().await?).await?;
    println!("removed and deleted the firewall, deleted the server");
    setup.finish();
    Ok(())
}
