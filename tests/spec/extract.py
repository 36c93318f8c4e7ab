#!/usr/bin/env python3
"""Extracts what the tests need from the official Hetzner Cloud OpenAPI document.

Writes tests/spec/subset.json: for every operation of the document, its method, path, tag,
declared parameters (with their examples), request-body schema (with examples), success
status, success-response schema and whole-body examples, plus the shared error envelope and
the error table from the document's prose. Both the SDK's tests and the simulator's read it.
Run it again when the document changes:

    python3 tests/spec/extract.py ../shared/hcloud-openapi/cloud.spec.json

With --check it writes nothing and fails when subset.json differs from what it would write.
"""
import hashlib
import json
import re
import sys
from pathlib import Path

# Prose and presentation carry no validation meaning; dropping them keeps the file small.
# `format` and `example` stay: the tests build typical requests and answers from them (the
# validator treats formats as annotations, so `decimal` and `int64` are harmless).
ANNOTATIONS = {"description", "examples", "title", "x-codeSamples"}
REQUEST_ANNOTATIONS = ANNOTATIONS


def strip(node, in_properties=False, drop=ANNOTATIONS):
    """Drops annotation keywords, but never a property that happens to share their name."""
    if isinstance(node, dict):
        return {
            key: strip(value, in_properties=(key == "properties" and not in_properties), drop=drop)
            for key, value in node.items()
            if in_properties or key not in drop
        }
    if isinstance(node, list):
        return [strip(v, drop=drop) for v in node]
    return node


def resolve(node, components):
    """Inlines `$ref`s to components.schemas, so each operation's schemas stand alone."""
    if isinstance(node, dict):
        if "$ref" in node:
            return resolve(components[node["$ref"].split("/")[-1]], components)
        return {key: resolve(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(v, components) for v in node]
    return node


def error_table(description):
    rows = re.findall(r"^\| `(\d{3})` \| `([a-z_]+)` \| (.+?) \|$", description, re.M)
    return [{"status": int(s), "code": c, "description": d.strip()} for s, c, d in rows]


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    source = Path(args[0] if args else "../shared/hcloud-openapi/cloud.spec.json")
    raw = source.read_bytes()
    spec = json.loads(raw)
    components = spec.get("components", {}).get("schemas", {})
    found = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            op = resolve(op, components)
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            status = next(s for s in op["responses"] if s.startswith("2"))
            content = op["responses"][status].get("content", {}).get("application/json", {})
            examples = [e["value"] for e in content.get("examples", {}).values() if "value" in e]
            if "example" in content:
                examples.append(content["example"])
            parameters = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": bool(p.get("required", False)),
                    "schema": strip(p.get("schema", {}), drop=REQUEST_ANNOTATIONS),
                    **({"example": p["example"]} if "example" in p else {}),
                }
                for p in item.get("parameters", []) + op.get("parameters", [])
            ]
            found[op["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "tag": op["tags"][0],
                "parameters": parameters,
                "request_schema": strip(body["schema"], drop=REQUEST_ANNOTATIONS) if "schema" in body else None,
                "success_status": int(status),
                "response_schema": strip(content.get("schema")),
                "response_examples": examples,
            }
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
        "operations": found,
    }
    target = Path(__file__).with_name("subset.json")
    text = json.dumps(out, indent=1, sort_keys=True) + "\n"
    if check:
        if target.read_text() != text:
            sys.exit(f"{target} is out of date with {source}: run tests/spec/extract.py and commit it")
        print(f"{target} is up to date ({len(found)} operations)")
        return
    target.write_text(text)
    print(f"wrote {target} ({target.stat().st_size} bytes, {len(found)} operations, {len(out['errors'])} error codes)")


if __name__ == "__main__":
    main()
