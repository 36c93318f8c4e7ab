#!/usr/bin/env python3
"""Extracts what the tests need from the official Hetzner Cloud OpenAPI document.

Writes tests/spec/subset.json: for each operation of the document, its
method, path, request-body schema, success-response schema and whole-body examples, plus the
shared error envelope and the error table from the document's prose. Both the SDK's tests and
the simulator's read it. Run it again after a new snapshot of the document:

    python3 tests/spec/extract.py ../shared/hcloud-openapi/cloud.spec.json
"""
import hashlib
import json
import re
import sys
from pathlib import Path

# Every operation of the document, in document order: the SDK's tests and the simulator's
# (which answers all of them) read the same extract. Filled in by main().
OPERATIONS = []

# Annotation keywords carry no validation meaning; dropping them keeps the file small and
# keeps `format` values such as "decimal" away from the validator.
ANNOTATIONS = {"description", "example", "examples", "format", "deprecated", "title", "x-codeSamples"}


def strip(node, in_properties=False):
    """Drops annotation keywords, but never a property that happens to share their name."""
    if isinstance(node, dict):
        return {
            key: strip(value, in_properties=(key == "properties" and not in_properties))
            for key, value in node.items()
            if in_properties or key not in ANNOTATIONS
        }
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def error_table(description):
    rows = re.findall(r"^\| `(\d{3})` \| `([a-z_]+)` \| (.+?) \|$", description, re.M)
    return [{"status": int(s), "code": c, "description": d.strip()} for s, c, d in rows]


def main():
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/hcloud-openapi/cloud.spec.json")
    raw = source.read_bytes()
    spec = json.loads(raw)
    OPERATIONS[:] = [
        op["operationId"] for item in spec["paths"].values() for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    found = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") in OPERATIONS:
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
                status = next(s for s in op["responses"] if s.startswith("2"))
                content = op["responses"][status].get("content", {}).get("application/json", {})
                examples = [e["value"] for e in content.get("examples", {}).values() if "value" in e]
                if "example" in content:
                    examples.append(content["example"])
                found[op["operationId"]] = {
                    "method": method.upper(),
                    "path": path,
                    "request_schema": strip(body["schema"]) if "schema" in body else None,
                    "success_status": int(status),
                    "response_schema": strip(content.get("schema")),
                    "response_examples": examples,
                }
    missing = sorted(set(OPERATIONS) - set(found))
    if missing:
        sys.exit(f"operations not in the document: {missing}")
    envelope = spec["paths"]["/servers"]["get"]["responses"]["4xx"]["content"]["application/json"]["schema"]
    out = {
        "error_envelope": strip(envelope),
        "source": {
            "document": "Hetzner Cloud API OpenAPI document (cloud.spec.json), snapshot of 2026-07-08",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "generator": "tests/spec/extract.py",
            "note": "annotation keywords stripped: " + ", ".join(sorted(ANNOTATIONS)),
        },
        "errors": error_table(spec["info"]["description"]),
        "operations": {k: found[k] for k in OPERATIONS},
    }
    target = Path(__file__).with_name("subset.json")
    target.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {target} ({target.stat().st_size} bytes, {len(found)} operations, {len(out['errors'])} error codes)")


if __name__ == "__main__":
    main()
