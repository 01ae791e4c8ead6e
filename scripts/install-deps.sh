#!/usr/bin/env bash
# Installs what building and recording need on Debian 12 (root): clang/llvm (BPF compiler),
# libbpf-dev + libbpf1 (headers and the loader library), bpftool (vmlinux.h), Maven, perl and
# python3 (used by the kernel tests' scripts), iptables, curl and openssl (the network kernel tests), openssh-server (the real-sshd test of the agent), etcd-server + etcd-client (the fleet control plane's tests, scripts/etcd.sh). Idempotent: installs only what is missing.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in clang llvm libbpf-dev libbpf1 bpftool maven perl python3 procps iproute2 iptables curl openssl strace openssh-server openssh-client util-linux passwd etcd-server etcd-client; do
  have "$pkg" || need+=("$pkg")
done
# the fleet hub's tests start private PostgreSQL clusters with scripts/postgres.sh (no system cluster is used)
for pkg in postgresql-15 postgresql-client-15; do have "$pkg" || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages ${need[*]}: run this script as root (sudo)" >&2
    exit 2
  fi
  echo "install-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/bin/changegraph" --print-java >/dev/null
[ -r /sys/kernel/btf/vmlinux ] || { echo "install-deps: this kernel has no BTF (/sys/kernel/btf/vmlinux): changegraph needs CONFIG_DEBUG_INFO_BTF=y" >&2; exit 2; }
