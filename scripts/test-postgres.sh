#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `start` creates a cluster in a temporary directory (initdb,
# trust authentication for the test user, listening on loopback only, on a free port) and prints its URL;
# `url` prints the URL of the running one; `stop` stops it and deletes the directory.
# The tests run it themselves unless BOOKVOX_TEST_PG_URL names a server (Tests/BookvoxTests/TestPostgresServer.swift).
# initdb refuses to run as root: as root the cluster is created and run as the `postgres` user that Debian's
# postgresql package adds (or `nobody` without it) through runuser.
set -euo pipefail

STATE="${BOOKVOX_TEST_PG_DIR:-${TMPDIR:-/tmp}/bookvox-test-pg-$(id -u)}"
DB=bookvox_test
USER_NAME=bookvox

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
  echo "test-postgres: no initdb found; install Debian's postgresql package (scripts/install-deps.sh)." >&2
  exit 1
}

# Runs a command as the cluster's owner (as root: the postgres user; otherwise: the caller).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    local owner=postgres
    getent passwd postgres >/dev/null || owner=nobody
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

url() {
  [ -f "$STATE/port" ] || { echo "test-postgres: no server started (run: $0 start)" >&2; exit 1; }
  echo "postgres://$USER_NAME@127.0.0.1:$(cat "$STATE/port")/$DB"
}

# Closes every descriptor above 2 that this script inherited, so the server started below does not hold the
# caller's pipes or sockets open (a caller waiting for them to close would wait for as long as the server runs).
close_inherited() {
  local fd
  for fd in /proc/$$/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local bin; bin="$(bindir)"
  close_inherited
  if [ -f "$STATE/port" ] && as_owner "$bin/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; then url; return; fi
  rm -rf "$STATE"
  mkdir -p "$STATE"
  [ "$(id -u)" -eq 0 ] && chown "$(getent passwd postgres >/dev/null && echo postgres || echo nobody)" "$STATE"
  as_owner "$bin/initdb" -D "$STATE/data" -U "$USER_NAME" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 \
    || { cat "$STATE/initdb.log" >&2; exit 1; }
  local port tries=0
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    tries=$((tries + 1))
    port_free "$port" || continue
    # Loopback TCP only; the unix socket lives in the cluster's own directory.
    if as_owner "$bin/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $STATE -c fsync=off -c max_connections=50" start >/dev/null 2>&1; then
      break
    fi
    [ "$tries" -ge 5 ] && { echo "test-postgres: the server did not start:" >&2; tail -20 "$STATE/server.log" >&2; exit 1; }
  done
  echo "$port" >"$STATE/port"
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$USER_NAME" "$DB"
  url
}

stop() {
  [ -d "$STATE/data" ] || return 0
  local bin; bin="$(bindir)"
  as_owner "$bin/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
