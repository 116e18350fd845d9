# The two commands of the README's quick start are `make run` and `make test`; both set up .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest workers for `make test`: one per core (auto), or 0 for the whole suite in one process.
TEST_WORKERS ?= auto

.PHONY: run test test-fast lint format css bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (sign in with a demo account above; password dscb-demo-2015)"
	@echo "A background worker runs beside the server; Ctrl-C stops both."
	DEBUG=1 PYTHON=$(BIN)/python bash scripts/run-dev.sh $(HOST):$(PORT)

# The whole suite. Browser tests need Chromium (apt-get install chromium) and, for the HTML checker,
# Java and the npm packages; without Chromium they are skipped with a message, except when CI=true.
test: $(STAMP)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory node_modules/.package-lock.json; fi
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# pre-commit runs the hooks of .pre-commit-config.yaml: django-upgrade, ruff check, ruff format and djhtml.
lint: $(STAMP)
	$(BIN)/pre-commit run --all-files --show-diff-on-failure
	$(BIN)/bandit -c pyproject.toml -q -r dscb accounts subgroups plans priorities kpis meetings risks audits selfassessment progress planfile yearend reports assurance annualreport -x tests
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=lint-check-a-long-random-secret-key-value-0123456789abcdefghij \
		ALLOWED_HOSTS=plans.example.org DATABASE_URL=sqlite:///:memory: \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

format: $(STAMP)
	-git ls-files '*.py' | xargs $(BIN)/django-upgrade --target-version 5.2
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml templates

# The status colours (priorities.models.STATUS_KEY) into static/css/status-colours.css, then static/govuk/.
css: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py write_status_css
	bash scripts/build-css.sh

bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache staticfiles test-results
