#!/usr/bin/env python3
"""Fails unless `cargo test`'s output (argument 1) shows every test target of every workspace
member running: each library's unit tests and each integration test, with a result line.

A member left out of `default-members`, or a target that stopped being built, would otherwise
pass CI silently. The targets come from `cargo metadata`, so a new test file is checked the
day it is added."""

import json
import re
import subprocess
import sys


def expected_targets():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    members = set(meta["workspace_members"])
    defaults = set(meta.get("workspace_default_members", members))
    missing = sorted(p["name"] for p in meta["packages"] if p["id"] in members and p["id"] not in defaults)
    if missing:
        sys.exit(f"check-tests-ran: members not in default-members (plain `cargo test` skips them): {missing}")
    targets = []
    for package in meta["packages"]:
        if package["id"] not in members:
            continue
        for target in package["targets"]:
            kinds = set(target["kind"])
            if kinds & {"lib", "rlib", "cdylib", "staticlib"} or "test" in kinds:
                if target.get("test", True):
                    targets.append((package["name"], target["name"].replace("-", "_")))
    return targets


def main():
    log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    ran = set(re.findall(r"^\s*Running \S+ \(target/[^/]+/deps/([A-Za-z0-9_]+)-[0-9a-f]+\)", log, re.M))
    ran |= set(re.findall(r"^\s*Running unittests \S+ \(target/[^/]+/deps/([A-Za-z0-9_]+)-[0-9a-f]+\)", log, re.M))
    results = len(re.findall(r"^test result: ok\.", log, re.M))
    missing = [f"{pkg}: {name}" for pkg, name in expected_targets() if name not in ran]
    if missing:
        sys.exit("check-tests-ran: these test targets did not run:\n  " + "\n  ".join(missing))
    if results < len(ran):
        sys.exit(f"check-tests-ran: {len(ran)} test binaries started but only {results} reported a result")
    print(f"check-tests-ran: all {len(ran)} test targets of every member ran ({results} result lines)")


main()
