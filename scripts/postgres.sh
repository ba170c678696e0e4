# Sourced by test.sh and bench/run.sh. `start_postgres` installs Debian's PostgreSQL server if it is missing,
# starts a private cluster on 127.0.0.1:$PG_PORT (stopped when the calling script exits) and exports
# ENCOURS_TEST_POSTGRES_URL. With ENCOURS_TEST_POSTGRES_URL already set, it uses that server instead.
PG_PORT=${ENCOURS_TEST_PG_PORT:-54329}
PG_DIR=${ENCOURS_TEST_PG_DIR:-/tmp/encours-test-pg}
PG_OPTIONS=${ENCOURS_TEST_PG_OPTIONS-"-c fsync=off -c synchronous_commit=off"}

pg_as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_postgres() { pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; }

start_postgres() {
    if [ -n "${ENCOURS_TEST_POSTGRES_URL:-}" ]; then return 0; fi
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
        apt_install postgresql
        PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then stop_postgres; fi
    rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 $PG_OPTIONS" start >/dev/null
    trap stop_postgres EXIT
    export ENCOURS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/encours"
}
