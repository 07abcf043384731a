#!/usr/bin/env python3
"""Adds a throwaway operation to a copy of the STS model, generates, and checks
that it reaches the one operation list (the macro the client, the emulator and
the fuzz target are written over); then removes it and checks that the output
is the committed model again. Run by .ci/run: python3 codegen/test_gen_model.py MODEL"""
import copy
import filecmp
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def generate(model, out):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(model, fh)
        path = fh.name
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_model.py"), "--model", path, "--out", out], check=True)
    finally:
        os.unlink(path)


def main():
    model_path = sys.argv[1]
    with open(model_path) as fh:
        model = json.load(fh)
    with_op = copy.deepcopy(model)
    with_op["operations"]["GetThrowaway"] = {
        "name": "GetThrowaway",
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "GetThrowawayRequest"},
        "output": {"shape": "GetThrowawayResponse", "resultWrapper": "GetThrowawayResult"},
        "documentation": "<p>A throwaway operation, added by the generator's test.</p>",
    }
    with_op["shapes"]["GetThrowawayRequest"] = {
        "type": "structure",
        "required": ["Name"],
        "members": {"Name": {"shape": "userNameType", "documentation": "<p>A name.</p>"}},
    }
    with_op["shapes"]["GetThrowawayResponse"] = {
        "type": "structure",
        "members": {"Account": {"shape": "accountType", "documentation": "<p>An account.</p>"}},
    }
    failures = []
    with tempfile.TemporaryDirectory() as added, tempfile.TemporaryDirectory() as removed:
        generate(with_op, added)
        mod = open(os.path.join(added, "mod.rs")).read()
        op_file = os.path.join(added, "get_throwaway.rs")
        checks = [
            (os.path.exists(op_file), "get_throwaway.rs generated"),
            ("GetThrowaway => get_throwaway, signed, required;" in mod, "GetThrowaway in for_each_operation!"),
            ('"GetThrowaway"' in mod, "GetThrowaway in OPERATION_NAMES"),
            ("pub use get_throwaway::" in mod and "GetThrowawayInput" in mod, "GetThrowaway exported"),
        ]
        if os.path.exists(op_file):
            text = open(op_file).read()
            checks += [
                ("impl Operation for GetThrowaway" in text, "Operation implemented"),
                ("impl crate::query::FromQuery for GetThrowawayInput" in text, "FromQuery implemented (emulator dispatch)"),
                ("impl EncodeResult for GetThrowawayOutput" in text, "EncodeResult implemented (emulator answers)"),
            ]
        for ok, what in checks:
            if not ok:
                failures.append(what)
        generate(model, removed)
        committed = os.path.join(ROOT, "sts-core", "src", "model")
        cmp = filecmp.dircmp(removed, committed)
        if cmp.diff_files or cmp.left_only or cmp.right_only:
            failures.append(f"after removing it, the output differs from the committed model: {cmp.diff_files} {cmp.left_only} {cmp.right_only}")
    if failures:
        print("gen_model test failed:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"gen_model test: a throwaway operation reaches the operation list ({len(checks)} checks), and removing it restores the committed model")


if __name__ == "__main__":
    main()
