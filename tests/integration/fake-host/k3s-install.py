#!/usr/bin/env python3
"""A stand-in for get.k3s.io, served by the test's HTTP server: writes a fake
k3s binary, k3s.service with INSTALL_K3S_EXEC's flags (as the real installer
formats them), k3s.yaml and k3s-uninstall.sh under $FAKE_HOST_ROOT."""
import json
import os
import sys

root = os.environ["FAKE_HOST_ROOT"]
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(json.dumps({"tool": "k3s-install.sh", "argv": sys.argv[1:], "env": dict(os.environ)}) + "\n")
words = os.environ.get("INSTALL_K3S_EXEC", "server").split()
version = os.environ.get("INSTALL_K3S_VERSION", "v1.31.4+k3s1")


def write(path, text, mode=0o644):
    full = root + path
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
    os.chmod(full, mode)


write("/usr/local/bin/k3s", f"""#!/usr/bin/env python3
import sys
if sys.argv[1:2] == ["--version"]:
    print("k3s version {version} (abcdef12)")
    print("go version go1.22.9")
elif sys.argv[1:2] == ["kubectl"]:
    print("node/homelab")
""", 0o755)
lines = ["ExecStart=/usr/local/bin/k3s \\", "    server \\"]
for w in words[1:]:
    lines.append(f"\t'{w}' \\")
lines.append("")
write("/etc/systemd/system/k3s.service",
      "[Unit]\nDescription=Lightweight Kubernetes\n\n[Service]\nType=notify\n" + "\n".join(lines) + "\n")
write("/etc/rancher/k3s/k3s.yaml", """apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0EK
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: Q0VSVAo=
    client-key-data: S0VZCg==
""", 0o600)
write("/usr/local/bin/k3s-uninstall.sh", f"""#!/usr/bin/env python3
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(json.dumps({{"tool": "k3s-uninstall.sh", "argv": sys.argv[1:], "env": {{}}}}) + "\\n")
root = os.environ["FAKE_HOST_ROOT"]
for p in ["/usr/local/bin/k3s", "/etc/systemd/system/k3s.service", "/etc/rancher/k3s/k3s.yaml",
          "/usr/local/bin/k3s-uninstall.sh"]:
    if os.path.exists(root + p):
        os.remove(root + p)
""", 0o755)
print("[INFO]  fake k3s installed")
