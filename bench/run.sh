#!/usr/bin/env bash
# make bench: load tierline's ingest from a separate process (wrk) on
# loopback and report requests/s, p50 and p99 per scenario and concurrency,
# each the median of RUNS runs on a fresh server and data directory.
#
# Scenarios: healthz (the same server doing no work: the ceiling),
# distinct (every alert new: a ticket created per request) and shared
# (every alert a repeat of one: an occurrence counted per request).
# Commits are durable: SQLite WAL with synchronous=FULL and group commit
# (see shared/localdb); no answer is sent before its write is fsync'd.
#
# burst (bench/burst) pages under load: BURST_ALERTS distinct alerts
# posted at once to a server whose L1 must acknowledge within 4s, its L1
# and L2 channels webhooks that answer after 150 ms; it reports L1
# hand-offs/s and the share of tickets whose first L1 page arrived before
# they escalated to L2.
#
#   DURATION=10s RUNS=3 CONNS="1 8 32" bench/run.sh
#   SCENARIOS=burst RUNS=1 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
CONNS=${CONNS:-"1 8 32"}
SCENARIOS=${SCENARIOS:-"healthz distinct shared burst"}
BURST_ALERTS=${BURST_ALERTS:-1000}
PORT=${PORT:-18480}
RECEIVER_PORT=${RECEIVER_PORT:-18481}
OUT=bench/out
mkdir -p "$OUT"
WRK_SCENARIOS=$(printf '%s\n' $SCENARIOS | grep -vx burst | tr '\n' ' ' || true)

if [ -n "$WRK_SCENARIOS" ] && ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "bench: wrk is needed (Debian: apt-get install wrk)" >&2
    exit 1
  fi
fi

go build -o "$OUT/tierline" ./cmd/tierline
go build -o "$OUT/burst" ./bench/burst

# to_ms turns wrk's latency ("336.00us", "7.82ms", "1.02s") into ms.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
  }'
}

# one runs wrk once against a fresh server; prints "rps p50 p99".
one() {
  local scenario=$1 conns=$2 data pid url script=() threads=2
  data=$(mktemp -d)
  "$OUT/tierline" serve --config bench/bench.yaml --addr "127.0.0.1:$PORT" --data "$data" \
    --log-level warn >/dev/null 2>"$OUT/server.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done
  url="http://127.0.0.1:$PORT/v1/hooks/bench"
  case $scenario in
    healthz) url="http://127.0.0.1:$PORT/healthz" ;;
    *) script=(-s "bench/$scenario.lua") ;;
  esac
  [ "$conns" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$conns" -d1s "${script[@]}" "$url" >/dev/null # warm up
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency "${script[@]}" "$url" >"$OUT/wrk.txt"
  kill "$pid"; wait "$pid" || true
  rm -rf "$data"
  if grep -q "Non-2xx" "$OUT/wrk.txt"; then
    echo "bench: $scenario c=$conns got error answers:" >&2; cat "$OUT/wrk.txt" >&2; exit 1
  fi
  echo "$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt") \
$(to_ms "$(awk '$1 == "50%" {print $2}' "$OUT/wrk.txt")") \
$(to_ms "$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")")"
}

# burst runs one burst against a fresh server; prints bench/burst's
# tab-separated line.
burst() {
  local data pid cfg="$OUT/burst.yaml" hook="http://127.0.0.1:$RECEIVER_PORT"
  data=$(mktemp -d)
  cat >"$cfg" <<EOF
integrations:
  - {name: bench, kind: generic, token: bench-token}
policies:
  default:
    L1: {acknowledge: 4s, resolve: 1h}
    L2: {acknowledge: 1h, resolve: 8h}
channels:
  L1: [{name: l1-chat, kind: webhook, url: "$hook/l1"}]
  L2: [{name: l2-chat, kind: webhook, url: "$hook/l2"}]
api_keys:
  - {name: bench, key: bench-key}
EOF
  "$OUT/tierline" serve --config "$cfg" --addr "127.0.0.1:$PORT" --data "$data" \
    --log-level warn >/dev/null 2>"$OUT/server.log" &
  pid=$!
  "$OUT/burst" -listen "127.0.0.1:$RECEIVER_PORT" -tierline "http://127.0.0.1:$PORT" -alerts "$BURST_ALERTS" >"$OUT/burst.txt"
  kill "$pid"; wait "$pid" || true
  rm -rf "$data"
  grep '^#' "$OUT/burst.txt" >&2
  grep -v '^#' "$OUT/burst.txt"
}

# median prints the median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

results="$OUT/results.tsv"
: >"$results"
for scenario in $WRK_SCENARIOS; do
  for c in $CONNS; do
    rps=() p50=() p99=()
    for _ in $(seq "$RUNS"); do
      read -r r a b < <(one "$scenario" "$c")
      rps+=("$r"); p50+=("$a"); p99+=("$b")
    done
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$c" "$(median "${rps[@]}")" "$(median "${p50[@]}")" \
      "$(median "${p99[@]}")" "${rps[*]}" | tee -a "$results" >&2
  done
done

bursts="$OUT/bursts.tsv"
: >"$bursts"
if printf '%s\n' $SCENARIOS | grep -qx burst; then
  for _ in $(seq "$RUNS"); do burst | tee -a "$bursts" >&2; done
fi

{
  echo "# tierline benchmark"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(go version | awk '{print $3}'); the load and the server share the machine;"
  echo "durable commits (WAL, synchronous=FULL, group commit)."
  if [ -s "$results" ]; then
    echo
    echo "## Ingest (wrk $DURATION x $RUNS runs per cell, median)"
    echo
    echo "| scenario | connections | requests/s | p50 ms | p99 ms | vs healthz | runs (req/s) |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    while IFS=$'\t' read -r s c r a b all; do
      base=$(awk -F'\t' -v c="$c" '$1 == "healthz" && $2 == c {print $3}' "$results")
      ratio="-"
      [ -n "$base" ] && [ "$s" != healthz ] && ratio=$(awk -v r="$r" -v b="$base" 'BEGIN {printf "%.1f%%", 100 * r / b}')
      printf '| %s | %s | %.0f | %s | %s | %s | %s |\n' "$s" "$c" "$r" "$a" "$b" "$ratio" "$all"
    done <"$results"
  fi
  if [ -s "$bursts" ]; then
    echo
    echo "## Pages under a burst"
    echo
    echo "$BURST_ALERTS distinct alerts posted at c=32 (bench/burst); L1 must acknowledge within 4s; its webhook answers in 150 ms."
    echo "Hand-offs/s: tickets paged at L1 per second, from the first post to the last ticket's first L1 page."
    echo
    echo "| run | posted in s | L1 hand-offs/s | first L1 page before escalation | late pages | never paged at L1 | repeated L1 pages |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    n=0
    while IFS=$'\t' read -r _ posted rate pct late never repeats; do
      n=$((n + 1))
      printf '| %d | %s | %s | %s%% | %s | %s | %s |\n' "$n" "$posted" "$rate" "$pct" "$late" "$never" "$repeats"
    done <"$bursts"
    echo
    echo "Median L1 hand-offs/s $(median $(cut -f3 "$bursts")); lowest share paged before escalation $(cut -f4 "$bursts" | sort -g | head -1)%."
  fi
} | tee "$OUT/report.md"
