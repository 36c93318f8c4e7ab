//! The whole story of the tour over real HTTP on 127.0.0.1, against the simulator.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hcloud_blocking::{
    ActionStatus, Client, Config, CreateServer, ListServers, RescueType, RetryPolicy, ServerId, ServerStatus,
    WaitPolicy,
};
use hcloud_sim::{SimConfig, SimServer};

const TOKEN: &str = "sim-token";

fn start() -> SimServer {
    let config = SimConfig { token: TOKEN.to_owned(), seed: 7, ..SimConfig::default() }
        .with_action_duration(Duration::from_millis(200));
    SimServer::start(config).expect("the simulator starts on a loopback port")
}

fn client_for(sim: &SimServer, token: &str) -> Client {
    let fast = WaitPolicy {
        interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(50),
        max_attempts: Some(100),
        timeout: Some(Duration::from_secs(10)),
    };
    let config = Config::new(token).unwrap().with_endpoint(sim.base_url()).unwrap();
    Client::builder(config)
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .action_wait_policy(fast.clone())
        .status_wait_policy(fast)
        .seed(3)
        .build()
        .unwrap()
}

#[test]
fn the_whole_story_runs_against_the_simulator() {
    let started = Instant::now();
    let sim = start();
    let client = client_for(&sim, TOKEN);
    // The API accepts only SSH keys that exist.
    let key = serde_json::json!({"ssh_keys": [{"name": "my-ssh-key", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKD story@sim"}]});
    sim.with_simulator(|s| s.seed(&key)).expect("the SSH key is seeded");

    // Create, with every field of the story.
    let request = CreateServer {
        location: Some("nbg1".into()),
        start_after_create: Some(true),
        ssh_keys: vec!["my-ssh-key".into()],
        user_data: Some("#cloud-config\nruncmd:\n- [touch, /root/cloud-init-worked]\n".into()),
        labels: [("env".to_owned(), "test".to_owned())].into(),
        ..CreateServer::new("story-1", "cpx22", "ubuntu-24.04")
    };
    let created = client.servers().create(request).unwrap();
    assert_eq!(created.server.name, "story-1");
    assert!(created.root_password.is_none(), "an SSH key was given, so no password");
    assert_eq!(created.action.command, "create_server");
    let id = created.server.id;

    // Wait for create and start, with progress.
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let actions: Vec<_> = created.all_actions().cloned().collect();
    let done = client
        .actions()
        .wait_for_with_progress(actions.clone(), move |a| seen.lock().unwrap().push((a.id, a.progress)))
        .unwrap();
    assert_eq!(done.len(), actions.len());
    assert!(done.iter().all(|a| a.status == ActionStatus::Success), "{done:?}");
    assert!(!progress.lock().unwrap().is_empty(), "progress was reported");

    let running = client.server(id).wait_until_status_is(ServerStatus::Running).unwrap();
    assert_eq!(running.status, ServerStatus::Running);

    // List by name, get by id.
    let listed: Vec<_> =
        client.servers().list(ListServers::by_name("story-1")).collect::<Result<_, _>>().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(client.servers().get(id).unwrap().labels["env"], "test");
    assert_eq!(client.servers().get_by_name("story-1").unwrap().unwrap().id, id);

    // Rename.
    let renamed = client.server(id).rename("story-renamed").unwrap();
    assert_eq!(renamed.name, "story-renamed");
    assert!(client.servers().get_by_name("story-1").unwrap().is_none());

    // Rescue mode on and off.
    let rescue =
        client.server(id).enable_rescue_with(|rescue| rescue.rescue_type(RescueType::Linux64)).unwrap();
    let password = rescue.root_password.clone().expect("no key given, so a root password comes back");
    assert!(!password.expose().is_empty());
    assert!(!format!("{rescue:?}").contains(password.expose()), "Debug output redacts the password");
    client.actions().wait_for([rescue.action]).unwrap();
    assert!(client.server(id).get().unwrap().rescue_enabled);
    let off = client.server(id).disable_rescue().unwrap();
    let off = client.action(off.id).wait_until_status_is(ActionStatus::Success).unwrap();
    assert_eq!(off.status, ActionStatus::Success);
    assert!(!client.server(id).get().unwrap().rescue_enabled);

    // Backups.
    let backup = client.server(id).enable_backup().unwrap();
    client.actions().wait_for([backup]).unwrap();
    assert!(client.server(id).get().unwrap().backups_enabled());

    // Delete and wait.
    let deleted = client.server(id).delete().unwrap();
    let finished = client.actions().wait_for([deleted]).unwrap();
    assert_eq!(finished[0].status, ActionStatus::Success);

    // Typed errors.
    let missing = client.servers().get(id).unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    assert!(missing.correlation_id().is_some());
    let missing = client.server(ServerId(987_654)).get().unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    let wrong = client_for(&sim, "wrong-token").servers().list_all(ListServers::all()).unwrap_err();
    assert!(wrong.is_authentication(), "{wrong:?}");

    assert!(client.rate_limit().is_some(), "the simulator sends RateLimit-* headers");
    sim.shutdown();
    // About 1 s here; the bound leaves room for a loaded CI machine.
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
}

#[test]
fn paging_walks_every_server_lazily_over_http() {
    let sim = start();
    let client = client_for(&sim, TOKEN);
    for n in 0..5 {
        let request = CreateServer {
            start_after_create: Some(false),
            ..CreateServer::new(format!("page-{n}"), "cpx22", "ubuntu-24.04")
        };
        client.servers().create(request).unwrap();
    }
    let filter = ListServers { per_page: Some(2), ..ListServers::all() };
    let mut names: Vec<String> = client.servers().list(filter).map(|s| s.unwrap().name).collect();
    names.sort();
    assert_eq!(names, ["page-0", "page-1", "page-2", "page-3", "page-4"]);
    sim.shutdown();
}

#[test]
fn a_wait_that_runs_out_is_reported_as_such() {
    let sim = start();
    let client = client_for(&sim, TOKEN);
    let created = client.servers().create(CreateServer::new("never-off", "cpx22", "ubuntu-24.04")).unwrap();
    let policy = WaitPolicy::attempts(2, Duration::from_millis(10));
    let error =
        client.server(created.server.id).wait_until_status_with(ServerStatus::Off, policy).unwrap_err();
    assert!(error.is_wait_exhausted(), "{error:?}");
    sim.shutdown();
}

#[test]
fn a_failed_action_fails_the_wait() {
    let config = SimConfig::default()
        .with_token(TOKEN)
        .with_action_duration(Duration::from_millis(100))
        .with_failing_command("start_server");
    let sim = SimServer::start(config).unwrap();
    let client = client_for(&sim, TOKEN);
    let created = client.servers().create(CreateServer::new("doomed", "cpx22", "ubuntu-24.04")).unwrap();
    let error = client.actions().wait_for(created.all_actions().cloned()).unwrap_err();
    assert!(error.is_action_failed(), "{error:?}");
    sim.shutdown();
}

/// Many resources and their relations, through the facade: a network, a firewall, servers in
/// both, a volume attached, a load balancer targeting them by label, an SSH key; then every
/// resource deleted and every list empty.
#[test]
fn a_multi_resource_scenario_runs_against_the_simulator() {
    use hcloud_blocking::firewalls::{CreateFirewall, FirewallRule, FirewallRuleProtocol};
    use hcloud_blocking::load_balancers::{CreateLoadBalancer, LoadBalancerService, LoadBalancerTarget};
    use hcloud_blocking::networks::{CreateNetwork, CreateNetworkSubnet};
    use hcloud_blocking::ssh_keys::CreateSshKey;
    use hcloud_blocking::volumes::CreateVolume;
    use hcloud_blocking::LabelSelector;

    let sim = start();
    let client = client_for(&sim, TOKEN);
    let key = client
        .ssh_keys()
        .create(CreateSshKey::new(
            "scenario-key",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILsX03FoBV5ZbMQRua3yCW16mLOUSjFXUswB1idHX5eL scenario",
        ))
        .unwrap();
    let network = client
        .networks()
        .create(
            CreateNetwork::new("scenario", "10.0.0.0/16")
                .subnet(CreateNetworkSubnet::cloud("eu-central", "10.0.1.0/24")),
        )
        .unwrap();
    let firewall = client
        .firewalls()
        .create(CreateFirewall::new("scenario").rule(FirewallRule::inbound(
            FirewallRuleProtocol::Tcp,
            Some("22"),
            ["0.0.0.0/0"],
        )))
        .unwrap();
    client.wait(&firewall).unwrap();

    let servers: Vec<_> = (1..=3)
        .map(|n| {
            let request = CreateServer::new(format!("scenario-{n}"), "cpx22", "ubuntu-24.04")
                .location("fsn1")
                .ssh_key(key.name.clone())
                .network(network.id)
                .firewall(firewall.firewall.id)
                .label("role", "web");
            client.servers().create(request).unwrap()
        })
        .collect();
    for created in &servers {
        client.wait(created).unwrap();
        assert!(created.root_password.is_none(), "a server with an SSH key gets no root password");
    }
    let first = servers[0].server.id;
    let server = client.server(first).get().unwrap();
    assert_eq!(server.status, ServerStatus::Running);
    assert_eq!(server.private_net[0].network, network.id);
    assert!(server.public_net.firewalls.iter().any(|f| f.id == firewall.firewall.id));

    let volume = client.volumes().create(CreateVolume::new(10, "scenario-data").location("fsn1")).unwrap();
    client.wait(&volume).unwrap();
    client.wait(&client.volume(volume.volume.id).attach(first).unwrap()).unwrap();
    assert_eq!(client.volume(volume.volume.id).get().unwrap().server, Some(first));
    assert_eq!(client.server(first).get().unwrap().volumes, [volume.volume.id]);

    let lb = client
        .load_balancers()
        .create(
            CreateLoadBalancer::new("scenario-lb", "lb11")
                .location("fsn1")
                .service(LoadBalancerService::http(80, 8080))
                .target(LoadBalancerTarget::label_selector(LabelSelector::new().eq("role", "web"))),
        )
        .unwrap();
    client.wait(&lb).unwrap();
    let lb = client.load_balancer(lb.load_balancer.id).get().unwrap();
    assert_eq!(lb.targets[0].targets.len(), 3, "the selector matches the three servers");

    let web = ListServers::all().label_selector(LabelSelector::new().eq("role", "web"));
    assert_eq!(client.servers().list_all(web.clone()).unwrap().len(), 3);

    // Everything goes again.
    client.load_balancer(lb.id).delete().unwrap();
    client.wait(&client.volume(volume.volume.id).detach().unwrap()).unwrap();
    client.volume(volume.volume.id).delete().unwrap();
    let deletes: Vec<_> = servers.iter().map(|c| client.server(c.server.id).delete().unwrap()).collect();
    client.actions().wait_for(deletes).unwrap();
    client.firewall(firewall.firewall.id).delete().unwrap();
    client.network(network.id).delete().unwrap();
    client.ssh_key(key.id).delete().unwrap();
    assert!(client.servers().list_all(ListServers::all()).unwrap().is_empty());
    assert!(client.volumes().list_all(Default::default()).unwrap().is_empty());
    assert!(client.networks().list_all(Default::default()).unwrap().is_empty());
    assert!(client.firewalls().list_all(Default::default()).unwrap().is_empty());
    assert!(client.load_balancers().list_all(Default::default()).unwrap().is_empty());
    assert!(client.ssh_keys().list_all(Default::default()).unwrap().is_empty());
    sim.shutdown();
}
