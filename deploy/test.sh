#!/usr/bin/env bash
# The platform's test command: unit tests, and the integration tests that run the real service
# binaries as separate processes over HTTP and libcurl. Needs the toolchain and the -dev packages
# that deploy/platform.sh installs; installs the Python reference library for the signature interop.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import standardwebhooks, openapi_spec_validator, yaml' 2>/dev/null || python3 -m pip install -q standardwebhooks openapi-spec-validator pyyaml
swift build --build-tests
swift test --skip-build "$@"
