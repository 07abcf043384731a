#!/usr/bin/env python3
"""The public API of each library crate names only the dependencies we mean
to expose. Reads rustdoc's JSON (nightly: `cargo +nightly rustdoc -p CRATE
--lib -- -Z unstable-options --output-format json`) and collects the crate of
every type a public item names. Usage: public_api.py TARGET_DOC_DIR"""
import json
import os
import sys

COMMON = {"std", "core", "alloc"}
# What each crate means to expose, and why.
ALLOWED = {
    # Credentials are aws-credential-types' so that our providers and the AWS
    # SDK's fit each other.
    "sts_core": COMMON | {"aws_credential_types"},
    # tower layers over http types; pin_project_lite's generated projection
    # helpers are doc-hidden internals of the named futures.
    "sts_layers": COMMON | {"aws_credential_types", "bytes", "http", "http_body", "http_body_util",
                            "sts_core", "tower", "pin_project_lite"},
    # The client: plus the layers it is built from, and rustls's ClientConfig
    # for HyperTransportBuilder::tls_config (a private CA, client certificates).
    "sts_client": COMMON | {"aws_credential_types", "bytes", "http", "http_body", "http_body_util",
                            "sts_core", "sts_layers", "tower", "pin_project_lite", "rustls"},
    "sts_emulator": COMMON | {"aws_credential_types", "bytes", "http", "http_body", "sts_core"},
}


def exposed(doc):
    external = {str(k): v["name"] for k, v in doc["external_crates"].items()}
    paths = doc["paths"]
    found = {}

    def walk(node):
        if isinstance(node, dict):
            resolved = node.get("resolved_path")
            if isinstance(resolved, dict) and str(resolved.get("id")) in paths:
                target = paths[str(resolved["id"])]
                if target["crate_id"] != 0:
                    name = external.get(str(target["crate_id"]), "?")
                    found.setdefault(name, set()).add("::".join(target["path"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in doc["index"].values():
        if item.get("crate_id") == 0:
            walk(item.get("inner"))
    return found


def main():
    doc_dir = sys.argv[1]
    failed = False
    for crate, allowed in ALLOWED.items():
        with open(os.path.join(doc_dir, f"{crate}.json")) as fh:
            found = exposed(json.load(fh))
        extra = {name: sorted(types) for name, types in found.items() if name not in allowed}
        if extra:
            failed = True
            for name, types in sorted(extra.items()):
                print(f"{crate} exposes {name}: {', '.join(types[:5])}")
        else:
            print(f"{crate}: exposes only {', '.join(sorted(set(found) - COMMON))}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
