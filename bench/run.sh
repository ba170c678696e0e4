#!/usr/bin/env bash
# Run the benchmarks at the sizes of the issue on SQLite and PostgreSQL: bash bench/run.sh [--customers N --items M]
# Results are printed as JSON lines and appended to bench/results.jsonl; copy the figures to bench/RESULTS.md.
# With ENCOURS_TEST_POSTGRES_URL set, its server is used instead of a private one (whose data go with it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
export ENCOURS_TEST_PG_PORT=${ENCOURS_TEST_PG_PORT:-54339} ENCOURS_TEST_PG_DIR=/tmp/encours-bench-pg
export ENCOURS_TEST_PG_OPTIONS="-c shared_buffers=1GB -c work_mem=64MB -c max_wal_size=4GB"
source scripts/postgres.sh
start_postgres
command -v wrk >/dev/null || apt_install wrk  # the HTTP load generator of order_check_bench.py
for engine in sqlite postgresql; do
    .venv/bin/python bench/ageing_bench.py --engine "$engine" "$@" | tee -a bench/results.jsonl
    .venv/bin/python bench/import_bench.py --engine "$engine" "$@" | tee -a bench/results.jsonl
    .venv/bin/python bench/pages_bench.py --engine "$engine" "$@" | tee -a bench/results.jsonl
    .venv/bin/python bench/dunning_bench.py --engine "$engine" | tee -a bench/results.jsonl  # its own sizes
    .venv/bin/python bench/letters_bench.py --engine "$engine" | tee -a bench/results.jsonl  # its own sizes
    .venv/bin/python bench/order_check_bench.py --engine "$engine" "$@" | tee -a bench/results.jsonl
    .venv/bin/python bench/order_check_bench.py --engine "$engine" --server gunicorn "$@" | tee -a bench/results.jsonl
done
.venv/bin/python -c 'from bench.common import machine; print("machine:", machine())'
