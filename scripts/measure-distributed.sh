#!/usr/bin/env bash
# Throughput of distributed rendering on this machine: segments per minute with 1, 2 and 3 espeak workers
# on one submitted book, and the lease-expiry recovery time after a worker is killed with -9 (from the kill to
# its leased segment being committed by another worker). Needs a PostgreSQL store: BOOKVOX_STORE=postgres://…
# Usage: scripts/measure-distributed.sh BOOK [BOOKVOX_BINARY] [LEASE_SECONDS]
set -euo pipefail
BOOK="$1"; BIN="${2:-bookvox}"; LEASE="${3:-5}"
: "${BOOKVOX_STORE:?set BOOKVOX_STORE to a PostgreSQL URL}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
psqlc() { psql "$BOOKVOX_STORE" -Atc "$1"; }
for n in 1 2 3; do
  key="measure-$n-$$"
  "$BIN" submit "$BOOK" --engine espeak --name "$key" >/dev/null
  total=$(psqlc "SELECT count(*) FROM segments s JOIN books b ON b.id = s.book_id WHERE b.key = '$key'")
  start=$(date +%s.%N); pids=()
  for i in $(seq "$n"); do
    "$BIN" worker --until-idle --lease-seconds "$LEASE" --work-dir "$WORK/$key-$i" 2>"$WORK/$key-$i.log" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  python3 -c "t=$end-$start; print(f'$n worker(s): $total segments in {t:.1f} s = {$total/t*60:.0f} segments/min')"
  psqlc "DELETE FROM books WHERE key = '$key'" >/dev/null
done
# Recovery: two workers; kill -9 the first while it holds a lease; time until that segment is committed.
key="recovery-$$"
"$BIN" submit "$BOOK" --engine espeak --name "$key" >/dev/null
"$BIN" worker --lease-seconds "$LEASE" --work-dir "$WORK/r1" 2>/dev/null & victim=$!
"$BIN" worker --lease-seconds "$LEASE" --work-dir "$WORK/r2" 2>/dev/null & other=$!
while :; do
  leased=$(psqlc "SELECT s.key FROM segments s JOIN books b ON b.id = s.book_id WHERE b.key = '$key' AND s.state = 'pending'
                  AND s.lease_owner LIKE '%-$victim-%' AND s.lease_expires > now() LIMIT 1")
  [ -n "$leased" ] && break; sleep 0.05
done
kill -9 "$victim"; killed=$(date +%s.%N)
until [ "$(psqlc "SELECT s.state FROM segments s JOIN books b ON b.id = s.book_id WHERE b.key = '$key' AND s.key = '$leased'")" = rendered ]; do
  sleep 0.05
done
done_at=$(date +%s.%N)
python3 -c "print(f'recovery after kill -9 (lease $LEASE s): segment $leased committed by another worker {$done_at-$killed:.1f} s after the kill')"
kill -TERM "$other"; wait "$other" || true
psqlc "DELETE FROM books WHERE key = '$key'" >/dev/null
