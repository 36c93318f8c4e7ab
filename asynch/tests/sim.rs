//! End to end over real HTTP on 127.0.0.1 against the simulator: the whole story of the tour,
//! authentication, faults, and many tasks sharing one client.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hcloud_async::{
    ActionStatus, Client, Config, CreateServer, ListServers, RescueType, RetryPolicy, ServerId, ServerStatus,
    SshKeyId, WaitPolicy,
};
use hcloud_sim::{FaultKind, FaultRule, SimConfig, SimServer};

fn start_sim() -> SimServer {
    SimServer::start(SimConfig::default().with_seed(11).with_action_duration(Duration::from_millis(200)))
        .expect("the simulator starts on a loopback port")
}

fn fast_waits() -> WaitPolicy {
    WaitPolicy {
        interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(50),
        max_attempts: Some(100),
        timeout: Some(Duration::from_secs(5)),
    }
}

fn client_for(sim: &SimServer, token: &str) -> Client {
    let config = Config::new(token).unwrap().with_endpoint(sim.base_url()).unwrap();
    Client::builder(config)
        .retry_policy(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .action_wait_policy(fast_waits())
        .status_wait_policy(WaitPolicy::attempts(60, Duration::from_millis(50)))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_story_against_the_simulator() {
    let sim = start_sim();
    let client = client_for(&sim, "sim-token");
    let started = Instant::now();
    // The API accepts only SSH keys that exist.
    let key = serde_json::json!({"ssh_keys": [{"name": "my-key", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKD story@sim"}]});
    sim.with_simulator(|s| s.seed(&key)).expect("the SSH key is seeded");

    // Create, with every field the story sets.
    let created = client
        .servers()
        .create(CreateServer {
            location: Some("fsn1".into()),
            start_after_create: Some(true),
            ssh_keys: vec!["my-key".into()],
            user_data: Some("#cloud-config\nruncmd:\n- [touch, /root/ok]\n".into()),
            labels: BTreeMap::from([("env".to_owned(), "test".to_owned())]),
            ..CreateServer::new("story-1", "cpx22", "ubuntu-24.04")
        })
        .await
        .unwrap();
    assert_eq!(created.server.name, "story-1");
    assert!(created.root_password.is_none(), "an SSH key was given");
    let id = created.server.id;

    // Wait for its actions, with progress.
    let progress = Arc::new(Mutex::new(Vec::new()));
    let record = progress.clone();
    let done = client
        .actions()
        .wait_for_with_progress(created.all_actions().cloned(), move |a| {
            record.lock().unwrap().push((a.command.clone(), a.progress))
        })
        .await
        .unwrap();
    assert!(done.iter().all(|a| a.status == ActionStatus::Success), "{done:?}");
    assert!(!progress.lock().unwrap().is_empty(), "progress was reported");

    let server = client.server(id).wait_until_status_is(ServerStatus::Running).await.unwrap();
    assert_eq!(server.status, ServerStatus::Running);
    assert_eq!(server.labels["env"], "test");

    // Find it: by name through the stream, by name directly, and by id.
    let by_name: Vec<_> = client.servers().list(ListServers::by_name("story-1")).collect().await;
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].as_ref().unwrap().id, id);
    assert_eq!(client.servers().get_by_name("story-1").await.unwrap().map(|s| s.id), Some(id));
    assert_eq!(client.servers().get(id).await.unwrap().name, "story-1");
    assert!(client.rate_limit().is_some(), "the simulator sends RateLimit-* headers");

    // Rename and relabel.
    let renamed = client.server(id).rename("story-renamed").await.unwrap();
    assert_eq!(renamed.name, "story-renamed");
    let relabeled =
        client.server(id).set_labels(BTreeMap::from([("tier".to_owned(), "web".to_owned())])).await.unwrap();
    assert_eq!(relabeled.labels, BTreeMap::from([("tier".to_owned(), "web".to_owned())]));

    // Rescue mode on and off.
    let rescue = client
        .server(id)
        .enable_rescue_with(|rescue| rescue.rescue_type(RescueType::Linux64).ssh_key(SshKeyId(1)))
        .await
        .unwrap();
    assert!(rescue.root_password.as_ref().is_some_and(|p| !p.expose().is_empty()));
    client.actions().wait_for([rescue.action]).await.unwrap();
    assert!(client.server(id).get().await.unwrap().rescue_enabled);
    let off = client.server(id).disable_rescue().await.unwrap();
    let off = client.action(off.id).wait_until_status_is(ActionStatus::Success).await.unwrap();
    assert_eq!(off.status, ActionStatus::Success);
    assert!(!client.server(id).get().await.unwrap().rescue_enabled);

    // Backups on and off.
    let backups = client.server(id).enable_backup().await.unwrap();
    client.actions().wait_for([backups]).await.unwrap();
    assert!(client.server(id).get().await.unwrap().backups_enabled());
    let backups = client.server(id).disable_backup().await.unwrap();
    client.actions().wait_for([backups]).await.unwrap();
    assert!(!client.server(id).get().await.unwrap().backups_enabled());

    // Delete and wait; then it is gone.
    let deleting = client.server(id).delete().await.unwrap();
    client.actions().wait_for([deleting]).await.unwrap();
    let gone = client.servers().get(id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
    assert!(gone.correlation_id().is_some());
    assert!(client.servers().get(ServerId(999_999)).await.unwrap_err().is_not_found());
    assert!(client.servers().get_by_name("story-renamed").await.unwrap().is_none());

    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    sim.shutdown();
}

#[tokio::test]
async fn a_wrong_token_is_an_authentication_error() {
    let sim = start_sim();
    let client = client_for(&sim, "wrong-token");
    let error = client.servers().list_all(ListServers::all()).await.unwrap_err();
    assert!(error.is_authentication(), "{error:?}");
    assert!(!error.is_retryable());
    sim.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_tasks_share_one_client_against_the_simulator() {
    let sim = start_sim();
    let ids = sim.with_simulator(|s| s.insert_servers(8));
    let client = client_for(&sim, "sim-token");
    let tasks: Vec<_> = ids
        .iter()
        .map(|&id| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut names = Vec::new();
                for _ in 0..5 {
                    names.push(client.servers().get(ServerId(id)).await.unwrap().name);
                }
                (id, names)
            })
        })
        .collect();
    for task in tasks {
        let (id, names) = task.await.unwrap();
        assert_eq!(names.len(), 5);
        assert!(names.windows(2).all(|w| w[0] == w[1]), "server {id}: {names:?}");
    }
    assert_eq!(client.servers().list_all(ListServers::all()).await.unwrap().len(), 8);
    sim.shutdown();
}

#[tokio::test]
async fn paging_walks_every_page_of_the_simulator() {
    let sim = start_sim();
    sim.with_simulator(|s| s.insert_servers(7));
    let client = client_for(&sim, "sim-token");
    let filter = ListServers { per_page: Some(3), ..ListServers::all() };
    let mut stream = client.servers().list(filter);
    let mut seen = Vec::new();
    while let Some(server) = stream.next().await {
        seen.push(server.unwrap().id);
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(stream.cursor().next_page, None);
    sim.shutdown();
}

#[tokio::test]
async fn simulated_faults_are_retried_only_when_safe() {
    let sim = start_sim();
    sim.with_simulator(|s| s.insert_servers(1));
    let client = client_for(&sim, "sim-token");

    // A 502 from a proxy on a GET: retried, then fine.
    sim.with_simulator(|s| {
        s.inject_fault(FaultRule::new(FaultKind::BadGateway).method(http::Method::GET).times(2))
    });
    assert_eq!(client.servers().list_all(ListServers::all()).await.unwrap().len(), 1);

    // A truncated body on a GET: a transport error (the connection closed mid-body); a GET
    // is safe to ask again, so it is retried, then fine.
    sim.with_simulator(|s| {
        s.clear_faults();
        s.inject_fault(FaultRule::new(FaultKind::Truncate).method(http::Method::GET).times(1))
    });
    assert_eq!(client.servers().list_all(ListServers::all()).await.unwrap().len(), 1);

    // A create whose connection drops after the API acted: never resent, so exactly one
    // server is made.
    sim.with_simulator(|s| {
        s.clear_faults();
        s.inject_fault(
            FaultRule::new(FaultKind::DropAfterProcessing)
                .method(http::Method::POST)
                .path("/servers")
                .times(1),
        )
    });
    let error =
        client.servers().create(CreateServer::new("dropped", "cpx22", "ubuntu-24.04")).await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");
    assert!(client.servers().get_by_name("dropped").await.unwrap().is_some());
    assert_eq!(sim.with_simulator(|s| s.server_count()), 2);
    sim.shutdown();
}

/// Many resources and their relations, through the facade: a network, a firewall, servers in
/// both, a volume attached, a load balancer targeting them by label, an SSH key; then every
/// resource deleted and every list empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_resource_scenario_runs_against_the_simulator() {
    use hcloud_async::firewalls::{CreateFirewall, FirewallRule, FirewallRuleProtocol};
    use hcloud_async::load_balancers::{CreateLoadBalancer, LoadBalancerService, LoadBalancerTarget};
    use hcloud_async::networks::{CreateNetwork, CreateNetworkSubnet};
    use hcloud_async::ssh_keys::CreateSshKey;
    use hcloud_async::volumes::CreateVolume;
    use hcloud_async::LabelSelector;

    let sim = start_sim();
    let client = client_for(&sim, "sim-token");
    let key = client
        .ssh_keys()
        .create(CreateSshKey::new(
            "scenario-key",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILsX03FoBV5ZbMQRua3yCW16mLOUSjFXUswB1idHX5eL scenario",
        ))
        .await
        .unwrap();
    let network = client
        .networks()
        .create(
            CreateNetwork::new("scenario", "10.0.0.0/16")
                .subnet(CreateNetworkSubnet::cloud("eu-central", "10.0.1.0/24")),
        )
        .await
        .unwrap();
    let firewall = client
        .firewalls()
        .create(CreateFirewall::new("scenario").rule(FirewallRule::inbound(
            FirewallRuleProtocol::Tcp,
            Some("22"),
            ["0.0.0.0/0"],
        )))
        .await
        .unwrap();
    client.wait(&firewall).await.unwrap();

    let mut servers = Vec::new();
    for n in 1..=3 {
        let request = CreateServer::new(format!("scenario-{n}"), "cpx22", "ubuntu-24.04")
            .location("fsn1")
            .ssh_key(key.name.clone())
            .network(network.id)
            .firewall(firewall.firewall.id)
            .label("role", "web");
        servers.push(client.servers().create(request).await.unwrap());
    }
    for created in &servers {
        client.wait(created).await.unwrap();
        assert!(created.root_password.is_none(), "a server with an SSH key gets no root password");
    }
    let first = servers[0].server.id;
    let server = client.server(first).get().await.unwrap();
    assert_eq!(server.status, ServerStatus::Running);
    assert_eq!(server.private_net[0].network, network.id);
    assert!(server.public_net.firewalls.iter().any(|f| f.id == firewall.firewall.id));

    let volume =
        client.volumes().create(CreateVolume::new(10, "scenario-data").location("fsn1")).await.unwrap();
    client.wait(&volume).await.unwrap();
    client.wait(&client.volume(volume.volume.id).attach(first).await.unwrap()).await.unwrap();
    assert_eq!(client.volume(volume.volume.id).get().await.unwrap().server, Some(first));
    assert_eq!(client.server(first).get().await.unwrap().volumes, [volume.volume.id]);

    let lb = client
        .load_balancers()
        .create(
            CreateLoadBalancer::new("scenario-lb", "lb11")
                .location("fsn1")
                .service(LoadBalancerService::http(80, 8080))
                .target(LoadBalancerTarget::label_selector(LabelSelector::new().eq("role", "web"))),
        )
        .await
        .unwrap();
    client.wait(&lb).await.unwrap();
    let lb = client.load_balancer(lb.load_balancer.id).get().await.unwrap();
    assert_eq!(lb.targets[0].targets.len(), 3, "the selector matches the three servers");

    let web = ListServers::all().label_selector(LabelSelector::new().eq("role", "web"));
    assert_eq!(client.servers().list_all(web.clone()).await.unwrap().len(), 3);

    // Everything goes again.
    client.load_balancer(lb.id).delete().await.unwrap();
    client.wait(&client.volume(volume.volume.id).detach().await.unwrap()).await.unwrap();
    client.volume(volume.volume.id).delete().await.unwrap();
    let mut deletes = Vec::new();
    for created in &servers {
        deletes.push(client.server(created.server.id).delete().await.unwrap());
    }
    client.actions().wait_for(deletes).await.unwrap();
    client.firewall(firewall.firewall.id).delete().await.unwrap();
    client.network(network.id).delete().await.unwrap();
    client.ssh_key(key.id).delete().await.unwrap();
    assert!(client.servers().list_all(ListServers::all()).await.unwrap().is_empty());
    assert!(client.volumes().list_all(Default::default()).await.unwrap().is_empty());
    assert!(client.networks().list_all(Default::default()).await.unwrap().is_empty());
    assert!(client.firewalls().list_all(Default::default()).await.unwrap().is_empty());
    assert!(client.load_balancers().list_all(Default::default()).await.unwrap().is_empty());
    assert!(client.ssh_keys().list_all(Default::default()).await.unwrap().is_empty());
    sim.shutdown();
}
