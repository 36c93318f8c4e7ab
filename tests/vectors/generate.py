#!/usr/bin/env python3
"""Writes the exchange vectors in this folder: one JSON file per exchange, with the request the
SDK must send and the response the API answers. Bodies come from the examples in
tests/spec/subset.json where the API document has them, and are written out here otherwise.

    python3 tests/vectors/generate.py
"""
import copy
import json
from pathlib import Path

HERE = Path(__file__).parent
SUBSET = json.loads((HERE.parent / "spec" / "subset.json").read_text())
OPS = SUBSET["operations"]


def example(op):
    return copy.deepcopy(OPS[op]["response_examples"][0])


CREATED = example("create_server")
SERVER = CREATED["server"]
# The document's example leaves out the optional placement_group; the API sends null.
SERVER.setdefault("placement_group", None)
ACTION = copy.deepcopy(CREATED["action"])
ACTION.update(status="success", progress=100, finished="2016-01-30T23:55:00Z", error=None)
RUNNING = copy.deepcopy(CREATED["action"])
RUNNING.update(status="running", progress=20, finished=None, error=None)
# The document's examples show running actions with an error object; real ones carry null.
for a in [CREATED["action"], *CREATED["next_actions"]]:
    if a["status"] == "running":
        a["error"] = None
        a["finished"] = None


def server(**changes):
    s = copy.deepcopy(SERVER)
    s.update(changes)
    return s


def page(servers, page, per_page, next_page, last_page, total):
    return {
        "servers": servers,
        "meta": {"pagination": {
            "page": page, "per_page": per_page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": next_page, "last_page": last_page, "total_entries": total,
        }},
    }


def headers(extra=None):
    h = {
        "content-type": "application/json",
        "x-correlation-id": "c0ffee00-1234",
        "ratelimit-limit": "3600",
        "ratelimit-remaining": "3599",
        "ratelimit-reset": "1731000000",
    }
    h.update(extra or {})
    return h


def vector(name, description, method, path, body, status, response, resp_headers=None, text=None):
    resp = {"status": status, "headers": headers(resp_headers)}
    if text is not None:
        resp["body_text"] = text
    else:
        resp["body"] = response
    data = {
        "description": description,
        "request": {"method": method, "path": path, "body": body},
        "response": resp,
    }
    (HERE / f"{name}.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def main():
    for old in HERE.glob("*.json"):
        old.unlink()

    vector("list_servers_first_page", "the first page as the paginator asks for it", "GET",
           "/v1/servers?page=1&per_page=50", None, 200,
           page([server(id=1, name="web-1"), server(id=2, name="web-2", status="off")], 1, 50, 2, 2, 51))
    vector("list_servers_filtered", "every filter, in the fixed query order", "GET",
           "/v1/servers?name=web-1&label_selector=env%3Dprod%2C%21tmp&status=running&status=off"
           "&sort=name%3Adesc&sort=id&page=2&per_page=10", None, 200,
           page([server(id=1, name="web-1")], 2, 10, None, 2, 11))
    vector("list_servers_empty", "no match", "GET", "/v1/servers?name=nothing", None, 200,
           page([], 1, 25, None, 1, 0))
    vector("get_server", "one server with every field", "GET", "/v1/servers/42", None, 200,
           {"server": server()})
    legacy = server(status="hibernating")
    legacy["datacenter"] = {"id": 1, "name": "fsn1-dc14"}
    legacy["future_field"] = {"nested": [1, 2, 3]}
    vector("get_server_tolerant", "a status this SDK does not know, the removed datacenter field and a "
           "field from the future", "GET", "/v1/servers/42", None, 200, {"server": legacy})
    minimal = server(image=None, iso=None, backup_window=None, outgoing_traffic=None,
                     ingoing_traffic=None, included_traffic=None, placement_group=None, private_net=[])
    minimal["public_net"] = {"ipv4": None, "ipv6": None, "floating_ips": []}
    del minimal["volumes"], minimal["load_balancers"]
    vector("get_server_nulls", "every nullable field null and every optional field absent", "GET",
           "/v1/servers/42", None, 200, {"server": minimal})

    full_body = {
        "name": "my-server", "server_type": "cpx22", "image": "ubuntu-24.04", "location": "nbg1",
        "start_after_create": True, "ssh_keys": ["my-ssh-key"],
        "user_data": "#cloud-config\nruncmd:\n- [touch, /root/cloud-init-worked]\n",
        "labels": {"environment": "prod", "example.com/my": "label", "just-a-key": ""},
        "networks": [456], "firewalls": [{"firewall": 38}], "volumes": [123], "automount": False,
        "placement_group": 1,
        "public_net": {"enable_ipv4": False, "enable_ipv6": True, "ipv6": 9},
    }
    with_keys = copy.deepcopy(CREATED)
    with_keys["root_password"] = None
    vector("create_server_full", "every request field", "POST", "/v1/servers", full_body, 201, with_keys)
    vector("create_server_minimal", "the three required fields; a root password comes back", "POST",
           "/v1/servers", {"name": "my-server", "server_type": "cpx22", "image": "ubuntu-24.04"}, 201, CREATED)

    vector("update_server_rename", "a rename", "PUT", "/v1/servers/42", {"name": "new-name"}, 200,
           {"server": server(name="new-name")})
    labels = {"env": "prod", "team": ""}
    vector("update_server_labels", "new labels and name", "PUT", "/v1/servers/42",
           {"name": "new-name", "labels": labels}, 200, {"server": server(name="new-name", labels=labels)})
    delete = copy.deepcopy(RUNNING)
    delete.update(id=13, command="delete_server")
    vector("delete_server", "returns the delete action", "DELETE", "/v1/servers/42", None, 200,
           {"action": delete})
    rescue = example("enable_server_rescue")
    rescue["action"].update(status="running", error=None, finished=None)
    vector("enable_rescue", "type and ssh keys", "POST", "/v1/servers/42/actions/enable_rescue",
           {"type": "linux64", "ssh_keys": [2323]}, 201, rescue)
    vector("enable_rescue_defaults", "no options: an empty object", "POST",
           "/v1/servers/42/actions/enable_rescue", {}, 201, rescue)
    for op, verb in [("disable_server_rescue", "disable_rescue"), ("enable_server_backup", "enable_backup"),
                     ("disable_server_backup", "disable_backup")]:
        body = example(op)
        body["action"].update(status="running", error=None, finished=None)
        vector(verb, f"{verb} returns its action", "POST", f"/v1/servers/42/actions/{verb}", None, 201, body)
    vector("get_action", "a finished action", "GET", "/v1/actions/13", None, 200, {"action": ACTION})
    failed = copy.deepcopy(ACTION)
    failed.update(status="error", error={"code": "action_failed", "message": "Action failed"})
    vector("get_action_failed", "an action that ended in error", "GET", "/v1/actions/13", None, 200,
           {"action": failed})
    many = []
    for i, status in [(1, "success"), (2, "running"), (3, "error")]:
        a = copy.deepcopy(ACTION if status != "running" else RUNNING)
        a["id"] = i
        if status == "error":
            a.update(status="error", error={"code": "action_failed", "message": "Action failed"})
        many.append(a)
    vector("get_actions", "several actions by id, sorted", "GET", "/v1/actions?id=1&id=2&id=3", None, 200,
           {"actions": many, "meta": {"pagination": {"page": 1, "per_page": 25, "previous_page": None,
                                                     "next_page": None, "last_page": 1, "total_entries": 3}}})

    details = {
        "invalid_input": {"fields": [{"name": "name", "messages": ["is invalid"]}]},
        "uniqueness_error": {"fields": [{"name": "name"}]},
        "resource_limit_exceeded": {"limits": [{"name": "project_limit"}]},
        "deprecated_api_endpoint": {"announcement": "https://docs.hetzner.cloud/changelog#2023-07-20"},
    }
    for row in SUBSET["errors"]:
        code = row["code"]
        body = {"error": {"code": code, "message": row["description"], "details": details.get(code)}}
        vector(f"error_{code}", f"HTTP {row['status']} {code}", "GET", "/v1/servers/42", None, row["status"], body)
    vector("error_unknown_code", "a code this SDK does not know", "GET", "/v1/servers/42", None, 418,
           {"error": {"code": "teapot", "message": "short and stout", "details": {"spout": True}}})
    vector("error_html_502", "a proxy's HTML page instead of the envelope", "GET", "/v1/servers/42", None,
           502, None, {"content-type": "text/html"},
           text="<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
    vector("error_empty_503", "an empty error body", "GET", "/v1/servers/42", None, 503, None, text="")
    broken = server()
    broken["created"] = "yesterday"
    vector("decode_bad_timestamp", "a 200 whose body has the wrong shape", "GET", "/v1/servers/42", None, 200,
           {"server": broken})
    vector("decode_truncated", "a 200 whose body was cut off", "GET", "/v1/servers/42", None, 200, None,
           text=json.dumps({"server": server()})[:300])
    print(f"wrote {len(list(HERE.glob('*.json')))} vectors")


if __name__ == "__main__":
    main()
