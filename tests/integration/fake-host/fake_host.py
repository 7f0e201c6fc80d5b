#!/usr/bin/env python3
"""Fake host tools for the host layer's tests: apt-get, dpkg-query, systemctl
and sudo (symlinked under those names; the name picks the tool).

Each call appends one JSON line to $FAKE_LOG ({"tool", "argv", "env"}), then
answers from $FAKE_HOST_STATE (JSON), which it updates:
  installed: [package names]   (dpkg-query answers, apt-get install adds)
  units: {name: {"enabled": bool, "active": bool}}  (systemctl)
  fail: {"substring of argv": exit code}
sudo -n ARGV... records itself and runs ARGV (so `sudo -n env K=V cmd` works).
"""
import json
import os
import sys

TOOL = os.path.basename(sys.argv[0])
ARGV = sys.argv[1:]


def load():
    with open(os.environ["FAKE_HOST_STATE"]) as f:
        return json.load(f)


def save(state):
    tmp = os.environ["FAKE_HOST_STATE"] + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, os.environ["FAKE_HOST_STATE"])


def main():
    with open(os.environ["FAKE_LOG"], "a") as f:
        f.write(json.dumps({"tool": TOOL, "argv": ARGV, "env": dict(os.environ)}) + "\n")
    if TOOL == "sudo":
        args = ARGV[1:] if ARGV and ARGV[0] == "-n" else ARGV
        os.execvp(args[0], args)
    state = load()
    joined = " ".join(ARGV)
    for needle, code in state.get("fail", {}).items():
        if needle in joined:
            print(f"{TOOL}: injected failure for '{needle}'", file=sys.stderr)
            return int(code)
    installed = state.setdefault("installed", [])
    if TOOL == "dpkg-query":
        pkgs = [a for a in ARGV if not a.startswith("-")]
        rc = 0
        for p in pkgs:
            if p in installed:
                print(f"{p} installed")
            else:
                print(f"dpkg-query: no packages found matching {p}", file=sys.stderr)
                rc = 1
        return rc
    if TOOL == "apt-get":
        if ARGV and ARGV[0] == "install":
            for p in ARGV[1:]:
                if not p.startswith("-") and p not in installed:
                    installed.append(p)
            save(state)
        return 0
    if TOOL == "systemctl":
        units = state.setdefault("units", {})
        verb = ARGV[0] if ARGV else ""
        names = [a for a in ARGV[1:] if not a.startswith("-")]
        if verb == "is-enabled":
            u = units.get(names[0], {})
            print("enabled" if u.get("enabled") else "disabled")
            return 0 if u.get("enabled") else 1
        if verb == "is-active":
            u = units.get(names[0], {})
            print("active" if u.get("active") else "inactive")
            return 0 if u.get("active") else 3
        if verb in ("enable", "disable"):
            for n in names:
                u = units.setdefault(n, {})
                u["enabled"] = verb == "enable"
                if "--now" in ARGV:
                    u["active"] = verb == "enable"
            save(state)
        return 0
    print(f"fake_host: unknown tool {TOOL}", file=sys.stderr)
    return 2


sys.exit(main())
