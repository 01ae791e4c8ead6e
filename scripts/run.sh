#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, record a sample change, print
# its summary and say where its graph is. Usage (as root): scripts/run.sh [OUTPUT.json]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/out/sample-change.json}
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
mkdir -p "$(dirname "$out")"
"$here/bin/changegraph" record -o "$out" -- "$here/examples/sample-change.sh"
"$here/bin/changegraph" export "$out" --format dot -o "${out%.json}.dot"
"$here/bin/changegraph" summary "$out"
echo "graph: $out (DOT: ${out%.json}.dot)"
