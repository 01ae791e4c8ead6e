#!/usr/bin/env bash
# Builds the AOT cache (JDK 25, JEP 483/514) that bin/changegraph uses to start faster: classes of a
# training run (`record -o ... -- true`, or `--help` where recording is not possible) loaded and linked
# ahead of time. Run by the controller's Maven build right after the jar is packaged (so by
# scripts/build.sh and scripts/test.sh); never committed. Usage: scripts/aot-cache.sh JAR
# Writes JAR's directory/changegraph.aot and changegraph.aot.stamp (the java and the jar it matches: the
# launcher ignores an archive whose stamp differs). Never fails the build: no archive, one line why.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$(readlink -f "${1:?usage: scripts/aot-cache.sh JAR}")
dir=$(dirname "$jar")
aot=$dir/changegraph.aot
rm -f "$aot" "$aot.stamp" "$aot.tmp"
java=$("$here/bin/changegraph" --print-java 2>/dev/null) || { echo "aot-cache: no JDK found: no AOT cache"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work" "$aot.tmp" "$aot.tmp.config"' EXIT
train() {   # a training run through the launcher (its JVM options must match the runs that use the cache)
  CHANGEGRAPH_JAR=$jar CHANGEGRAPH_JAVA=$java CHANGEGRAPH_AOT_OUTPUT=$aot.tmp \
    "$here/bin/changegraph" "$@" >"$work/train.log" 2>&1
}
if ! train record -o "$work/train.json" -- true || [ ! -s "$aot.tmp" ]; then
  rm -f "$aot.tmp"
  train --help
fi
if [ ! -s "$aot.tmp" ]; then
  echo "aot-cache: no AOT cache (needs JDK 25 or newer; bin/changegraph starts without it): $(grep -m1 -iE 'error|unrecognized' "$work/train.log")"
  exit 0
fi
mv "$aot.tmp" "$aot"
echo "$java $(stat -c %s-%Y "$jar")" >"$aot.stamp"
echo "aot-cache: $aot ($(( $(stat -c %s "$aot") / 1048576 )) MB)"
