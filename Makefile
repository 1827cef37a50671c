# eksctl-lite: the two commands a new user needs are `make demo` and `make test`.
GO      ?= go
PYTHON  ?= python3
BIN     := bin/eksctl-lite
FUZZTIME ?= 30s

.PHONY: build test vet unit integration fuzz demo clean

build:
	$(GO) build -o $(BIN) ./cmd/eksctl-lite

## test: everything CI runs: vet, unit tests, integration tests against the
## bundled EKS emulator (started and stopped by the tests), a bounded fuzz run.
test: vet
	$(GO) test -count=1 -timeout 30m ./...
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./spec

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /integration)

integration:
	$(GO) test -count=1 -timeout 30m -v ./integration

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./spec

clean:
	rm -rf bin
