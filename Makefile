# One task list for people and CI. `make serve` and `make test` set everything up first.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.requirements-installed
HOST    ?= 127.0.0.1:8000
RASA_VENV ?= .venv-rasa
# The Rasa Pro release the site states (inventory.yml: rasa.version) is the one the proof installs.
RASA_VERSION = $(shell sed -n 's/^  version: *"\{0,1\}\([0-9][0-9.]*\)"\{0,1\} *$$/\1/p' inventory.yml | head -n 1)
export NO_MKDOCS_2_WARNING := 1

.PHONY: bench readme-images help setup system-deps serve generate check build build-zensical publish test test-fast verify rasa-venv goldens typecheck lint format schema freeze clean

help:
	@echo "make serve     set up (first run) and serve the site on http://$(HOST) with live reload"
	@echo "make test      set up (first run) and run every test"
	@echo "make test-fast the edit loop: lint, types and every test but the browser and slow ones"
	@echo "make verify    the proof that the files run: Rasa Pro's code, real services, the real chart"
	@echo "make goldens   rewrite the golden outputs and error texts after an intended change"
	@echo "make check     validate inventory.yml"
	@echo "make generate  regenerate docs/generated/ from inventory.yml"
	@echo "make build     generate, then mkdocs build --strict into site/"
	@echo "make build-zensical  generate, then build the same site with Zensical into site/"
	@echo "make publish   mkdocs gh-deploy"
	@echo "make lint      ruff check and format check"
	@echo "make schema    re-export schema/inventory.schema.json from the models"

$(STAMP): requirements.txt
	scripts/install-system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

system-deps:
	scripts/install-system-deps.sh graphviz

setup: $(STAMP) system-deps

serve: setup
	$(VENV)/bin/mkdocs serve --livereload --dev-addr $(HOST)

generate: setup
	$(PY) -m generator build

check: setup
	$(PY) -m generator check

build: setup
	$(PY) -m generator build
	RPA_GENERATE=0 $(VENV)/bin/mkdocs build --strict

# Zensical reads mkdocs.yml but runs no MkDocs hook: the generator runs first, as in `build`.
build-zensical: setup
	$(PY) -m generator build
	$(PY) -m zensical build --strict

publish: build
	$(VENV)/bin/mkdocs gh-deploy --force

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

test: setup rasa-venv
	scripts/install-system-deps.sh graphviz chromium node proof
	$(MAKE) node_modules/.installed
	$(MAKE) lint typecheck
	$(PY) -m pytest

test-fast: setup
	$(MAKE) lint typecheck
	$(PY) -m pytest -m "not browser and not slow and not proof" -q

verify: setup rasa-venv
	scripts/install-system-deps.sh proof
	$(PY) -m pytest tests/proof -q

rasa-venv:
	scripts/rasa-venv.sh $(RASA_VENV) $(RASA_VERSION)

goldens: setup
	$(PY) -m pytest tests/test_golden.py tests/test_validation.py --update-goldens -q
	git status --short tests/inventories

typecheck: setup
	$(VENV)/bin/mypy

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schema: setup
	$(PY) -m generator schema

freeze: setup
	$(PY) -m pip freeze

clean:
	rm -rf site docs/generated .cache test-artifacts

readme-images: generate
	cp docs/generated/diagrams/overview.png assets/readme/overview.png
	cp test-artifacts/screenshots/overview-light.png assets/readme/screenshot-light.png
	cp test-artifacts/screenshots/configurator-values.png assets/readme/configurator-values.png
	cp test-artifacts/screenshots/viewer.png assets/readme/viewer.png
	cp test-artifacts/screenshots/phone.png assets/readme/phone.png

bench: setup
	$(PY) scripts/benchmark.py
