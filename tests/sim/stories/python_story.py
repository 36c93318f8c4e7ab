#!/usr/bin/env python3
"""A story told with the official Python client (`hcloud` on PyPI) against hcloud-sim.

Needs HCLOUD_ENDPOINT and HCLOUD_TOKEN. Every step waits for its actions; any exception
or failed check ends the run with a non-zero status.
"""
import base64
import os
import sys
import traceback

from hcloud import Client
from hcloud.firewalls.domain import FirewallResource, FirewallResourceLabelSelector, FirewallRule
from hcloud.images.domain import Image
from hcloud.load_balancer_types.domain import LoadBalancerType
from hcloud.load_balancers.domain import (
    LoadBalancerHealthCheck,
    LoadBalancerService,
    LoadBalancerTarget,
    LoadBalancerTargetLabelSelector,
)
from hcloud.locations.domain import Location
from hcloud.networks.domain import NetworkSubnet
from hcloud.server_types.domain import ServerType

STEPS = []


def step(title):
    STEPS.append(title)
    print(f"[{len(STEPS):2}] {title}", flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait(*actions):
    for action in actions:
        if action is not None:
            action.wait_until_finished()
            action.reload()
            check(action.status == "success", f"action {action.command} ended {action.status}")


def ssh_public_key(seed: int) -> str:
    """An OpenSSH ed25519 public key line with a made-up key body."""
    kind = b"ssh-ed25519"
    body = bytes((seed * 7 + i) % 256 for i in range(32))
    blob = len(kind).to_bytes(4, "big") + kind + len(body).to_bytes(4, "big") + body
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} story@sim"


def main():
    client = Client(
        token=os.environ["HCLOUD_TOKEN"],
        api_endpoint=os.environ["HCLOUD_ENDPOINT"],
        poll_interval=0.1,
        poll_max_retries=300,
    )

    step("SSH key")
    key = client.ssh_keys.create(name="py-key", public_key=ssh_public_key(1), labels={"story": "python"})
    check(len(key.fingerprint.split(":")) == 16, f"fingerprint {key.fingerprint}")
    check(client.ssh_keys.get_by_fingerprint(key.fingerprint).id == key.id, "lookup by fingerprint")

    step("server created by names")
    created = client.servers.create(
        name="py-web-1",
        server_type=ServerType(name="cx22"),
        image=Image(name="ubuntu-24.04"),
        location=Location(name="fsn1"),
        ssh_keys=[key],
        labels={"story": "python", "role": "web"},
    )
    wait(created.action, *created.next_actions)
    check(created.root_password is None, "no root password when an SSH key is given")
    web1 = client.servers.get_by_name("py-web-1")
    check(web1.status == "running", f"py-web-1 is {web1.status}")
    check(web1.public_net.primary_ipv4 is not None, "a primary IPv4")

    step("server created by ids")
    stype = client.server_types.get_by_name("cpx22")
    image = client.images.get_by_name_and_architecture("debian-12", "x86")
    location = client.locations.get_by_name("nbg1")
    created = client.servers.create(
        name="py-web-2",
        server_type=ServerType(id=stype.id),
        image=Image(id=image.id),
        location=Location(id=location.id),
        labels={"story": "python", "role": "web"},
    )
    wait(created.action, *created.next_actions)
    check(created.root_password, "a root password without SSH keys")
    web2 = client.servers.get_by_id(created.server.id)
    check(web2.server_type.name == "cpx22" and web2.location.name == "nbg1", "types and places by id")

    step("power actions")
    for name in ("power_off", "power_on", "reboot", "reset", "shutdown", "power_on"):
        wait(getattr(web1, name)())
    web1.reload()
    check(web1.status == "running", f"after power actions: {web1.status}")

    step("rescue mode")
    rescue = web1.enable_rescue(type="linux64", ssh_keys=[key.id])
    wait(rescue.action)
    check(rescue.root_password, "rescue password")
    web1.reload()
    check(web1.rescue_enabled, "rescue enabled")
    wait(web1.disable_rescue())

    step("rebuild")
    rebuilt = web1.rebuild(image=Image(name="debian-12"))
    wait(rebuilt.action)
    web1.reload()
    check(web1.image.name == "debian-12" and web1.status == "running", f"rebuilt: {web1.image.name} {web1.status}")

    step("change type")
    wait(web1.power_off())
    wait(web1.change_type(ServerType(name="cx32"), upgrade_disk=False))
    wait(web1.power_on())
    web1.reload()
    check(web1.server_type.name == "cx32", f"type is {web1.server_type.name}")

    step("volume attached")
    vol = client.volumes.create(size=10, name="py-data", location=Location(name="fsn1"), format="ext4")
    wait(vol.action, *vol.next_actions)
    wait(vol.volume.attach(web1, automount=False))
    web1.reload()
    check([v.id for v in web1.volumes] == [vol.volume.id], "server lists its volume")
    check(client.volumes.get_by_id(vol.volume.id).server.id == web1.id, "volume names its server")
    wait(client.volumes.get_by_id(vol.volume.id).resize(20))

    step("network with a server attached")
    net = client.networks.create(
        name="py-net",
        ip_range="10.0.0.0/16",
        subnets=[NetworkSubnet(type="cloud", ip_range="10.0.1.0/24", network_zone="eu-central")],
    )
    wait(web1.attach_to_network(net, ip="10.0.1.5"))
    web1.reload()
    check(web1.private_net[0].ip == "10.0.1.5", "private IP")
    check(web1.id in [s.id for s in client.networks.get_by_id(net.id).servers], "network lists the server")

    step("firewall applied")
    fw = client.firewalls.create(
        name="py-fw",
        rules=[FirewallRule(direction="in", protocol="tcp", port="22", source_ips=["0.0.0.0/0", "::/0"])],
        resources=[FirewallResource(type="server", server=web1)],
    )
    wait(*fw.actions)
    wait(*fw.firewall.apply_to_resources(
        [FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector="role=web"))]
    ))
    web2.reload()
    check([f.firewall.id for f in web2.public_net.firewalls] == [fw.firewall.id], "applied through the selector")

    step("floating IP assigned")
    fip = client.floating_ips.create(type="ipv4", home_location=Location(name="fsn1"), name="py-fip")
    wait(fip.action)
    wait(fip.floating_ip.assign(web1))
    wait(fip.floating_ip.change_dns_ptr(fip.floating_ip.ip, "web.example.com"))
    web1.reload()
    check([f.id for f in web1.public_net.floating_ips] == [fip.floating_ip.id], "server lists the floating IP")

    step("load balancer with a target")
    lb = client.load_balancers.create(
        name="py-lb",
        load_balancer_type=LoadBalancerType(name="lb11"),
        location=Location(name="fsn1"),
        services=[
            LoadBalancerService(
                protocol="tcp",
                listen_port=80,
                destination_port=8080,
                proxyprotocol=False,
                health_check=LoadBalancerHealthCheck(protocol="tcp", port=8080, interval=15, timeout=10, retries=3),
            )
        ],
        targets=[LoadBalancerTarget(type="server", server=web1, use_private_ip=False)],
    )
    wait(lb.action)
    balancer = client.load_balancers.get_by_id(lb.load_balancer.id)
    wait(balancer.add_target(LoadBalancerTarget(type="label_selector", label_selector=LoadBalancerTargetLabelSelector("role=web"))))
    balancer.reload()
    check(len(balancer.targets) == 2, f"{len(balancer.targets)} targets")
    check(balancer.targets[0].server.id == web1.id, "the server target")

    step("labels and selectors")
    web2.update(labels={"story": "python", "role": "db"})
    web_servers = client.servers.get_all(label_selector="story=python,role=web")
    check([s.name for s in web_servers] == ["py-web-1"], f"selector found {[s.name for s in web_servers]}")
    check(len(client.servers.get_all(label_selector="story=python")) == 2, "both servers carry the story label")
    check(len(client.ssh_keys.get_all(label_selector="story")) == 1, "the SSH key too")

    step("deletion of everything")
    wait(*fw.firewall.remove_from_resources(
        [FirewallResource(type="server", server=web1),
         FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector="role=web"))]
    ))
    fw.firewall.delete()
    balancer.delete()
    wait(fip.floating_ip.unassign())
    fip.floating_ip.delete()
    wait(client.volumes.get_by_id(vol.volume.id).detach())
    client.volumes.get_by_id(vol.volume.id).delete()
    wait(web1.detach_from_network(net))
    net.delete()
    for server in (web1, web2):
        wait(server.delete())
    key.delete()
    leftovers = {
        "servers": client.servers.get_all(),
        "volumes": client.volumes.get_all(),
        "networks": client.networks.get_all(),
        "firewalls": client.firewalls.get_all(),
        "floating_ips": client.floating_ips.get_all(),
        "load_balancers": client.load_balancers.get_all(),
        "ssh_keys": client.ssh_keys.get_all(),
        "primary_ips": client.primary_ips.get_all(),
    }
    left = {k: len(v) for k, v in leftovers.items() if v}
    check(not left, f"left over: {left}")
    print(f"python story: {len(STEPS)} steps passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any failure ends the story
        traceback.print_exc()
        print(f"python story failed at step {len(STEPS)} ({STEPS[-1] if STEPS else 'start'}): {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
