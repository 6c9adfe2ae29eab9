#!/usr/bin/env bash
# Starts `atsbridge demo` on a free loopback port for each tool (eRecruiter, then Greenhouse;
# `SDK_SMOKE_TOOLS="greenhouse"` picks some) and drives each instance with Kombo's official
# SDKs: Python first, then TypeScript.
# Installs the Python SDK into target/sdk-venv on first use (PyPI `kombo` 1.4.0), and the
# TypeScript SDK from scripts/ts-sdk/package-lock.json (npm `@kombo-api/sdk` 1.1.3) with `npm ci`
# into scripts/ts-sdk/node_modules when that install is missing or older than the pinned files.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/sdk-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kombo==1.4.0"
fi

ts_sdk=scripts/ts-sdk
command -v node >/dev/null || { echo "node (20 or newer) is needed for the TypeScript SDK"; exit 1; }
# npm ci writes node_modules/.package-lock.json; reinstall when the pinned files changed since.
installed="$ts_sdk/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$ts_sdk/package-lock.json" -nt "$installed" ] \
  || [ "$ts_sdk/package.json" -nt "$installed" ]; then
  npm ci --prefix "$ts_sdk" --no-audit --no-fund --no-update-notifier --loglevel=error
fi

cargo build --quiet -p atsbridge

# One demo per tool (default: every tool with a sandbox), each driven by both SDKs.
smoke_tool() {
  local tool=$1 work port demo
  work="$(mktemp -d)"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ./target/debug/atsbridge demo --tool "$tool" --listen "127.0.0.1:$port" --candidates 60 \
    --data-dir "$work" --info-file "$work/info.json" > "$work/demo.log" 2>&1 &
  demo=$!
  # shellcheck disable=SC2064 # the pid is fixed when the trap is set
  trap "kill $demo 2>/dev/null || true; wait $demo 2>/dev/null || true" EXIT

  for _ in $(seq 1 300); do
    [ -s "$work/info.json" ] && break
    kill -0 "$demo" 2>/dev/null || { cat "$work/demo.log"; echo "demo exited early"; exit 1; }
    sleep 0.2
  done
  [ -s "$work/info.json" ] || { cat "$work/demo.log"; echo "demo did not come up"; exit 1; }

  echo "=== $tool: Kombo Python SDK (kombo 1.4.0)"
  "$venv/bin/python" scripts/sdk_smoke.py "$work/info.json"
  echo "=== $tool: Kombo TypeScript SDK (@kombo-api/sdk 1.1.3)"
  node scripts/sdk_smoke_ts.mjs "$work/info.json"
  kill "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  trap - EXIT
}

for tool in ${SDK_SMOKE_TOOLS:-erecruiter greenhouse}; do
  smoke_tool "$tool"
done
