# cfverify: the commands a newcomer and CI need.
#   make test             all tests (unit, contract, examples)
#   make generate         regenerate client/api from openapi/verification.yaml
#   make check-generated  fail if generated code, go.mod or go.sum are stale
#   make lint             go vet and staticcheck
#   make fuzz-short       each fuzz target for a few seconds (FUZZTIME)

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test generate check-generated lint contract fuzz-short

test:
	$(GO) test -count=1 ./...

contract:
	$(GO) test -count=1 -v ./contract_test/...

# go test -fuzz takes one target at a time. New failing inputs are written
# to <package>/testdata/fuzz/<target>/: commit them, they become test cases.
FUZZTIME ?= 5s
fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeDataAvailability$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeUserDetails$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeDigiLockerStatus$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeConsentStatus$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeFinancialInformation$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeError$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzValidateResponse$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDrift$$' -fuzztime=$(FUZZTIME) ./contract_test
	$(GO) test -run '^$$' -fuzz '^FuzzDuplicateNames$$' -fuzztime=$(FUZZTIME) ./openapi

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
