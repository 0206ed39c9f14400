#!/usr/bin/env bash
# The platform's test command: unit tests, and the integration tests that run the real service
# binaries as separate processes over HTTP and libcurl. Needs the toolchain and the -dev packages
# that deploy/platform.sh installs; installs the Python tools the interop and OpenAPI tests use.
# Arguments pass to `swift test` (e.g. --filter MessagingTests).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import standardwebhooks, openapi_spec_validator, yaml, selenium, openpyxl' 2>/dev/null \
  || python3 -m pip install -q standardwebhooks openapi-spec-validator pyyaml selenium openpyxl
# The portal's browser tests (PortalTests) need Debian's chromium, chromium-driver and fonts-noto-cjk, and nginx
# for the site check: .ci/run installs them; so does this when they are missing and it may.
missing=()
for pkg in chromium chromium-driver fonts-noto-cjk nginx; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if ((${#missing[@]})) && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# schemathesis fuzzes each service against its own OpenAPI document (SchemathesisTests, deploy/fuzz.sh)
command -v schemathesis >/dev/null 2>&1 \
  || python3 -m pip install -q schemathesis \
  || python3 -m pip install -q --break-system-packages schemathesis
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# All tests are XCTest; the empty Swift Testing pass would end the output with "0 tests".
set +e
swift test --skip-build --disable-swift-testing "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -cE "^Test Case '.*' passed" "$log" || true)
failed=$(grep -cE "^Test Case '.*' failed" "$log" || true)
echo "$passed passed, $failed failed"
exit "$status"
