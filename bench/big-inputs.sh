#!/usr/bin/env bash
# Big inputs through the CLI (bin/changegraph, the shipped JVM flags) with a 1.5 GB heap:
#   check with 10,000 rules on a real recording (default /work/fixtures/deploy-canary.json: 19k nodes, 40k edges);
#   a ~200 MB graph (COPIES copies of that recording) through export, check and diff.
# Usage: bench/big-inputs.sh [FIXTURE.json] [COPIES] [ROUNDS]     (defaults: the fixture above, 12, 3)
# Prints each command's median wall seconds and peak RSS over ROUNDS runs; targets: ≤ 5 s (10k rules),
# ≤ 10 s each (200 MB graph), heap ≤ 1.5 GB (-Xmx1536m: going over is an OutOfMemoryError, exit 3).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixture=${1:-/work/fixtures/deploy-canary.json}
copies=${2:-12}
rounds=${3:-3}
work=$(mktemp -d /tmp/cg-big.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$here"
BENCH_JAVA_OPTS=-Xmx4g bench/java-bench.sh monitor io.changegraph.monitor.ManyRules 10000 "$work/rules-10k.yaml"
BENCH_JAVA_OPTS=-Xmx6g bench/java-bench.sh repository io.changegraph.repository.BigGraphs "$fixture" "$copies" "$work/big.json"
echo "big graph: $(du -m "$work/big.json" | cut -f1) MB"
export CHANGEGRAPH_JAVA_OPTS="-Xmx1536m"

measure() {   # label, expected exit codes (regex), command...
    local label=$1 ok=$2; shift 2
    local walls=() rss=0 status
    for ((i = 0; i < rounds; i++)); do
        set +e
        /usr/bin/time -f '%e %M' -o "$work/time" bin/changegraph "$@" > "$work/out" 2> "$work/err"
        status=$?
        set -e
        if ! [[ $status =~ ^($ok)$ ]]; then
            echo "$label: exit $status: $(tail -1 "$work/err")"
            return
        fi
        read -r wall kb < <(tail -1 "$work/time")
        walls+=("$wall")
        (( kb > rss )) && rss=$kb
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-44s median %6.2f s  (runs: %s)  peak RSS %5d MB\n' "$label" "$median" "${walls[*]}" $((rss / 1024))
}

measure "check, 10,000 rules, $(basename "$fixture")" '0|1' check --rules "$work/rules-10k.yaml" "$fixture"
measure "check, shipped rules, $(basename "$fixture")" '0|1' check --rules rules.yaml "$fixture"
measure "export json, 200 MB graph" '0' export "$work/big.json" --format json -o "$work/export.json"
measure "export dot, 200 MB graph" '0' export "$work/big.json" --format dot -o "$work/export.dot"
measure "check, shipped rules, 200 MB graph" '0|1' check --rules rules.yaml "$work/big.json"
measure "diff, 200 MB graph against itself" '0|1' diff "$work/big.json" "$work/big.json"
cp "$work/big.json" "$work/copy.json"
measure "diff, 200 MB graph against a copy" '0|1' diff "$work/big.json" "$work/copy.json"
