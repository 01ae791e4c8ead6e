#!/usr/bin/env bash
# Big inputs through the CLI (bin/changegraph, the shipped JVM flags) with a 1.5 GB heap:
#   check with 10,000 rules on a real recording (FIXTURE.json; without one, examples/deploy.sh is recorded
#   and undone first, as root: 19k nodes, 40k edges);
#   a ~200 MB graph (COPIES copies of that recording) through export, check and diff.
# Usage: bench/big-inputs.sh [FIXTURE.json] [COPIES] [ROUNDS]     (defaults: a fresh deploy recording, 12, 3)
# Prints each command's median wall seconds and peak RSS over ROUNDS runs; targets: ≤ 5 s (10k rules),
# ≤ 10 s each (200 MB graph), heap ≤ 1.5 GB (-Xmx1536m: going over is an OutOfMemoryError, exit 3).
set -euo pipefail
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times on a busy machine are inflated; CPU = user + sys)"
here=$(cd "$(dirname "$0")/.." && pwd)
fixture=${1:-}
copies=${2:-12}
rounds=${3:-3}
work=$(mktemp -d /tmp/cg-big.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [[ -z $fixture ]]; then
  fixture=$work/deploy.json
  "$here/bin/changegraph" record --no-rules -o "$fixture" -- "$here/examples/deploy.sh" >/dev/null 2>&1
  "$here/examples/undeploy.sh"
fi
cd "$here"
# the generators are test classes; their dependencies come from the shaded jar (built by scripts/build.sh)
java=$("$here/bin/changegraph" --print-java)
export JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
[[ -f controller/target/changegraph.jar ]] || scripts/build.sh
mvn -B -q -o -pl repository,monitor -am test-compile
deps="$here/repository/target/classes:$here/monitor/target/classes:$here/controller/target/changegraph.jar"
"$java" -Xmx4g -cp "$here/monitor/target/test-classes:$deps" io.changegraph.monitor.ManyRules 10000 "$work/rules-10k.yaml"
"$java" -Xmx6g -cp "$here/repository/target/test-classes:$deps" io.changegraph.repository.formats.BigGraphs "$fixture" "$copies" \
    "$work/big.json"
echo "big graph: $(du -m "$work/big.json" | cut -f1) MB"
export CHANGEGRAPH_JAVA_OPTS="-Xmx1536m"

measure() {   # label, expected exit codes (regex), command...
    local label=$1 ok=$2; shift 2
    local walls=() cpus=() rss=0 status
    for ((i = 0; i < rounds; i++)); do
        set +e
        /usr/bin/time -f '%e %U %S %M' -o "$work/time" bin/changegraph "$@" > "$work/out" 2> "$work/err"
        status=$?
        set -e
        if ! [[ $status =~ ^($ok)$ ]]; then
            echo "$label: exit $status: $(tail -1 "$work/err")"
            return
        fi
        read -r wall user sys kb < <(tail -1 "$work/time")
        walls+=("$wall")
        cpus+=("$(echo "$user + $sys" | bc)")
        (( kb > rss )) && rss=$kb
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-44s wall median %6.2f s (runs: %s)  CPU median %6.2f s  peak RSS %5d MB\n' "$label" "$median" \
        "${walls[*]}" "$cpu" $((rss / 1024))
}

measure "check, 10,000 rules, $(basename "$fixture")" '0|1' check --rules "$work/rules-10k.yaml" "$fixture"
measure "check, shipped rules, $(basename "$fixture")" '0|1' check --rules rules.yaml "$fixture"
measure "export json, 200 MB graph" '0' export "$work/big.json" --format json -o "$work/export.json"
measure "export dot, 200 MB graph" '0' export "$work/big.json" --format dot -o "$work/export.dot"
measure "check, shipped rules, 200 MB graph" '0|1' check --rules rules.yaml "$work/big.json"
measure "diff, 200 MB graph against itself" '0|1' diff "$work/big.json" "$work/big.json"
cp "$work/big.json" "$work/copy.json"
measure "diff, 200 MB graph against a copy" '0|1' diff "$work/big.json" "$work/copy.json"
