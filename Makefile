# Nalgae (날개) — build, run and test. `make run` and `make test` are the
# README's quick start; both work on a fresh clone.

GO       ?= go
BIN      := bin/nalgae
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
ADDR     ?= 127.0.0.1:8080
DEMO_DB  ?= ./data/nalgae.db

.PHONY: all build build-go run test test-go test-frontend test-e2e lint bench clean spa dev fuzz

all: lint test build

## build: build the web app (frontend/dist) and the nalgae binary that embeds it
build: spa build-go

## build-go: compile bin/nalgae with whatever frontend/dist holds (a placeholder page without Node)
build-go:
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nalgae

# The SPA is rebuilt only when its sources or lock file change.
SPA_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.js frontend/package.json -type f 2>/dev/null)

frontend/node_modules/.installed: frontend/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20.19 or newer (with npm) is needed to build the web app; see README"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(SPA_SOURCES)
	cd frontend && npm run build

## spa: build the single-page app into frontend/dist
spa: frontend/dist/index.html

## dev: the Vite dev server on :5173, proxying /api to a server on 127.0.0.1:8080
dev: frontend/node_modules/.installed
	cd frontend && npm run dev

## run: build, load the demo program into SQLite and serve it at http://$(ADDR)
run: build
	DATABASE_URL=$(DEMO_DB) ./$(BIN) seed --demo
	DATABASE_URL=$(DEMO_DB) ./$(BIN) serve --addr $(ADDR)

## test: every test — Go (models, API, CLI), the web app's unit tests, the API contract and the browser tests
test: test-go test-frontend test-api-contract test-e2e

## test-go: every Go test on SQLite; then again on PostgreSQL when TEST_DATABASE_URL is set
##   (postgres://user@host:port/db where that user may create schemas; each test gets a
##   schema of its own, dropped after it)
test-go:
	@$(call go_test_on,sqlite)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== Go tests again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(call go_test_on,postgres); \
	else \
		echo "(TEST_DATABASE_URL is not set: the PostgreSQL run is skipped; .ci/run starts a server for it)"; \
	fi

# go_test_on runs every Go test on one database. A failing package prints its
# whole log, thousands of lines, and CI keeps only the end of it: so the failed
# tests and their first lines are printed again last.
define go_test_on
start=$$(date +%s); log=$$(mktemp); \
{ NALGAE_TEST_DIALECT=$(1) $(GO) test -count=1 -timeout 30m ./... 2>&1; echo $$? > "$$log.rc"; } | tee "$$log"; \
rc=$$(cat "$$log.rc"); \
if [ "$$rc" != 0 ]; then \
	echo "== Go tests on $(1) failed; the failures again:"; \
	grep -E -e '^ *--- FAIL' -e '^ +[A-Za-z0-9_]+\.go:[0-9]+: ' -e '^panic: ' -e '^FAIL' "$$log" | tail -n 80; \
fi; \
rm -f "$$log" "$$log.rc"; \
[ "$$rc" = 0 ] || exit 1; \
echo "Go tests on $(1) took $$(( $$(date +%s) - start )) s"
endef

## test-postgres: the Go suite on SQLite and on a throwaway PostgreSQL server (Debian's postgresql)
.PHONY: test-postgres
test-postgres:
	.ci/with-postgres $(MAKE) test-go

test-frontend: frontend/node_modules/.installed
	cd frontend && npm test

## test-api-contract: the OpenAPI document bin/nalgae serves passes `redocly lint` (redocly.yaml;
##   no error, no warning), and a client generated from it by openapi-typescript type-checks
##   and runs frontend/contract/usage.ts (login, team KPIs, the report) against the demo data
.PHONY: test-api-contract
test-api-contract: build
	cd frontend && NALGAE_BIN=$(CURDIR)/$(BIN) npm run contract

## test-e2e: browser tests (playwright-core + Debian's chromium) against bin/nalgae on a demo SQLite file
test-e2e: build
	cd frontend && NALGAE_BIN=$(CURDIR)/$(BIN) npm run e2e

## lint: gofmt check and go vet
lint:
	@unformatted=$$(gofmt -l cmd api models frontend); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## fuzz: search each file-parser fuzz target for 30 s (make test runs their seeds);
## new inputs are minimised for at most 1 s, not the default minute, so that a
## worker does not spend the whole run shrinking one XLSX
FUZZTIME ?= 30s
fuzz:
	@for target in $$($(GO) test ./models/imports -list '^Fuzz' | grep '^Fuzz'); do \
		echo "== $$target"; \
		$(GO) test ./models/imports -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1s || exit 1; \
	done

## audit: known vulnerabilities in the Go modules the code calls (govulncheck) and in the
## web app's runtime packages (npm audit). Both read online databases (vuln.go.dev, the
## npm registry), so CI does not run it: run it where there is internet access.
GOVULNCHECK ?= golang.org/x/vuln/cmd/govulncheck@v1.9.0
.PHONY: audit
audit:
	@status=0; \
	echo "== govulncheck"; $(GO) run $(GOVULNCHECK) ./... || status=1; \
	echo "== npm audit (runtime packages)"; (cd frontend && npm audit --omit=dev) || status=1; \
	exit $$status

## bench: issue 6's figures against the real binary on `nalgae seed --scale $(BENCH_TEAMS)`
##   ("BENCH <name> <value> <unit>" lines; PostgreSQL too when BENCH_DATABASE_URL is set;
##   seeds are cached in .bench/). BENCH_FLAGS passes more flags, e.g. -strict.
BENCH_TEAMS ?= 1000
BENCH_FLAGS ?=
bench: build-go
	CGO_ENABLED=1 $(GO) build -trimpath -o bin/nalgae-bench ./cmd/nalgae-bench
	./bin/nalgae-bench -teams $(BENCH_TEAMS) -bin $(BIN) -data .bench $(BENCH_FLAGS)

## bench-postgres: `make bench` on SQLite and on a throwaway PostgreSQL server with durable
##   settings (fsync, synchronous_commit and full_page_writes on; .ci/with-postgres PG_DURABLE=1)
.PHONY: bench-postgres
bench-postgres:
	PG_DURABLE=1 .ci/with-postgres sh -c 'BENCH_DATABASE_URL=$$TEST_DATABASE_URL $(MAKE) bench BENCH_TEAMS=$(BENCH_TEAMS) BENCH_FLAGS="$(BENCH_FLAGS)"'

## bench-go: the Go micro-benchmarks of models (report and team KPIs on 200 teams, in-process)
.PHONY: bench-go
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee /dev/stderr | grep '^BENCH' || true

clean:
	rm -rf bin
