#!/usr/bin/env python3
"""Fake kubectl, helm, helmfile and flux for platformctl's execution tests.

Symlinked as kubectl, helm, helmfile and flux (the name picks the tool). Each call
appends one JSON line to $FAKE_LOG: {"tool", "argv", "env"} (the whole
environment, so tests can check which secrets each child received), then
answers like the real tool from the state in $FAKE_STATE (JSON), which it
updates: helmfile apply/sync installs releases, helm uninstall removes them,
kubectl delete removes namespaces and CRDs.

State keys: context, contexts, uid, releases [{name,namespace,status,revision}],
crds [names], namespaces [names], pvcs [[ns,name]], nodes [{name,annotations}],
webhook_ca (bool), plugins [names], fail {"substring of argv": exit code},
hang [substrings] (sleep until killed), objects ["kind/name"] (for adoption),
daemonsets [{name, namespace, desired, ready}] (nodes,daemonsets queries; nodes
are Ready unless "ready": false), helmreleases [{name, namespace, history:
[{name, namespace}]}] (answered once "helmreleases.helm.toolkit.fluxcd.io" is in
crds, which flux install/bootstrap add).
"""
import json
import os
import sys
import time

TOOL = os.path.basename(sys.argv[0])
ARGV = sys.argv[1:]


def load():
    with open(os.environ["FAKE_STATE"]) as f:
        return json.load(f)


def save(state):
    tmp = os.environ["FAKE_STATE"] + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, os.environ["FAKE_STATE"])


def record():
    with open(os.environ["FAKE_LOG"], "a") as f:
        f.write(json.dumps({"tool": TOOL, "argv": ARGV, "env": dict(os.environ), "pid": os.getpid()}) + "\n")


def strip_globals(argv):
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in ("--kubeconfig", "--context", "--kube-context", "--namespace", "-n"):
            if a in ("--namespace", "-n"):
                out += [a, argv[i + 1]]
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def ns_of(argv):
    for i, a in enumerate(argv):
        if a in ("--namespace", "-n") and i + 1 < len(argv):
            return argv[i + 1]
    return ""


def words(argv):
    out, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a in ("--namespace", "-n", "--selector", "-l", "--type", "--patch", "--timeout"):
            skip = True
            continue
        if a.startswith("-"):
            continue
        out.append(a)
    return out


def same_kind(kind, asked):
    a = asked.lower().split(".")[0]
    k = kind.lower()
    return a in (k, k + "s", k + "es")


def obj_json(o):
    md = {"name": o["name"], "labels": o.get("labels", {}), "annotations": o.get("annotations", {})}
    if o.get("namespace"):
        md["namespace"] = o["namespace"]
    out = {"kind": o["kind"], "metadata": md}
    if "data" in o:
        out["data"] = o["data"]
    return out


def kube_list(items):
    print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))


def kubectl(state):
    argv = strip_globals(ARGV)
    w = words(argv)
    if not w:
        return 0
    verb = w[0]
    if verb == "version":
        v = {"clientVersion": {"gitVersion": "v1.32.4"}}
        if "--client" not in argv:
            v["serverVersion"] = {"gitVersion": "v1.32.0+k3s1"}
        print(json.dumps(v))
        return 0
    if verb == "config":
        if w[1] == "current-context":
            print(state.get("context", "default"))
            return 0
        if w[1] == "get-contexts":
            if w[2] in state.get("contexts", [state.get("context", "default")]):
                print(w[2])
                return 0
            print("error: context " + w[2] + " not found", file=sys.stderr)
            return 1
        return 0
    if verb == "get":
        what = w[1] if len(w) > 1 else ""
        names = w[2:]
        # The verify queries (one kubectl get of many kinds each) answer from
        # the fixtures of tests/fixtures/verify when FAKE_VERIFY_DIR is set.
        vdir = os.environ.get("FAKE_VERIFY_DIR", "")
        if vdir and "--all-namespaces" in argv and not names:
            object_kinds = {"namespaces", "deployments", "daemonsets", "statefulsets", "services",
                            "ingresses", "ingressclasses", "configmaps",
                            "clusterissuers.cert-manager.io", "certificates.cert-manager.io"}
            fixture = {"nodes,pods": "runtime.json", "events": "events.json"}.get(what, "")
            # Any of the verify object queries (never the teardown gate's
            # namespaces,persistentvolumeclaims).
            if not fixture and set(what.split(",")) <= object_kinds and "deployments" in what \
                    or what.startswith("services,") or what.startswith("clusterissuers."):
                fixture = "objects.json"
            if fixture:
                with open(os.path.join(vdir, fixture)) as f:
                    sys.stdout.write(f.read())
                return 0
        if what == "namespace" and names == ["kube-system"] and any(a.startswith("--output=jsonpath") for a in argv):
            sys.stdout.write(state.get("uid", "uid-1"))
            return 0
        if what == "nodes":
            kube_list([{"kind": "Node", "metadata": {"name": n["name"], "annotations": n.get("annotations", {})}}
                       for n in state.get("nodes", [{"name": "node1"}])])
            return 0
        if what == "customresourcedefinitions" and "--output=name" in argv:
            for c in state.get("crds", []):
                print("customresourcedefinition.apiextensions.k8s.io/" + c)
            return 0
        if what == "validatingwebhookconfiguration":
            hooks = [{"name": "webhook.cert-manager.io",
                      "clientConfig": {"caBundle": "Q0E=" if state.get("webhook_ca", True) else ""}}]
            print(json.dumps({"kind": "ValidatingWebhookConfiguration", "webhooks": hooks}))
            return 0
        kinds = what.split(",")
        items = []
        for k in kinds:
            if k.endswith(".fluxcd.io") and k not in state.get("crds", []):
                print('error: the server doesn\'t have a resource type "%s"' % k.split(".")[0], file=sys.stderr)
                return 1
            if k == "helmreleases.helm.toolkit.fluxcd.io":
                items += [{"kind": "HelmRelease", "metadata": {"name": h["name"], "namespace": h["namespace"]},
                           "status": {"history": h.get("history", [])}} for h in state.get("helmreleases", [])]
            if k == "nodes":
                items += [{"kind": "Node", "metadata": {"name": n["name"], "annotations": n.get("annotations", {})},
                           "status": {"conditions": [{"type": "Ready",
                                                      "status": "True" if n.get("ready", True) else "False"}]}}
                          for n in state.get("nodes", [{"name": "node1"}])]
            if k == "daemonsets":
                for d in state.get("daemonsets", []):
                    if d.get("namespace", "kube-system") != (ns_of(argv) or "kube-system"):
                        continue
                    n = d.get("ready", d.get("desired", 1))
                    items.append({"kind": "DaemonSet", "metadata": {"name": d["name"], "namespace": "kube-system"},
                                  "status": {"desiredNumberScheduled": d.get("desired", 1),
                                             "currentNumberScheduled": n, "updatedNumberScheduled": n,
                                             "numberAvailable": n, "numberReady": n}})
            if k.endswith(".cert-manager.io") and k not in state.get("crds", []):
                print('error: the server doesn\'t have a resource type "%s"' % k.split(".")[0], file=sys.stderr)
                return 1
            if k in ("namespaces", "namespace"):
                items += [{"kind": "Namespace", "metadata": {"name": n}} for n in state.get("namespaces", [])]
            if k in ("persistentvolumeclaims",):
                items += [{"kind": "PersistentVolumeClaim", "metadata": {"namespace": p[0], "name": p[1]}}
                          for p in state.get("pvcs", [])]
            if k in ("customresourcedefinitions",):
                items += [{"kind": "CustomResourceDefinition", "metadata": {"name": c}} for c in state.get("crds", [])]
        if names:
            found = [o for o in state.get("objects", [])
                     if any(same_kind(o["kind"], k) for k in kinds) and o["name"] in names
                     and o.get("namespace", "") == ns_of(argv)]
            if "--output=name" in argv:
                for o in found:
                    print(o["kind"].lower() + "/" + o["name"])
            elif "--output=json" in argv and found:
                kube_list([obj_json(o) for o in found])
            return 0
        if "--output=json" in argv:
            kube_list(items)
        return 0
    if verb in ("label", "annotate"):
        field = "labels" if verb == "label" else "annotations"
        refs = [a for a in w[1:] if "/" in a and "=" not in a]
        pairs = dict(a.split("=", 1) for a in w[1:] if "=" in a)
        for o in state.get("objects", []):
            if o["kind"] + "/" + o["name"] in refs or o["kind"].lower() + "/" + o["name"] in refs:
                o.setdefault(field, {}).update(pairs)
        save(state)
        return 0
    if verb == "delete":
        targets = w[1:]
        if targets and targets[0] == "configmap":
            state["objects"] = [o for o in state.get("objects", [])
                                if not (o["kind"] == "ConfigMap" and o["name"] in targets[1:])]
        if targets and targets[0] == "namespace":
            state["namespaces"] = [n for n in state.get("namespaces", []) if n not in targets[1:]]
            state["objects"] = [o for o in state.get("objects", [])
                                if not (o["kind"] == "Namespace" and o["name"] in targets[1:])]
        if targets and targets[0] in ("customresourcedefinition", "customresourcedefinitions", "crd"):
            state["crds"] = [c for c in state.get("crds", []) if c not in targets[1:]]
        for t in targets:
            if t.startswith("customresourcedefinition/"):
                name = t.split("/", 1)[1]
                state["crds"] = [c for c in state.get("crds", []) if c != name]
        save(state)
        return 0
    if verb == "apply" and "--filename" in argv:
        path = argv[argv.index("--filename") + 1]
        if path.endswith(".json"):
            with open(path) as f:
                m = json.load(f)
            objs = state.setdefault("objects", [])
            objs[:] = [o for o in objs if not (o["kind"] == m["kind"] and o["name"] == m["metadata"]["name"])]
            objs.append({"kind": m["kind"], "name": m["metadata"]["name"],
                         "namespace": m["metadata"].get("namespace", ""),
                         "labels": m["metadata"].get("labels", {}), "data": m.get("data", {})})
            save(state)
        return 0
    return 0  # wait, label, annotate, patch, apply, rollout


def helm(state):
    w = words(ARGV)
    if not w:
        return 0
    if w[0] == "version":
        print("v3.17.2+gcc0bbbd")
        return 0
    if w[0] == "plugin":
        print("NAME\tVERSION\tDESCRIPTION")
        for p in state.get("plugins", ["diff"]):
            print(p + "\t3.9.11\t")
        return 0
    if w[0] == "list":
        print(json.dumps(state.get("releases", [])))
        return 0
    if w[0] == "repo" and w[1] == "list":
        if not state.get("repos"):
            print("Error: no repositories to show", file=sys.stderr)
            return 1
        print(json.dumps([{"name": n, "url": u} for n, u in state["repos"].items()]))
        return 0
    if w[0] == "repo" and w[1] == "add":
        state.setdefault("repos", {})[w[2]] = w[3]
        save(state)
        return 0
    if w[0] == "history":
        print(json.dumps(state.get("history", {}).get(w[1], [])))
        return 0
    if w[0] == "rollback":
        for r in state.get("releases", []):
            if r["name"] == w[1]:
                r["status"] = "deployed"
        save(state)
        return 0
    if w[0] == "uninstall":
        ns = ns_of(ARGV)
        # Fake releases live in namespace "fake": match by name.
        state["releases"] = [r for r in state.get("releases", [])
                             if not (r["name"] == w[1] and r["namespace"] in (ns, "fake"))]
        save(state)
        return 0
    return 0


def helmfile(state):
    if "--version" in ARGV:
        print("helmfile version 0.169.1")
        return 0
    sel = ""
    for i, a in enumerate(ARGV):
        if a == "--selector":
            sel = ARGV[i + 1]
    if "apply" in ARGV or "sync" in ARGV:
        name = sel.split("=", 1)[-1]
        name = {"apps-hello": "hello-web"}.get(name, name)  # selector -> release name
        rels = state.setdefault("releases", [])
        rels[:] = [r for r in rels if r["name"] != name]
        rels.append({"name": name, "namespace": state.get("release_ns", {}).get(name, "fake"),
                     "status": "deployed", "revision": "1"})
        # What the charts would create.
        crds = state.setdefault("crds", [])
        if name == "cert-manager":
            for c in ("certificates", "certificaterequests", "clusterissuers", "issuers"):
                if c + ".cert-manager.io" not in crds:
                    crds.append(c + ".cert-manager.io")
            for c in ("challenges", "orders"):
                if c + ".acme.cert-manager.io" not in crds:
                    crds.append(c + ".acme.cert-manager.io")
        if name == "cilium" and "ciliumnetworkpolicies.cilium.io" not in crds:
            crds.append("ciliumnetworkpolicies.cilium.io")
        if name == "platform-namespaces":
            nss = state.setdefault("namespaces", [])
            objs = state.setdefault("objects", [])
            for n in ("platform-system", "ingress", "cert-manager", "logging", "observability",
                      "storage", "apps-staging", "apps-prod"):
                if n not in nss:
                    nss.append(n)
                if not any(o["kind"] == "Namespace" and o["name"] == n for o in objs):
                    objs.append({"kind": "Namespace", "name": n,
                                 "labels": {"app.kubernetes.io/managed-by": "Helm"},
                                 "annotations": {"meta.helm.sh/release-name": "platform-namespaces",
                                                 "meta.helm.sh/release-namespace": "kube-system"}})
        save(state)
    return 0


def flux(state):
    if "--version" in ARGV:
        print("flux version 2.6.4")
        return 0
    w = words(ARGV)
    if w and w[0] in ("install", "bootstrap"):
        crds = state.setdefault("crds", [])
        for c in ("helmreleases.helm.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io",
                  "gitrepositories.source.toolkit.fluxcd.io"):
            if c not in crds:
                crds.append(c)
        save(state)
        print("\u2714 install finished")
        return 0
    if w and w[0] == "reconcile":
        print("\u25ba annotating %s %s in flux-system namespace" % (w[1], w[-1]))
        print("\u2714 applied revision main@sha1:0123456789abcdef")
        return 0
    return 0


def main():
    record()
    state = load()
    joined = " ".join([TOOL] + ARGV)
    for sub in state.get("hang", []):
        if sub in joined:
            time.sleep(3600)
    for sub, code in state.get("fail", {}).items():
        if sub in joined:
            print("fake %s: failing on purpose (%s)" % (TOOL, sub), file=sys.stderr)
            return int(code)
    return {"kubectl": kubectl, "helm": helm, "helmfile": helmfile, "flux": flux}[TOOL](state)


if __name__ == "__main__":
    sys.exit(main())
