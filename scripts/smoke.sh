#!/usr/bin/env bash
# Smoke-tests a compiled ccmux binary: --version, --help, and `serve` on the embedded default.
set -euo pipefail
bin=${1:-dist/ccmux}
home=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
"$bin" --version | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+' || { echo "--version failed"; exit 1; }
"$bin" --help | grep -q serve || { echo "--help does not list serve"; exit 1; }
# node is the one tool a fresh CI machine is guaranteed to have (curl may be missing).
http() { node -e 'const [m,u,b]=process.argv.slice(1);fetch(u,{method:m,headers:{"content-type":"application/json"},body:b||undefined}).then(async r=>{console.log(r.status);console.log(await r.text())}).catch(()=>{console.log(0);process.exit(1)})' "$@"; }
# Port 0: the OS picks a free port and the banner says which, so nothing can race for it.
CCMUX_HOME="$home" NO_COLOR=1 "$bin" serve --port 0 >"$home/out.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -Eo 'listening on http://127\.0\.0\.1:[0-9]+' "$home/out.log" | grep -Eo '[0-9]+$' || true)
  if [ -n "$port" ] && http GET "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
[ -n "$port" ] || { cat "$home/out.log"; echo "serve never said where it listens"; exit 1; }
http GET "http://127.0.0.1:$port/health" | grep -q '"status":"ok"' || { cat "$home/out.log"; echo "health check failed"; exit 1; }
code=$(http POST "http://127.0.0.1:$port/v1/messages" '{bad' | head -1)
[ "$code" = 400 ] || { echo "malformed JSON gave $code, expected 400"; exit 1; }
[ -f "$home/config.toml" ] || { echo "serve did not write the starter config"; exit 1; }
kill -TERM "$pid"
wait "$pid" || { echo "serve did not exit 0 on SIGTERM"; exit 1; }
echo "smoke test passed"
