# Vigie's tasks. The two to know: `make run` (try the app on the demo documents) and
# `make test` (everything CI checks). `make help` lists them all.
#
# `build` compiles the CLI and the app in one `cargo build --release --workspace --bins`, so
# they share one compilation of the core and its dependencies (built separately, `-p vigie`
# and `-p vigie-app` enable different dependency features and compile much of it twice);
# the end-to-end tests reuse those binaries. `demo` and `serve` need the CLI only. Then
# `vigie` alone is linked again as a static PIE (`cargo rustc`: the flag reaches that one link,
# not the dependencies, nor vigie-full, which opens libxml2 at run time, nor the app): with
# no shared library to load, each `vigie render` process starts ~0.35 ms sooner (BENCHMARKS.md,
# "Rendering"), and address randomisation is kept.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

CARGO ?= cargo
NPM ?= npm
PYTHON ?= python3
DEMO := assets/demo
VIGIE := $(CURDIR)/target/release/vigie
APP := $(CURDIR)/target/release/vigie-app
# A header before each step of a long run (`make test`), with the time of day.
section = @printf '\n=== %s (%s) ===\n' '$(1)' "$$(date +%T)"
# tauri-driver lands in cargo's bin folder, which a fresh shell may not have on its PATH.
export PATH := $(PATH):$(or $(CARGO_HOME),$(HOME)/.cargo)/bin

.PHONY: help setup ui build cli-smoke demo app run serve check fmt test test-core test-ui e2e desktop-test clean

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z0-9-]+:.*## / { printf "  make %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

setup: ## Install system packages, tauri-driver and the UI's npm packages (Debian/Ubuntu; idempotent)
	$(call section,setup: system packages + tauri-driver + npm packages)
	bash scripts/setup-debian.sh

# Reinstalled only when the lock file changed (npm writes node_modules/.package-lock.json).
ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && $(NPM) ci --no-audit --no-fund

ui: ui/node_modules/.package-lock.json ## Build the web UI into ui/dist (embedded by both binaries)
	$(call section,ui: vite build)
	cd ui && $(NPM) run build

build: ui ## Build the CLI and the desktop app in release mode (target/release/{vigie,vigie-full,vigie-app})
	$(call section,build: cargo build --release (vigie + vigie-full + vigie-app))
	$(CARGO) build --release --workspace --bins
	$(call section,build: vigie linked statically)
	$(CARGO) rustc --release --bin vigie -- -C target-feature=+crt-static

cli-smoke: build ## The release CLI as a person runs it: vigie reads and renders, and hands check over to vigie-full
	$(call section,cli-smoke: the release vigie and vigie-full)
	bash tests/cli-smoke.sh $(VIGIE)

demo: ui ## Write the synthetic demo documents into assets/demo
	$(CARGO) run --release --bin vigie-full -- demo $(DEMO)

app: ui ## Build the desktop app (target/release/vigie-app)
	$(CARGO) build --release -p vigie-app

run: setup build ## Set up, build, and open the desktop app on the demo documents
	$(VIGIE) demo $(DEMO)
	$(APP) $(DEMO)

serve: demo ## Serve the web UI on the demo documents and open it in the browser
	$(VIGIE) serve $(DEMO) --open

fmt: ## Format the Rust code
	$(CARGO) fmt --all

check: ui ## Lint: rustfmt, clippy (whole workspace, warnings are errors), svelte-check
	$(call section,check: rustfmt + clippy + svelte-check)
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && $(NPM) run check

test-core: ## Rust tests of the core (nextest when installed), and the terminology tables' freshness
	$(call section,test-core: Rust tests + terminology tables)
	if $(CARGO) nextest --version >/dev/null 2>&1; then \
	  $(CARGO) nextest run --no-fail-fast && $(CARGO) test --doc; \
	else \
	  $(CARGO) test --no-fail-fast; \
	fi
	$(PYTHON) scripts/gen_terminology.py --check

test-ui: ui/node_modules/.package-lock.json ## Unit tests of the web UI (vitest)
	$(call section,test-ui: vitest)
	cd ui && $(NPM) test

e2e: build ## End-to-end tests of the web UI in Chromium, against `vigie serve`
	$(call section,e2e: Playwright against vigie serve)
	cd ui && VIGIE_BIN=$(VIGIE) $(NPM) run e2e

desktop-test: app ## The app's unit tests, then a smoke test of the real app (tauri-driver + WebKitWebDriver under Xvfb)
	$(call section,desktop-test: the app under tauri-driver and Xvfb)
	$(CARGO) test --release -p vigie-app
	xvfb-run -a -s '-screen 0 1600x1000x24' node tests/desktop/smoke.mjs

test: setup check test-core test-ui cli-smoke e2e desktop-test ## Everything CI runs: setup, lints, unit and end-to-end tests

clean: ## Remove build outputs (target/, ui/dist, the demo documents)
	$(CARGO) clean
	rm -rf ui/dist $(DEMO)
