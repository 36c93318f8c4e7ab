#!/usr/bin/env python3
"""Extract the success-response schemas of the operations hcloud-sim implements.

The full official spec is 3.4 MB and lives outside the repository (shared/), so the
simulator's tests read this small, committed extract instead. Re-run after updating
the spec or implementing another operation:

    python3 tests/sim/spec/extract.py [path/to/cloud.spec.json]
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "..", "..", "..", "..", "shared", "hcloud-openapi", "cloud.spec.json")
OUT = os.path.join(HERE, "responses.json")
SNAPSHOT_DATE = "2026-07-08"

# (path, method) pairs served by the simulator; operationIds are taken from the spec.
OPERATIONS = [
    ("/servers", "get"),
    ("/servers", "post"),
    ("/servers/{id}", "get"),
    ("/servers/{id}", "put"),
    ("/servers/{id}", "delete"),
    ("/servers/actions", "get"),
    ("/servers/actions/{id}", "get"),
    ("/servers/{id}/actions", "get"),
    ("/servers/{id}/actions/{action_id}", "get"),
    ("/servers/{id}/actions/enable_rescue", "post"),
    ("/servers/{id}/actions/disable_rescue", "post"),
    ("/servers/{id}/actions/enable_backup", "post"),
    ("/servers/{id}/actions/disable_backup", "post"),
    ("/servers/{id}/actions/poweron", "post"),
    ("/servers/{id}/actions/poweroff", "post"),
    ("/servers/{id}/actions/shutdown", "post"),
    ("/servers/{id}/actions/reboot", "post"),
    ("/servers/{id}/actions/reset", "post"),
    ("/actions", "get"),
    ("/actions/{id}", "get"),
]

# Annotation keywords carry no validation meaning; dropping them keeps the file small
# and keeps `format` values such as "decimal" away from the validator.
ANNOTATIONS = {"description", "example", "examples", "format", "deprecated", "title", "x-codeSamples"}


def strip(node, in_properties=False):
    """Drop annotation keywords, but never a property that happens to share their name."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if not in_properties and key in ANNOTATIONS:
                continue
            out[key] = strip(value, in_properties=(key == "properties" and not in_properties))
        return out
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SPEC
    with open(spec_path, "rb") as f:
        raw = f.read()
    spec = json.loads(raw)
    if spec.get("components", {}).get("schemas") and "$ref" in json.dumps(
        [spec["paths"][p][m]["responses"] for p, m in OPERATIONS]
    ):
        sys.exit("responses use $ref; teach extract.py to inline them")

    operations = {}
    for path, method in OPERATIONS:
        op = spec["paths"][path][method]
        responses = op["responses"]
        status = "201" if "201" in responses else "200"
        schema = responses[status]["content"]["application/json"]["schema"]
        operations[op["operationId"]] = {
            "method": method.upper(),
            "path": path,
            "status": int(status),
            "schema": strip(schema),
        }

    # Every operation shares one error envelope; keep it once.
    err = spec["paths"]["/servers"]["get"]["responses"]["4xx"]["content"]["application/json"]["schema"]

    doc = {
        "header": {
            "source": "shared/hcloud-openapi/cloud.spec.json (official Hetzner Cloud API spec)",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "snapshot_date": SNAPSHOT_DATE,
            "generator": "tests/sim/spec/extract.py",
            "note": "annotation keywords stripped: " + ", ".join(sorted(ANNOTATIONS)),
        },
        "error": strip(err),
        "operations": operations,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT}: {len(operations)} operations, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
