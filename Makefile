# The two commands a fresh machine needs are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: demo test lint messages browser venv clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

messages: venv
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q gettext >/dev/null; } || true
	cd tessera && ../$(PY) ../manage.py compilemessages --verbosity 0

browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -q >/dev/null; apt-get install -y -q chromium >/dev/null); } || \
		echo "Chromium is not installed: browser journeys will be skipped."

demo: messages
	TESSERA_DEBUG=1 $(PY) manage.py migrate --verbosity 0
	TESSERA_DEBUG=1 $(PY) manage.py seed_demo
	TESSERA_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# --dist worksteal: each worker starts with half of the tests in order, and a worker that
# runs out takes half of what the other has left, down to the last test; xdist's default
# (load) hands out chunks it cannot take back, and one worker ran the browser journeys
# alone for minutes at the end while the other waited (decision 0056).
test: messages browser
	$(PY) -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) db.sqlite3 tessera/locale/*/LC_MESSAGES/*.mo
