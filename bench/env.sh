# The bench's settings: production settings (DEBUG off) on plain HTTP over loopback, on the bench's own
# PostgreSQL database. Sourced by bench/run.sh; source it yourself to run one step by hand, for example
#   BENCH_KEEP_DB=1 make bench && . bench/env.sh && .venv/bin/python -m bench.pages --profile dashboard
# shellcheck shell=bash
BENCH_PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_DB=${BENCH_DB:-dscb_bench}
export DJANGO_SETTINGS_MODULE=dscb.settings
export DATABASE_URL="$BENCH_PG_URL/$BENCH_DB"
export SECRET_KEY=${BENCH_SECRET_KEY:-bench-only-secret-key-not-for-any-real-site-0123456789abcdefghij}
export DEBUG=0
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export SECURE_SSL_REDIRECT=0
export BEHIND_TLS_PROXY=0
export SECURE_HSTS_SECONDS=0
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# The bench draws the same PDFs many times over to time them; a person could not (REPORT_PDF_DRAWS_PER_PERSON).
export REPORT_PDF_DRAWS_PER_PERSON=${REPORT_PDF_DRAWS_PER_PERSON:-100000}
