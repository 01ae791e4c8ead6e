#!/usr/bin/env bash
# Builds controller/target/changegraph.jar (the BPF object is compiled from source by clang).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
java=$("$here/bin/changegraph" --print-java)
export JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
cd "$here"
mvn -B -q package -DskipTests "$@"
echo "build: $here/controller/target/changegraph.jar"
