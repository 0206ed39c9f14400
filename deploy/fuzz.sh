#!/usr/bin/env bash
# The long schemathesis run: every service's OpenAPI document fuzzed against the four real binaries with
# many examples per operation, a random seed and the stateful phase. CI runs the bounded version
# (SchemathesisTests with 5 examples and a fixed seed) as part of deploy/test.sh.
#   deploy/fuzz.sh              100 examples per operation
#   deploy/fuzz.sh 500          500 examples
#   STUDIO_SCHEMATHESIS_SEED=N deploy/fuzz.sh   reproduce a run
set -euo pipefail
cd "$(dirname "$0")/.."
command -v schemathesis >/dev/null 2>&1 \
  || python3 -m pip install -q schemathesis \
  || python3 -m pip install -q --break-system-packages schemathesis
swift build --build-tests
STUDIO_SCHEMATHESIS_EXAMPLES="${1:-100}" swift test --skip-build --disable-swift-testing --filter SchemathesisTests
