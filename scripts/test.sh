#!/usr/bin/env bash
# The whole test suite: unit and fixture tests, kernel tests (real eBPF, need root), browser tests
# (headless Chromium). Installs what is missing first. Usage (as root): scripts/test.sh [maven args]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
[ -x "$here/scripts/install-browser.sh" ] && "$here/scripts/install-browser.sh"
java=$("$here/bin/changegraph" --print-java)
export JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
cd "$here"
mvn -B verify "$@"
