#!/usr/bin/env bash
# Runs a benchmark main class from a module's test sources with that module's test classpath.
# Usage: bench/java-bench.sh MODULE MAIN_CLASS [ARGS...]
#   bench/java-bench.sh repository io.changegraph.repository.diff.DiffBenchmark 10000 100000 1000000
#   bench/java-bench.sh monitor io.changegraph.monitor.RuleBenchmark
#   bench/java-bench.sh web io.changegraph.web.WebBenchmark
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
module=${1:?usage: bench/java-bench.sh MODULE MAIN_CLASS [ARGS...]}
main=${2:?usage: bench/java-bench.sh MODULE MAIN_CLASS [ARGS...]}
shift 2
java=$("$here/bin/changegraph" --print-java)
export JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
cp_file=$(mktemp /tmp/cg-bench-cp.XXXXXX)
trap 'rm -f "$cp_file"' EXIT
cd "$here"
# -am builds the modules it needs; the last classpath written is the requested module's
mvn -B -q -pl "$module" -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
cp="$here/$module/target/test-classes:$here/$module/target/classes:$(cat "$cp_file")"
cd "$here/$module"   # as under the test runner: fixtures are found relative to the module
exec "$java" --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:--Xmx8g} -cp "$cp" "$main" "$@"
