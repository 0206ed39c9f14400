#!/usr/bin/env bash
# The crash test at full scale: builds, starts the four services in demo-clock mode in a temporary data
# folder, plays a naming year of STUDIO_CRASH_APPLICATIONS applications (default 1000) through them while a
# killer thread SIGKILLs a random service every ~STUDIO_CRASH_KILL_INTERVAL seconds (default 3, ±50 %) and
# restarts it on the same port and data folder (a restart that does not become ready is started again, as
# systemd would, and counted in the summary; test ports lie outside the kernel's ephemeral range, so no
# outgoing connection takes a killed service's port); then waits for every queue to drain and checks that no
# event was lost, none applied twice, none dead, no aggregate's inbox sequence has a gap, and the four
# databases agree. Prints one summary line; exits non-zero when anything does not hold.
#
#   deploy/crash-test.sh                    1000 applications, a kill every ~3 s
#   deploy/crash-test.sh 2000 2             2000 applications, a kill every ~2 s
#
# Environment: STUDIO_CRASH_APPLICATIONS, STUDIO_CRASH_KILL_INTERVAL, STUDIO_CRASH_SEED (the killer's
# choices), STUDIO_BUILD_CONFIG=release (services built in release; the test driver stays debug),
# STUDIO_KEEP_TEST_DATA=1 (keep the data folder and the services' logs). The bounded version (200
# applications, a kill every ~1 s) runs in deploy/test.sh as CrashTests.
set -euo pipefail
cd "$(dirname "$0")/.."
export STUDIO_CRASH_APPLICATIONS=${1:-${STUDIO_CRASH_APPLICATIONS:-1000}}
export STUDIO_CRASH_KILL_INTERVAL=${2:-${STUDIO_CRASH_KILL_INTERVAL:-3}}
CONFIG=${STUDIO_BUILD_CONFIG:-debug}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
build() {
  if ! swift build "$@" >"$log" 2>&1; then
    grep -E "error" "$log" | sort -u | head -20 >&2
    echo "crash test: FAILED to build (swift build $*)"
    exit 1
  fi
}
echo "building (tests; services $CONFIG)" >&2
build --build-tests
if [ "$CONFIG" != debug ]; then
  build -c "$CONFIG"
  export STUDIO_BIN_DIR=$(swift build -c "$CONFIG" --show-bin-path)
fi
echo "crash test: $STUDIO_CRASH_APPLICATIONS applications, a kill every ~$STUDIO_CRASH_KILL_INTERVAL s (log: $log while it runs)" >&2
set +e
swift test --skip-build --disable-swift-testing --filter CrashTests >"$log" 2>&1
status=$?
set -e
grep -E "^  scale: |^phases: |^  restart failed|kept in " "$log" >&2 || true
if [ "$status" -ne 0 ]; then
  grep -E "error:|failed" "$log" | head -40 >&2
fi
grep -E "^crash test: " "$log" || echo "crash test: FAILED before the summary (exit $status)"
exit "$status"
