# cfverify: the commands a newcomer and CI need.
#   make demo             the five operations against the built-in mock (no credentials, no network)
#   make test             all tests (unit, contract, examples)
#   make generate         regenerate client/api from openapi/verification.yaml
#   make check-generated  fail if generated code, go.mod or go.sum are stale
#   make lint             go vet and staticcheck
#   make mock             a local mock of the API on 127.0.0.1:8080, for other languages' tests

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test generate check-generated lint contract demo mock

test:
	$(GO) test -count=1 ./...

demo:
	$(GO) run ./cmd/cfverify demo

mock:
	$(GO) run ./cmd/cfverify mock --addr 127.0.0.1:8080

contract:
	$(GO) test -count=1 -v ./contract_test/...

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
