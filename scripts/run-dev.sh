#!/usr/bin/env bash
# `make run`: the development server and one background worker, started together; Ctrl-C stops both.
# Usage: scripts/run-dev.sh HOST:PORT (the environment comes from the Makefile: DEBUG=1).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-.venv/bin/python}
ADDRESS=${1:-127.0.0.1:8000}

# On exit, whatever the cause (Ctrl-C, the server stopping, an error), stop everything this script started.
trap 'trap - EXIT INT TERM; kill 0 2>/dev/null || true' EXIT INT TERM

# The worker runs the tasks (emails, PDFs) in the background and restarts when the code changes.
"$PYTHON" manage.py run_worker --reload &
"$PYTHON" manage.py runserver "$ADDRESS"
