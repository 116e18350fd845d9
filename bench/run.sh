#!/usr/bin/env bash
# make bench: page timings and query counts at demo and large size (the PDF drawn by the worker among them), then a
# load run against gunicorn with a background worker, all on a PostgreSQL database of the bench's own (created
# here, dropped at the end; BENCH_KEEP_DB=1 keeps it).
# Writes .bench/results.json. Run from the project folder: bash bench/run.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

PY=.venv/bin/python
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-30}
STARTED=$SECONDS
# shellcheck source=bench/env.sh
. bench/env.sh
PG_URL=$BENCH_PG_URL
DB=$BENCH_DB

step() {
    printf '\n==> [%4ss] %s\n' "$((SECONDS - STARTED))" "$*"
}

psql_admin() {
    psql "$PG_URL/postgres" -v ON_ERROR_STOP=1 -q "$@"
}

GUNICORN_PID=""
WORKER_PID=""
stop() {
    local pid=$1
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    fi
}
cleanup() {
    local status=$?
    stop "$GUNICORN_PID"
    stop "$WORKER_PID"
    if [ "${BENCH_KEEP_DB:-0}" != "1" ]; then
        psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Machine"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores)"
free -h | sed -n 2p
echo "PostgreSQL: $(psql "$PG_URL/postgres" -Atc 'SHOW server_version')"
echo "Python: $($PY -c 'import sys; print(sys.version.split()[0])')"
echo "Code: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo ' with uncommitted changes')"
echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg) (anything above 0 is other work sharing the cores)"

step "Fresh database $DB"
psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
mkdir -p .bench
rm -f .bench/results.json

step "Migrate, collect static files, load the demo plan"
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py load_demo --force >.bench/load_demo.log

step "Pages at demo and large size (in-process, test client)"
$PY -m bench.pages

step "Load run: gunicorn with 2 workers, and one background worker (which draws the PDFs)"
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The app's own log (sign-ins, 409 conflicts) goes to the file, not between the figures.
.venv/bin/gunicorn dscb.wsgi --workers 2 --bind "127.0.0.1:$PORT" --log-level warning \
    >.bench/gunicorn.log 2>&1 &
GUNICORN_PID=$!
# As `make run` and production run it: the saves of the load run have the PDFs redrawn, and a PDF download
# that finds none kept (202, being prepared) has it drawn.
$PY manage.py run_worker --no-reload >.bench/worker.log 2>&1 &
WORKER_PID=$!
$PY -m bench.load --url "http://127.0.0.1:$PORT" --seconds "$LOAD_SECONDS" --server-pid "$GUNICORN_PID" \
    --worker-pid "$WORKER_PID"

step "Done: .bench/results.json"
