#!/usr/bin/env bash
# Install what the tests need (PostgreSQL server from Debian) and run the whole suite:
# unit tests once, database tests on SQLite and on a private PostgreSQL server started here on loopback.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"

PG_PORT=${ENCOURS_TEST_PG_PORT:-54329}
PG_DIR=${ENCOURS_TEST_PG_DIR:-/tmp/encours-test-pg}
start_postgres() {
    if [ -n "${ENCOURS_TEST_POSTGRES_URL:-}" ]; then return 0; fi
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        apt_install postgresql postgresql-contrib
        bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    local run=(); if [ "$(id -u)" = 0 ]; then run=(runuser -u postgres --); fi
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || true; fi
    rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
    "${run[@]}" "$bindir/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
    "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
        "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
    trap 'runuser -u postgres -- "'"$bindir"'/pg_ctl" -D "'"$PG_DIR"'/data" -m fast stop >/dev/null 2>&1 || "'"$bindir"'/pg_ctl" -D "'"$PG_DIR"'/data" -m fast stop >/dev/null 2>&1 || true' EXIT
    export ENCOURS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/encours"
}
start_postgres

mkdir -p var/test-results
rm -f var/test-results/*.xml
status=0
export ENCOURS_DEBUG=true
echo "== unit tests (core, formats, demo generator)"
.venv/bin/python -m pytest tests/core tests/formats tests/demo -p no:cacheprovider \
    --junitxml=var/test-results/unit.xml "$@" || status=1
echo "== database tests on SQLite"
ENCOURS_DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" .venv/bin/python -m pytest tests/apps -p no:cacheprovider \
    --junitxml=var/test-results/sqlite.xml "$@" || status=1
echo "== database tests on PostgreSQL"
ENCOURS_DATABASE_URL="$ENCOURS_TEST_POSTGRES_URL" .venv/bin/python -m pytest tests/apps -p no:cacheprovider \
    --junitxml=var/test-results/postgresql.xml "$@" || status=1
.venv/bin/python scripts/test_summary.py var/test-results/*.xml || status=1
exit $status
