# Nalgae (날개) — build, run and test. `make run` and `make test` are the
# README's quick start; both work on a fresh clone.

GO       ?= go
BIN      := bin/nalgae
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
ADDR     ?= 127.0.0.1:8080
DEMO_DB  ?= ./data/nalgae.db

.PHONY: all build run test lint bench clean

all: lint test build

## build: compile the nalgae binary into bin/nalgae
build:
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nalgae

## run: build, load the demo program into SQLite and serve it at http://$(ADDR)
run: build
	DATABASE_URL=$(DEMO_DB) ./$(BIN) seed --demo
	DATABASE_URL=$(DEMO_DB) ./$(BIN) serve --addr $(ADDR)

## test: every test (Go: models, API, CLI)
test:
	$(GO) test -count=1 ./...

## lint: gofmt check and go vet
lint:
	@unformatted=$$(gofmt -l cmd api models frontend); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## bench: benchmarks; each prints lines "BENCH <name> <value> <unit>"
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee /dev/stderr | grep '^BENCH' || true

clean:
	rm -rf bin
