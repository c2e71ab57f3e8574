# cfverify: the commands a newcomer and CI need.
#   make demo             the five operations against the built-in mock (no credentials, no network)
#   make test             all tests (unit, contract, examples)
#   make generate         regenerate verification/types.gen.go, internal/rawclient and internal/mockapi from the spec, docs/cli from the commands
#   make check-generated  fail if generated code, go.mod or go.sum are stale
#   make lint             go vet and staticcheck
#   make mock             a local mock of the API on 127.0.0.1:8080, for other languages' tests
#   make fuzz-short       each fuzz target for a fixed number of inputs (FUZZTIME overrides)
#   make live             the live contract test against the API your environment names
#   make live-mock        the same test against a standalone `cfverify mock`
#   make record           refresh recorded fixtures from live answers (PII masked)
#   make reliability      the full reliability and security suite, with its report
#   make lint-spec        Redocly (recommended, warnings as errors) and Spectral (spectral:oas) lint of the spec
#   make ts-check         TypeScript types from the spec (openapi-typescript, @hey-api/openapi-ts), compiled with tsc
#   make spec-peers       the cross-validator gate: kin-openapi, AJV, openapi-enforcer, Prism proxy, Python validators
#   make breaking         oasdiff: breaking changes against the released baseline
#   make api-check        apidiff: incompatible Go API changes against the baseline (API_BASE=<ref> for another)
#   make api-selftest     proves api-check fails on a removed exported identifier
#   make api-count        exported identifiers per public package
#   make downstream       a downstream module generates its own code from the spec
#   make bench            the benchmarks: bench/paired.txt (paired ratios), bench/results.txt and bench/benchstat.txt
#   make bench-smoke      every benchmark once (-benchtime=1x): they compile and run
#   make bench-peers      the mock beside Prism, five operations: the table in BENCHMARKS.md
#   make bench-peers-smoke the same, short, figures not kept (CI)
#   make actionlint       lint the GitHub Actions recipe in examples/ci
#   make node-example     examples/node's tests through cfverify proxy in front of cfverify mock
#   make bench-proxy      the proxy's added latency and throughput against direct calls to the mock
#   make record-hars      re-record the HAR fixtures (Playwright + chromium, mitmproxy) from the mock; not CI
#   make ts-example       examples/typescript (openapi-typescript + openapi-fetch) through cfverify proxy --strict
#   make release-check    goreleaser check of .goreleaser.yaml
#   make release-snapshot a snapshot build of the CLI for linux, darwin, windows × amd64, arm64 into dist/

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# v1.9.0 needs a golang.org/x/telemetry version the Go proxy does not serve.
GOVULNCHECK ?= golang.org/x/vuln/cmd/govulncheck@v1.8.0
# v1.34+ need a module version the Go proxy no longer serves.
OASDIFF     ?= github.com/oasdiff/oasdiff@v1.33.0
BENCHSTAT   ?= golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
ACTIONLINT  ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
BENCH_COUNT ?= 6
BENCH_TIME  ?= 500ms
SPEC        := openapi/verification.yaml
SPEC_TOOLS  := tools/spec

.PHONY: test generate check-generated lint vulncheck contract live live-mock record fuzz-short reliability lint-spec ts-check breaking downstream spec-peers spec-checks demo mock bench bench-smoke bench-peers bench-peers-smoke actionlint node-example bench-proxy api-check api-selftest api-count record-hars ts-example release-check release-snapshot

test:
	$(GO) test -count=1 ./...

demo:
	$(GO) run ./cmd/cfverify demo

mock:
	$(GO) run ./cmd/cfverify mock --addr 127.0.0.1:8080

contract:
	$(GO) test -count=1 -v ./contract_test/...

# Needs CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET (and CASHFREE_BASE_URL or
# CASHFREE_ENV, CASHFREE_ACCESS_TOKEN, CFVERIFY_LIVE_*); skips with one line
# saying what to set when they are missing. docs/development.md, "Live mode".
live:
	$(GO) test -count=1 -run '^TestLive$$' -v ./contract_test

live-mock:
	bash scripts/live-against-mock.sh

# Set CFVERIFY_MASK_KEY to keep stand-ins stable across recordings.
record:
	CFVERIFY_RECORD=1 $(GO) test -count=1 -run '^TestLive$$' -v ./contract_test

# go test -fuzz takes one target at a time. New failing inputs are written
# to <package>/testdata/fuzz/<target>/: commit them, they become test cases.
#
# Each target runs a fixed number of inputs ("Nx"), not a duration: with a
# duration, Go 1.26's fuzz coordinator can fail a target at the deadline
# having found nothing (golang/go#75804, fixed in Go 1.27). A count has no
# deadline, so only a real finding fails. The counts take about 3-5 s per
# target on two cores; FUZZTIME=30s (or 100000x) overrides them all.
FUZZTIME ?=
fuzz = $(GO) test -run '^$$' -fuzz '^$(1)$$' -fuzztime=$(or $(FUZZTIME),$(3)) $(2)
fuzz-short:
	$(call fuzz,FuzzDecodeDataAvailability,./contract_test,20000x)
	$(call fuzz,FuzzDecodeUserDetails,./contract_test,20000x)
	$(call fuzz,FuzzDecodeDigiLockerStatus,./contract_test,20000x)
	$(call fuzz,FuzzDecodeConsentStatus,./contract_test,20000x)
	$(call fuzz,FuzzDecodeFinancialInformation,./contract_test,20000x)
	$(call fuzz,FuzzDecodeError,./contract_test,20000x)
	$(call fuzz,FuzzValidateResponse,./contract_test,20000x)
	$(call fuzz,FuzzDrift,./contract_test,20000x)
	$(call fuzz,FuzzDuplicateNames,./openapi,20000x)
	$(call fuzz,FuzzDecodeFast,./openapi,20000x)
	$(call fuzz,FuzzSplit,./internal/specmember,20000x)
	$(call fuzz,FuzzPlainDateTime,./openapi,20000x)
	$(call fuzz,FuzzResponsePath,./reliability,20000x)
	$(call fuzz,FuzzClientInput,./reliability,10000x)
	$(call fuzz,FuzzCLIArgs,./cmd/cfverify,8000x)
	$(call fuzz,FuzzWebhookVerify,./cmd/cfverify,1500x)
	$(call fuzz,FuzzVerify,./webhook,20000x)
	$(call fuzz,FuzzParse,./webhook,20000x)
	$(call fuzz,FuzzHandler,./webhook,20000x)

# The reliability and security suite in full (make test runs it short):
# thousands of calls through injected faults, slow and silent servers, bad
# and oversized bodies, redirects, transport rules, a leak scan, and the
# memory soak (mock behind proxy as processes, 300,000 requests: about four
# minutes; CFVERIFY_SOAK_REQUESTS changes the count). Prints the report, one
# JSON line per measurement, also kept in RELIABILITY_REPORT.
RELIABILITY_REPORT ?= $(or $(TMPDIR),/tmp)/cfverify-reliability.jsonl
reliability:
	@rm -f $(RELIABILITY_REPORT)
	CFVERIFY_RELIABILITY=full CFVERIFY_REPORT=$(RELIABILITY_REPORT) $(GO) test -count=1 -timeout 20m ./reliability
	CFVERIFY_RELIABILITY=full CFVERIFY_REPORT=$(RELIABILITY_REPORT) $(GO) test -count=1 -run 'TestVerbose_leakScan' ./cmd/cfverify
	@echo "== reliability report ($(RELIABILITY_REPORT))"
	@cat $(RELIABILITY_REPORT)

generate:
	$(GO) generate ./...

# Regenerates, then fails on any change to tracked files, any new untracked
# file, or a go.mod/go.sum that `go mod tidy` would change.
check-generated: generate
	@changes="$$(git status --porcelain --untracked-files=all)"; \
	if [ -n "$$changes" ]; then \
		echo "check-generated: the tree differs from what is committed after 'make generate':"; \
		echo "$$changes"; git --no-pager diff --stat; exit 1; \
	fi
	$(GO) mod tidy -diff
	@echo "check-generated: generated code, go.mod and go.sum are up to date"

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# govulncheck reads its database from vuln.go.dev, which this project's CI
# network cannot reach; run it where that host is reachable.
vulncheck:
	$(GO) run $(GOVULNCHECK) ./...

# Node tools are pinned by tools/spec/package-lock.json; npm ci installs them
# again only when the lockfile changes.
$(SPEC_TOOLS)/node_modules/.installed: $(SPEC_TOOLS)/package-lock.json
	cd $(SPEC_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Both fail on a warning: Redocly's recommended-strict is the recommended
# ruleset with warnings as errors; Spectral runs spectral:oas in full.
lint-spec: $(SPEC_TOOLS)/node_modules/.installed
	cd $(SPEC_TOOLS) && npx --no-install redocly lint --config redocly.yaml ../../$(SPEC)
	cd $(SPEC_TOOLS) && npx --no-install spectral lint --ruleset .spectral.yaml --fail-severity=warn ../../$(SPEC)

ts-check: $(SPEC_TOOLS)/node_modules/.installed
	cd $(SPEC_TOOLS) && npx --no-install openapi-typescript ../../$(SPEC) -o ts/verification.d.ts
	cd $(SPEC_TOOLS) && rm -rf ts/hey && npx --no-install openapi-ts -i ../../$(SPEC) -o ts/hey -p @hey-api/typescript --no-log-file --silent
	cd $(SPEC_TOOLS) && npx --no-install tsc -p ts/tsconfig.json
	@echo "ts-check: types from openapi-typescript and @hey-api/openapi-ts compile with the usage files"

# The cross-validator gate (tools/spec/peers/README.md): every valid fixture
# and vendor example accepted, every negative fixture rejected, by
# kin-openapi, AJV 8 (plain JSON Schema) and openapi-enforcer; Prism as a
# validating proxy in front of `cfverify mock` sees no violation.
# The Python leg (peers/gate.py) runs twice: under python3 (openapi-spec-
# validator, openapi-schema-validator, jsonschema 4.26) and under Debian's
# /usr/bin/python3 (python3-jsonschema 4.10). A missing library fails under
# CI=true and skips with a message elsewhere.
PYTHON        ?= python3
DEBIAN_PYTHON ?= /usr/bin/python3
spec-peers: $(SPEC_TOOLS)/node_modules/.installed
	$(GO) test -count=1 -v -run '^TestPeerKinOpenAPI$$' ./contract_test
	cd $(SPEC_TOOLS) && node peers/gate.mjs
	cd $(SPEC_TOOLS) && $(PYTHON) peers/gate.py --require openapi-spec-validator,openapi-schema-validator,jsonschema
	cd $(SPEC_TOOLS) && $(DEBIAN_PYTHON) peers/gate.py --require jsonschema
	@work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	$(GO) build -o "$$work/cfverify" ./cmd/cfverify && \
	cd $(SPEC_TOOLS) && node peers/prism-proxy.mjs "$$work/cfverify"

# Fails on breaking changes against the last released spec unless each is
# listed in tools/spec/breaking-changes.acknowledged.
breaking:
	$(GO) run $(OASDIFF) breaking $(SPEC_TOOLS)/baseline/verification.yaml $(SPEC) \
		--fail-on ERR --err-ignore $(SPEC_TOOLS)/breaking-changes.acknowledged

downstream:
	cd examples/downstream && $(GO) generate ./... && $(GO) build ./... && $(GO) vet ./... && $(GO) test -count=1 ./...

# The Go API gate: fails on an incompatible change to any public package's
# exported API (apidiff) against the newest v* tag, else the commit in
# tools/api/baseline-ref, unless tools/api/incompatible.acknowledged lists it.
# API_BASE=<git ref> compares with any commit instead.
api-check:
	GO=$(GO) bash tools/api/check.sh

api-selftest:
	GO=$(GO) bash tools/api/selftest.sh

api-count:
	$(GO) run ./tools/api/count

spec-checks: lint-spec ts-check breaking downstream spec-peers

# Each benchmark runs its baseline beside it (see BENCHMARKS.md); benchstat
# compares the impl=... (or validation=...) variants of one benchmark, the
# first listed being the base. The mock's runs are fixed request counts.
BENCH_RUN = $(GO) test -run '^$$' -count=$(BENCH_COUNT)
# Rounds of the paired harness (bench/paired_test.go): the issue-11 targets
# as median ratios with 95% intervals, written to bench/paired.txt.
PAIRED_ROUNDS ?= 31
bench:
	{ $(GO) version; git rev-parse HEAD; \
	  CFVERIFY_PAIRED_ROUNDS=$(PAIRED_ROUNDS) $(GO) test -run '^$$' -count=1 -benchtime=1x -bench '^BenchmarkPaired' ./bench; } > bench/paired.txt
	{ $(GO) version; nproc; grep -m1 'model name' /proc/cpuinfo; \
	  $(BENCH_RUN) -benchtime=$(BENCH_TIME) -bench '^Benchmark(PerCall|PerCallInMemory|StatementDecode|Validation|ValidatingTransportAdded)$$' ./bench && \
	  $(BENCH_RUN) -benchtime=1x -bench 'StatementMemory' ./bench && \
	  $(BENCH_RUN) -benchtime=5000x -bench 'MockThroughput/call=status' ./bench && \
	  $(BENCH_RUN) -benchtime=200x -bench 'MockThroughput/call=fi-1k' ./bench; } > bench/results.txt
	{ $(GO) run $(BENCHSTAT) -filter '.name:/^PerCall/' -col '/impl@(handwritten client)' bench/results.txt && \
	  $(GO) run $(BENCHSTAT) -filter '.name:StatementDecode' -col '/impl@(types read+types client any valid)' bench/results.txt && \
	  $(GO) run $(BENCHSTAT) -filter '.name:StatementMemory' -col '/impl@(types client)' bench/results.txt && \
	  $(GO) run $(BENCHSTAT) -filter '.name:Validation' -col '/impl@(decode validate drift transport)' bench/results.txt && \
	  $(GO) run $(BENCHSTAT) -filter '.name:ValidatingTransportAdded' -col '/impl@(client client+validating)' bench/results.txt && \
	  $(GO) run $(BENCHSTAT) -filter '.name:MockThroughput' -col '/validation@(off on)' bench/results.txt; } > bench/benchstat.txt
	@cat bench/benchstat.txt
	@grep -h Benchmark bench/paired.txt

# CI: every benchmark compiles and runs once.
bench-smoke:
	$(GO) test -run '^$$' -bench . -benchtime=1x ./...

# The mock beside Prism (pinned in tools/spec), each in its own process on
# an ephemeral loopback port, one Go load generator (internal/loadgen) for
# both, in alternating rounds; the table goes into BENCHMARKS.md between the
# bench-peers markers. About two minutes. PEERS_FLAGS adds flags of
# bench/peers (-requests, -concurrency, -rounds, -ops).
PEERS_FLAGS ?=
PEERS_RUN = work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	$(GO) build -o "$$work/cfverify" ./cmd/cfverify && \
	$(GO) run ./bench/peers -mock "$$work/cfverify" -prism-dir $(SPEC_TOOLS) -spec $(SPEC)
bench-peers: $(SPEC_TOOLS)/node_modules/.installed
	$(PEERS_RUN) -write BENCHMARKS.md $(PEERS_FLAGS)

# CI: one short round of every operation on both servers (each must answer
# 200 to every call); proves the harness works, keeps no figures.
bench-peers-smoke: $(SPEC_TOOLS)/node_modules/.installed
	$(PEERS_RUN) -requests 100 -rounds 1 -concurrency 4 $(PEERS_FLAGS)

# The workflow recipe for other languages' CI (shellcheck, when installed,
# also checks its run: scripts).
actionlint:
	$(GO) run $(ACTIONLINT) examples/ci/contract-checks.yml

# Node 20 or newer; no npm package is installed.
node-example:
	bash scripts/node-example.sh

# examples/typescript (openapi-typescript + openapi-fetch, tsc --strict)
# through cfverify proxy --strict in front of cfverify mock; Node 20+, the
# packages pinned by its package-lock.json.
ts-example:
	bash scripts/ts-example.sh

# The proxy's added latency (p50, p99) and throughput against direct calls
# to the same mock, in alternating rounds (BENCHMARKS.md, "Validating proxy").
bench-proxy:
	$(GO) run ./bench/proxylatency

# The HAR fixtures of internal/contractcheck (testdata/har), recorded from
# the mock's own traffic by Playwright (embed, attach, omit) driving
# Debian's chromium, and by mitmproxy's har_dump as a reverse proxy. Needs
# `apt-get install -y chromium mitmproxy`; not run in CI.
record-hars:
	bash tools/har-record/record.sh

# goreleaser v2 is a Go tool of its own module (tools/release/go.mod), so
# the library's go.mod and go.sum do not carry its dependencies; -modfile
# runs it from the repository root.
GORELEASER = $(GO) tool -modfile=tools/release/go.mod goreleaser
release-check:
	$(GORELEASER) check

release-snapshot:
	GORELEASER="$(GORELEASER)" bash scripts/release-snapshot.sh
