//! Every filter of every list, set through its builder and sent as written here: names,
//! values, repetition and order of the query, literally.

use hcloud_core::certificates::{CertificateSortField, CertificateType, ListCertificates};
use hcloud_core::common::Architecture;
use hcloud_core::datacenters::{DatacenterSortField, ListDatacenters};
use hcloud_core::firewalls::{FirewallSortField, ListFirewalls};
use hcloud_core::floating_ips::{FloatingIpSortField, ListFloatingIps};
use hcloud_core::images::{ImageSortField, ImageStatus, ImageType, ListImages};
use hcloud_core::isos::ListIsos;
use hcloud_core::load_balancer_types::ListLoadBalancerTypes;
use hcloud_core::load_balancers::{ListLoadBalancers, LoadBalancerSortField};
use hcloud_core::locations::{ListLocations, LocationSortField};
use hcloud_core::networks::{ListNetworks, NetworkSortField};
use hcloud_core::placement_groups::{ListPlacementGroups, PlacementGroupSortField, PlacementGroupType};
use hcloud_core::primary_ips::{ListPrimaryIps, PrimaryIpSortField};
use hcloud_core::server_types::ListServerTypes;
use hcloud_core::servers::{ListServers, ServerSortField};
use hcloud_core::sort::Sort;
use hcloud_core::ssh_keys::{ListSshKeys, SshKeySortField};
use hcloud_core::volumes::{ListVolumes, VolumeSortField, VolumeStatus};
use hcloud_core::zones::{ListZoneRrsets, ListZones, RrsetSortField, RrsetType, ZoneMode, ZoneSortField};
use hcloud_core::{Operation, ServerId, ServerStatus};
use hcloud_testkit::vectors::config;

fn query(op: &impl Operation) -> String {
    op.to_request(&config()).unwrap().uri().query().unwrap_or("").to_owned()
}

#[test]
fn every_filter_goes_out_as_written() {
    let table: Vec<(&str, String, &str)> = vec![
        (
            "certificates",
            query(
                &ListCertificates::all()
                    .name("c1")
                    .label_selector("env=prod")
                    .kind(CertificateType::Managed)
                    .kind(CertificateType::Uploaded)
                    .sort(Sort::desc(CertificateSortField::Created)),
            ),
            "name=c1&label_selector=env%3Dprod&type=managed&type=uploaded&sort=created%3Adesc",
        ),
        (
            "datacenters",
            query(&ListDatacenters::all().name("fsn1-dc14").sort(Sort::asc(DatacenterSortField::Name))),
            "name=fsn1-dc14&sort=name%3Aasc",
        ),
        (
            "firewalls",
            query(
                &ListFirewalls::all().name("fw").label_selector("a!=b").sort(Sort::by(FirewallSortField::Id)),
            ),
            "name=fw&label_selector=a%21%3Db&sort=id",
        ),
        (
            "floating IPs",
            query(
                &ListFloatingIps::all()
                    .name("ip")
                    .label_selector("x")
                    .sort(Sort::desc(FloatingIpSortField::Id)),
            ),
            "name=ip&label_selector=x&sort=id%3Adesc",
        ),
        (
            "images",
            query(
                &ListImages::all()
                    .kind(ImageType::Snapshot)
                    .kind(ImageType::Backup)
                    .status(ImageStatus::Available)
                    .bound_to(ServerId(42))
                    .include_deprecated(true)
                    .name("ubuntu-24.04")
                    .label_selector("os")
                    .architecture(Architecture::Arm)
                    .sort(Sort::desc(ImageSortField::Created)),
            ),
            "type=snapshot&type=backup&status=available&bound_to=42&include_deprecated=true&name=ubuntu-24.04&label_selector=os&architecture=arm&sort=created%3Adesc",
        ),
        (
            "ISOs",
            query(
                &ListIsos::all()
                    .name("virtio")
                    .architecture(Architecture::X86)
                    .include_architecture_wildcard(true),
            ),
            "name=virtio&architecture=x86&include_architecture_wildcard=true",
        ),
        ("load balancer types", query(&ListLoadBalancerTypes::all().name("lb11")), "name=lb11"),
        (
            "load balancers",
            query(
                &ListLoadBalancers::all()
                    .name("lb")
                    .label_selector("k=v")
                    .sort(Sort::asc(LoadBalancerSortField::Created)),
            ),
            "name=lb&label_selector=k%3Dv&sort=created%3Aasc",
        ),
        ("locations", query(&ListLocations::all().name("nbg1").sort(Sort::by(LocationSortField::Name))), "name=nbg1&sort=name"),
        (
            "networks",
            query(
                &ListNetworks::all()
                    .name("net")
                    .label_selector("tier=db")
                    .sort(Sort::desc(NetworkSortField::Name)),
            ),
            "name=net&label_selector=tier%3Ddb&sort=name%3Adesc",
        ),
        (
            "placement groups",
            query(
                &ListPlacementGroups::all()
                    .name("pg")
                    .label_selector("l")
                    .kind(PlacementGroupType::Spread)
                    .sort(Sort::asc(PlacementGroupSortField::Id)),
            ),
            "name=pg&label_selector=l&type=spread&sort=id%3Aasc",
        ),
        (
            "primary IPs",
            query(
                &ListPrimaryIps::all()
                    .name("pip")
                    .label_selector("l")
                    .ip("203.0.113.7")
                    .sort(Sort::desc(PrimaryIpSortField::Created)),
            ),
            "name=pip&label_selector=l&ip=203.0.113.7&sort=created%3Adesc",
        ),
        ("server types", query(&ListServerTypes::all().name("cpx22")), "name=cpx22"),
        (
            "servers",
            query(
                &ListServers::all()
                    .name("web")
                    .label_selector("env in (a,b)")
                    .status(ServerStatus::Running)
                    .status(ServerStatus::Off)
                    .sort(Sort::desc(ServerSortField::Created)),
            ),
            "name=web&label_selector=env%20in%20%28a%2Cb%29&status=running&status=off&sort=created%3Adesc",
        ),
        (
            "SSH keys",
            query(
                &ListSshKeys::all()
                    .name("key")
                    .fingerprint("b7:2f:30:a0:2f:6c:58:6c:21:04:58:61:ba:06:3b:2f")
                    .label_selector("l")
                    .sort(Sort::asc(SshKeySortField::Name)),
            ),
            "name=key&fingerprint=b7%3A2f%3A30%3Aa0%3A2f%3A6c%3A58%3A6c%3A21%3A04%3A58%3A61%3Aba%3A06%3A3b%3A2f&label_selector=l&sort=name%3Aasc",
        ),
        (
            "volumes",
            query(
                &ListVolumes::all()
                    .status(VolumeStatus::Available)
                    .name("vol")
                    .label_selector("l")
                    .sort(Sort::desc(VolumeSortField::Id)),
            ),
            "status=available&name=vol&label_selector=l&sort=id%3Adesc",
        ),
        (
            "zones",
            query(
                &ListZones::all()
                    .name("example.com")
                    .mode(ZoneMode::Secondary)
                    .label_selector("l")
                    .sort(Sort::asc(ZoneSortField::Name)),
            ),
            "name=example.com&mode=secondary&label_selector=l&sort=name%3Aasc",
        ),
        (
            "RRsets",
            query(
                &ListZoneRrsets::new("example.com")
                    .name("www")
                    .kind(RrsetType::Aaaa)
                    .label_selector("l")
                    .sort(Sort::desc(RrsetSortField::Name)),
            ),
            "name=www&type=AAAA&label_selector=l&sort=name%3Adesc",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, sent, expected) in &table {
        if sent != expected {
            wrong.push(format!("{what}: sent {sent}\n{}  expected {expected}", " ".repeat(what.len())));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn by_name_is_the_name_filter_of_every_list_that_has_one() {
    let sent = [
        query(&ListCertificates::by_name("c")),
        query(&ListDatacenters::by_name("fsn1-dc14")),
        query(&ListFirewalls::by_name("f")),
        query(&ListFloatingIps::by_name("fip")),
        query(&ListImages::by_name("ubuntu")),
        query(&ListIsos::by_name("virtio")),
        query(&ListLoadBalancerTypes::by_name("lb11")),
        query(&ListLoadBalancers::by_name("lb")),
        query(&ListLocations::by_name("nbg1")),
        query(&ListNetworks::by_name("n")),
        query(&ListPlacementGroups::by_name("pg")),
        query(&ListPrimaryIps::by_name("pip")),
        query(&ListServerTypes::by_name("cx22")),
        query(&ListServers::by_name("web")),
        query(&ListSshKeys::by_name("me")),
        query(&ListVolumes::by_name("v")),
        query(&ListZones::by_name("example.com")),
    ];
    let expected = [
        "name=c",
        "name=fsn1-dc14",
        "name=f",
        "name=fip",
        "name=ubuntu",
        "name=virtio",
        "name=lb11",
        "name=lb",
        "name=nbg1",
        "name=n",
        "name=pg",
        "name=pip",
        "name=cx22",
        "name=web",
        "name=me",
        "name=v",
        "name=example.com",
    ];
    assert_eq!(sent, expected);
    assert_eq!(query(&ListServers::by_name("web")), query(&ListServers::all().name("web")));
}
