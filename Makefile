# Yanxiu: `make run` starts a demo server, `make test` runs every test.
# Both install what they need on a fresh machine (npm packages, and for the
# browser tests Debian's chromium) and skip what is already there.

GO       ?= go
BIN      := bin/yanxiu
DATA     ?= ./data
ADDR     ?= 127.0.0.1:8080
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)

.PHONY: all build run test test-short vendor browser-deps doc-deps bench demo-district clean fmt vet

all: build

# Front-end packages come from npm and are copied next to the embedded files.
vendor:
	@bash internal/web/static/vendor.sh

build: vendor
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/yanxiu

run: build doc-deps
	$(BIN) serve --addr $(ADDR) --data $(DATA) --demo

# Headless Chromium for the end-to-end tests, from Debian's packages.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# pdftotext reads the text of uploaded PDFs for search, and pdftoppm renders
# their first page as a thumbnail (both from Debian's poppler-utils).
doc-deps:
	@command -v pdftotext >/dev/null 2>&1 || { \
		echo "installing Debian's poppler-utils (pdftotext) for PDF search"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } || \
		echo "could not install poppler-utils: PDFs will be found by title and description, not by their text"; }

# Every test: unit, storage (SQLite, and PostgreSQL when YANXIU_TEST_POSTGRES
# holds a URL), HTTP and browser end-to-end.
test: vendor browser-deps doc-deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

# Unit tests only, without the browser.
test-short:
	$(GO) test -short -count=1 ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

# Benchmarks on district-scale data (see docs/PERFORMANCE.md).
BENCH_DATA ?= /tmp/yanxiu-bench
bench: build
	$(GO) run ./cmd/yanxiu-bench --bin $(BIN) --data $(BENCH_DATA)

clean:
	rm -rf bin
