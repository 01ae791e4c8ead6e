#!/usr/bin/env bash
# Compiles the BPF probes (CO-RE); the Java layout test reads the record layouts from the object's BTF.
# vmlinux.h is generated from the build machine's BTF (bpftool); CO-RE relocations make the
# object run on other kernels with BTF. Output goes into target/classes so the jar carries it.
set -euo pipefail
target=${1:?usage: build-bpf.sh TARGET_DIR}
src=$(cd "$(dirname "$0")" && pwd)
gen="$target/generated-bpf"
out="$target/classes/io/changegraph/probes"
mkdir -p "$gen" "$out"
for tool in clang bpftool; do
  command -v "$tool" >/dev/null || { echo "build-bpf: '$tool' not found: run scripts/install-deps.sh (installs clang, bpftool, libbpf-dev)" >&2; exit 2; }
done
[ -r /sys/kernel/btf/vmlinux ] || { echo "build-bpf: /sys/kernel/btf/vmlinux missing: a kernel with BTF is needed to generate vmlinux.h" >&2; exit 2; }
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build-bpf: libbpf headers missing: run scripts/install-deps.sh (libbpf-dev)" >&2; exit 2; }
if [ ! -s "$gen/vmlinux.h" ]; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h.tmp"
  mv "$gen/vmlinux.h.tmp" "$gen/vmlinux.h"
fi
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -Wno-unused-function \
  -I "$gen" -I "$src" -c "$src/changegraph.bpf.c" -o "$out/changegraph.bpf.o"
# the host-wide TCP anomaly camera (changegraph netwatch): a separate small object (-mcpu=v3: compare-and-swap)
clang -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror -Wno-unused-function \
  -I "$gen" -I "$src" -c "$src/netwatch.bpf.c" -o "$out/netwatch.bpf.o"
# strip DWARF, keep BTF: smaller jar, same CO-RE information (and the record layouts)
llvm-strip -g "$out/changegraph.bpf.o" 2>/dev/null || true
llvm-strip -g "$out/netwatch.bpf.o" 2>/dev/null || true
