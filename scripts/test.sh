#!/usr/bin/env bash
# Install what the tests need (PostgreSQL server and Chromium from Debian) and run the whole suite:
# unit tests once, database tests on SQLite and on a private PostgreSQL server started here on loopback,
# then the browser tests once (headless Chromium against `encours serve` and `encours worker` on SQLite).
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"

source "$(dirname "$0")/postgres.sh"
start_postgres
[ -x /usr/bin/chromium ] || apt_install chromium

mkdir -p var/test-results
rm -f var/test-results/*.xml
status=0

echo "== unit tests (core, formats, demo generator)"
.venv/bin/python -m pytest tests/core tests/formats tests/demo -p no:cacheprovider \
    --junitxml=var/test-results/unit.xml "$@" || status=1
echo "== database tests on SQLite"
ENCOURS_DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" .venv/bin/python -m pytest tests/apps -p no:cacheprovider \
    --junitxml=var/test-results/sqlite.xml "$@" || status=1
echo "== database tests on PostgreSQL"
ENCOURS_DATABASE_URL="$ENCOURS_TEST_POSTGRES_URL" .venv/bin/python -m pytest tests/apps -p no:cacheprovider \
    --junitxml=var/test-results/postgresql.xml "$@" || status=1
echo "== browser tests"
ENCOURS_DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" .venv/bin/python -m pytest tests/browser -p no:cacheprovider \
    --junitxml=var/test-results/browser.xml "$@" || [ $? = 5 ] || status=1  # 5: -k or -m selected none of them
.venv/bin/python scripts/test_summary.py var/test-results/*.xml || status=1
exit $status
