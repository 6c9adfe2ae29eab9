#!/usr/bin/env bash
# Starts `atsbridge demo` on a free loopback port and drives it with Kombo's Python SDK.
# Installs the SDK into target/sdk-venv on first use (PyPI `kombo` 1.4.0).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/sdk-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kombo==1.4.0"
fi

cargo build --quiet -p atsbridge
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/atsbridge demo --listen "127.0.0.1:$port" --candidates 60 \
  --data-dir "$work" --info-file "$work/info.json" > "$work/demo.log" 2>&1 &
demo=$!
trap 'kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
  [ -s "$work/info.json" ] && break
  kill -0 "$demo" 2>/dev/null || { cat "$work/demo.log"; echo "demo exited early"; exit 1; }
  sleep 0.2
done
[ -s "$work/info.json" ] || { cat "$work/demo.log"; echo "demo did not come up"; exit 1; }

"$venv/bin/python" scripts/sdk_smoke.py "$work/info.json"
