#!/usr/bin/env bash
# The platform's one command: installs what is missing, builds, wires and starts the four services
# (intake 8081, review 8082, funding 8083, assessment 8084) with their SQLite files in one data folder.
#
#   deploy/platform.sh            same as `up`
#   deploy/platform.sh up         install, build, wire (first run only), start, check the wiring
#   deploy/platform.sh down       stop the services (SIGTERM: in-flight work finishes)
#   deploy/platform.sh status     which services run, their queue depth
#   deploy/platform.sh backup DIR online backup of every database into DIR
#   deploy/platform.sh demo       a fresh demo platform (data in ./data-demo, business time movable) that
#                                 plays three years: naming, grants, project grants, demonstration,
#                                 inspection, a fraud revocation and the end-of-cycle assessments
#
# Environment: STUDIO_DATA_DIR (default ./data), STUDIO_BUILD_CONFIG (release|debug, default release),
# INTAKE_PORT REVIEW_PORT FUNDING_PORT ASSESSMENT_PORT, STUDIO_HOST (default 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${STUDIO_DATA_DIR:-$ROOT/data}
CONFIG=${STUDIO_BUILD_CONFIG:-release}
HOST=${STUDIO_HOST:-127.0.0.1}
SERVICES=(intake review funding assessment)
declare -A PORT=([intake]=${INTAKE_PORT:-8081} [review]=${REVIEW_PORT:-8082} [funding]=${FUNDING_PORT:-8083} [assessment]=${ASSESSMENT_PORT:-8084} [portal]=${PORTAL_PORT:-8080})
ROLES=(operator department federation finance audit_office)

say() { printf '\033[1m%s\033[0m\n' "$*"; }

install_missing() {
  local missing=()
  for pkg in libsqlite3-dev libcurl4-openssl-dev curl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain first" >&2; exit 1; }
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

build() {
  say "building ($CONFIG)"
  mkdir -p "$DATA/logs"
  # Only the products that run: a plain `swift build` would also compile the test kit (TestSupport) and what
  # it pulls in (HummingbirdTesting, AsyncHTTPClient, NIOSSL with a second BoringSSL, NIOHTTP2) and the benchmark.
  : > "$DATA/logs/build.log"
  for product in "${SERVICES[@]}" portal studioctl; do
    if ! swift build -c "$CONFIG" --product "$product" >> "$DATA/logs/build.log" 2>&1; then
      grep -E "error" "$DATA/logs/build.log" | sort -u | head -20 >&2
      echo "the build of $product failed; see $DATA/logs/build.log" >&2
      exit 1
    fi
  done
  BIN=$(swift build -c "$CONFIG" --show-bin-path)
  for s in "${SERVICES[@]}" studioctl portal; do [ -x "$BIN/$s" ] || { echo "build failed: no $BIN/$s" >&2; exit 1; }; done
}

random_secret() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
random_token() { echo "qzs_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; }

wire() {
  mkdir -p "$DATA" "$DATA/logs" "$DATA/run"
  chmod 700 "$DATA"
  if [ ! -f "$DATA/.wired" ]; then
    say "wiring the services (first run)"
    for sender in "${SERVICES[@]}"; do
      for receiver in "${SERVICES[@]}"; do
        [ "$sender" = "$receiver" ] && continue
        secret="whsec_$(random_secret)"
        "$BIN/$sender" subscription wire --data-dir "$DATA" --peer "$receiver" --url "http://$HOST:${PORT[$receiver]}/events" --secret "$secret" >/dev/null
        "$BIN/$receiver" inbound-secret add --data-dir "$DATA" --source "$sender" --secret "$secret" >/dev/null
      done
    done
    umask 077
    : > "$DATA/tokens.env"
    for role in "${ROLES[@]}"; do
      token=$(random_token)
      for s in "${SERVICES[@]}"; do
        "$BIN/$s" token add --data-dir "$DATA" --role "$role" --token "$token" --label "first $role token" >/dev/null
      done
      echo "STUDIO_TOKEN_$(echo "$role" | tr a-z A-Z)=$token" >> "$DATA/tokens.env"
    done
    touch "$DATA/.wired"
  else
    # Ports may have changed since the first run: point each subscription at the current address.
    for sender in "${SERVICES[@]}"; do
      for receiver in "${SERVICES[@]}"; do
        [ "$sender" = "$receiver" ] && continue
        "$BIN/$sender" subscription wire --data-dir "$DATA" --peer "$receiver" --url "http://$HOST:${PORT[$receiver]}/events" --secret "whsec_$(random_secret)" >/dev/null
      done
    done
  fi
}

# The portal's to-do lists (待办) take the services' events like any receiver: a subscription on each service
# (the PortalFeed types it sends) and the same secret as the portal's inbound secret. First run: new secrets;
# later runs: only the address. A platform wired before the portal took events gets its wiring on the next start.
wire_portal() {
  if [ ! -f "$DATA/.portal-wired" ]; then
    for sender in "${SERVICES[@]}"; do
      secret="whsec_$(random_secret)"
      "$BIN/$sender" subscription wire --data-dir "$DATA" --peer portal --url "http://$HOST:${PORT[portal]}/events" --secret "$secret" >/dev/null
      "$BIN/portal" inbound-secret add --data-dir "$DATA" --source "$sender" --secret "$secret" >/dev/null
    done
    touch "$DATA/.portal-wired"
  else
    for sender in "${SERVICES[@]}"; do
      "$BIN/$sender" subscription wire --data-dir "$DATA" --peer portal --url "http://$HOST:${PORT[portal]}/events" --secret "whsec_$(random_secret)" >/dev/null
    done
  fi
}

running() { [ -f "$DATA/run/$1.pid" ] && kill -0 "$(cat "$DATA/run/$1.pid")" 2>/dev/null; }

start() {
  for s in "${SERVICES[@]}"; do
    if running "$s"; then echo "$s already running (pid $(cat "$DATA/run/$s.pid"))"; continue; fi
    nohup "$BIN/$s" serve --data-dir "$DATA" --host "$HOST" --port "${PORT[$s]}" >> "$DATA/logs/$s.log" 2>&1 &
    echo $! > "$DATA/run/$s.pid"
  done
  for s in "${SERVICES[@]}"; do
    for _ in $(seq 1 100); do
      curl -fsS "http://$HOST:${PORT[$s]}/ready" >/dev/null 2>&1 && break
      running "$s" || { echo "$s failed to start; see $DATA/logs/$s.log" >&2; tail -5 "$DATA/logs/$s.log" >&2; exit 1; }
      sleep 0.1
    done
    curl -fsS "http://$HOST:${PORT[$s]}/ready" >/dev/null || { echo "$s is not ready; see $DATA/logs/$s.log" >&2; exit 1; }
  done
}

portal_urls() {
  echo --intake-url "http://$HOST:${PORT[intake]}" --review-url "http://$HOST:${PORT[review]}" \
       --funding-url "http://$HOST:${PORT[funding]}" --assessment-url "http://$HOST:${PORT[assessment]}"
}

# The portal (门户), in front of the four services; on the first run, the first operator and department
# accounts, whose one-time passwords are printed once and kept nowhere.
start_portal() {
  FIRST_ACCOUNTS=""
  if [ ! -f "$DATA/.portal-accounts" ]; then
    local ops dept
    # shellcheck disable=SC2046
    ops=$("$BIN/portal" account add --data-dir "$DATA" $(portal_urls) --role operator --username ops --name "系统运维" --quiet)
    # shellcheck disable=SC2046
    dept=$("$BIN/portal" account add --data-dir "$DATA" $(portal_urls) --role department --username dept --name "经济工作部" --quiet)
    touch "$DATA/.portal-accounts"
    FIRST_ACCOUNTS="  first sign-in (shown once; each must be changed at the first sign-in):
              ops  / $ops    (系统运维: creates the county, expert, finance … accounts at /operator/accounts)
              dept / $dept    (经济工作部)"
  fi
  if running portal; then echo "portal already running (pid $(cat "$DATA/run/portal.pid"))"; return; fi
  # shellcheck disable=SC2046
  nohup "$BIN/portal" serve --data-dir "$DATA" --host "$HOST" --port "${PORT[portal]}" $(portal_urls) >> "$DATA/logs/portal.log" 2>&1 &
  echo $! > "$DATA/run/portal.pid"
  for _ in $(seq 1 100); do
    curl -fsS "http://$HOST:${PORT[portal]}/ready" >/dev/null 2>&1 && return
    running portal || { echo "portal failed to start; see $DATA/logs/portal.log" >&2; tail -5 "$DATA/logs/portal.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "portal is not ready; see $DATA/logs/portal.log" >&2; exit 1
}

check_wiring() {
  # shellcheck disable=SC1091
  source "$DATA/tokens.env"
  for s in "${SERVICES[@]}"; do
    curl -fsS -X POST -H "Authorization: Bearer $STUDIO_TOKEN_OPERATOR" -H 'Content-Type: application/json' \
      -d "{\"aggregate\":\"test:wiring-$s\",\"note\":\"wiring check at start-up\"}" "http://$HOST:${PORT[$s]}/ops/test-events" >/dev/null
  done
  sleep 1
  local ok=1
  for s in "${SERVICES[@]}"; do
    pending=$(curl -fsS -H "Authorization: Bearer $STUDIO_TOKEN_OPERATOR" "http://$HOST:${PORT[$s]}/ops/queue" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pending"])')
    [ "$pending" = 0 ] || { ok=0; echo "warning: $s still has $pending undelivered events (see GET /ops/queue)"; }
  done
  [ $ok = 1 ] && echo "wiring checked: a test event from every service reached the other three and the portal"
}

summary() {
  say "the platform is running"
  for s in "${SERVICES[@]}"; do
    printf '  %-11s http://%s:%s   (pid %s, log %s)\n' "$s" "$HOST" "${PORT[$s]}" "$(cat "$DATA/run/$s.pid")" "$DATA/logs/$s.log"
  done
  printf '  %-11s http://%s:%s   (pid %s, log %s)\n' portal "$HOST" "${PORT[portal]}" "$(cat "$DATA/run/portal.pid")" "$DATA/logs/portal.log"
  local accounts=${FIRST_ACCOUNTS:-"  accounts:   $BIN/portal account add --data-dir $DATA --role screening_body --subject 330802 --name 柯城区总工会 (or /operator/accounts)"}
  cat <<MSG
  browser:    http://$HOST:${PORT[portal]}/   (public register without signing in; /login for staff)
$accounts
  data:       $DATA/{intake,review,funding,assessment,portal}.sqlite
  tokens:     $DATA/tokens.env (one bearer token per role, valid on every service; keep it private)
  try:        source $DATA/tokens.env
              curl -H "Authorization: Bearer \$STUDIO_TOKEN_OPERATOR" http://$HOST:${PORT[intake]}/ops/queue
              curl http://$HOST:${PORT[review]}/openapi.yaml
  stop:       deploy/platform.sh down
MSG
}

stop() {
  for s in portal "${SERVICES[@]}"; do
    if running "$s"; then
      kill -TERM "$(cat "$DATA/run/$s.pid")"
      for _ in $(seq 1 100); do running "$s" || break; sleep 0.1; done
      running "$s" && echo "$s did not stop in 10 s" || echo "$s stopped"
    fi
    rm -f "$DATA/run/$s.pid"
  done
}

status() {
  for s in "${SERVICES[@]}" portal; do
    if running "$s"; then
      printf '%-11s running on %s:%s  ' "$s" "$HOST" "${PORT[$s]}"
      curl -fsS "http://$HOST:${PORT[$s]}/ready" || true; echo
    else
      printf '%-11s stopped\n' "$s"
    fi
  done
}

backup() {
  local target=${1:?usage: deploy/platform.sh backup DIR}
  # STUDIO_BIN_DIR: binaries already built elsewhere (the tests); otherwise this checkout's build.
  BIN=${STUDIO_BIN_DIR:-$(swift build -c "$CONFIG" --show-bin-path)}
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  # The copies hold ID numbers, phone numbers and the portal's service tokens: folders 0700, files 0600.
  umask 077
  mkdir -p -m 700 "$target/$stamp"
  for s in "${SERVICES[@]}" portal; do "$BIN/$s" backup --data-dir "$DATA" --to "$target/$stamp/$s.sqlite"; done
  echo "$target/$stamp"
}

case "${1:-up}" in
  up) install_missing; build; wire; wire_portal; start; start_portal; check_wiring; summary ;;
  demo)
    # Demo data lives apart from real data, and is started afresh each time (the scenario opens this
    # year's round); the services run with the demo clock, which production never has.
    if [ -z "${STUDIO_DATA_DIR:-}" ]; then DATA=$ROOT/data-demo; stop >/dev/null 2>&1 || true; rm -rf "$DATA"; fi
    export STUDIO_DEMO_CLOCK=1
    install_missing; build; wire; wire_portal; start; start_portal; check_wiring; summary
    say "playing three years: naming, project grants, demonstration, inspection, revocation, assessments (studioctl demo)"
    "$BIN/studioctl" demo --data-dir "$DATA" ;;
  down) stop ;;
  status) status ;;
  backup) backup "${2:-}" ;;
  *) echo "usage: deploy/platform.sh [up|down|status|backup DIR|demo]" >&2; exit 2 ;;
esac
