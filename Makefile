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

## demo: start the bundled emulator, apply examples/minimal, show that a
## second plan is empty, destroy it, stop the emulator.
demo:
	./scripts/demo.sh

clean:
	rm -rf bin
