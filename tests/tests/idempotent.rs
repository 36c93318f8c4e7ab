//! Which operations may be resent after a failure that leaves their outcome unknown.
//!
//! GET, PUT and DELETE are idempotent by HTTP's definition: doing them twice leaves the same
//! state as doing them once. A POST is not: a second create makes a second server, a second
//! reboot reboots twice. The expectation comes from each operation's method in the API
//! document, and for the operations of the original story from a table written out here.

use hcloud_core::actions::{GetAction, ListActionsByIds};
use hcloud_core::servers::{
    CreateServer, DeleteServer, DisableBackup, DisableRescue, EnableBackup, EnableRescue, GetServer,
    ListServers, PowerOffServer, PowerOnServer, RebootServer, ResetServer, ShutdownServer, UpdateServer,
};
use hcloud_core::{dynamic, ActionId, Operation, ServerId};
use hcloud_testkit::spec::subset;
use hcloud_testkit::synth::{self, Fill};

#[test]
fn every_operation_is_idempotent_exactly_when_its_method_is() {
    let operations = subset()["operations"].as_object().unwrap();
    let mut counted = [0, 0];
    for (id, op) in operations {
        let method = op["method"].as_str().unwrap();
        let expected = match method {
            "GET" | "PUT" | "DELETE" => true,
            "POST" => false,
            other => panic!("{id}: a method this table does not know: {other}"),
        };
        let built = dynamic::operation(id, synth::input(op, Fill::Minimal)).unwrap();
        assert_eq!(built.idempotent(), expected, "{id} ({method})");
        counted[usize::from(expected)] += 1;
    }
    assert_eq!(counted.iter().sum::<usize>(), operations.len());
    assert!(counted[0] > 80 && counted[1] > 80, "{counted:?}");
}

#[test]
fn the_story_operations_in_a_table() {
    let id = ServerId(42);
    let table: [(&str, bool, bool); 15] = [
        ("list servers", ListServers::all().idempotent(), true),
        ("get server", GetServer { id }.idempotent(), true),
        ("create server", CreateServer::new("web", "cpx22", "ubuntu-24.04").idempotent(), false),
        ("update server", UpdateServer::rename(id, "web-2").idempotent(), true),
        ("delete server", DeleteServer { id }.idempotent(), true),
        ("enable rescue", EnableRescue::new(id).idempotent(), false),
        ("disable rescue", DisableRescue::new(id).idempotent(), false),
        ("enable backup", EnableBackup::new(id).idempotent(), false),
        ("disable backup", DisableBackup::new(id).idempotent(), false),
        ("power on", PowerOnServer::new(id).idempotent(), false),
        ("power off", PowerOffServer::new(id).idempotent(), false),
        ("reboot", RebootServer::new(id).idempotent(), false),
        ("reset", ResetServer::new(id).idempotent(), false),
        ("shutdown", ShutdownServer::new(id).idempotent(), false),
        ("get action", GetAction { id: ActionId(7) }.idempotent(), true),
    ];
    for (what, got, expected) in table {
        assert_eq!(got, expected, "{what}");
    }
    assert!(ListActionsByIds::new([ActionId(1)]).idempotent());
}
