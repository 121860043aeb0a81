# The two set-up commands are `make demo` and `make test`; each installs what it needs.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV = $(shell command -v uv || echo $(HOME)/.local/bin/uv)

.PHONY: demo test setup system-deps lint bench ui clean

demo: setup ## run the main job on the embedded local profile
	$(UV) run --frozen ai4ci demo

test: setup system-deps ## the whole suite, Ceph integration tests included
	$(UV) run --frozen ruff check .
	$(UV) run --frozen pytest

setup: ## uv and the virtualenv from uv.lock
	bash deploy/local/bootstrap.sh python

system-deps: ## Debian packages for the real services the tests start (Ceph)
	bash deploy/local/bootstrap.sh ceph

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

bench: setup system-deps ## benchmarks; each prints JSON
	$(UV) run --frozen python bench/lake_io.py
	$(UV) run --frozen python bench/sim_generate.py

ui: setup
	$(UV) run --frozen ai4ci ui

clean: ## remove local state (the lake, catalogs, Dagster runs)
	rm -rf .ai4ci
