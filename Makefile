# eksctl-lite: the two commands a new user needs are `make demo` and `make test`.
GO      ?= go
PYTHON  ?= python3
BIN     := bin/eksctl-lite
FUZZTIME ?= 30s

.PHONY: build test vet unit integration fuzz demo clean

build:
	$(GO) build -o $(BIN) ./cmd/eksctl-lite

## test: everything CI runs: vet, unit tests, integration tests against the
## bundled EKS emulator (started and stopped by the tests), the OPA policy
## example's test (its own Go module: examples/policy), a bounded fuzz run.
test: vet
	$(GO) test -count=1 -timeout 30m ./...
	cd examples/policy && $(GO) test -count=1 ./...
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 0 ./spec

vet:
	$(GO) vet ./...
	cd examples/policy && $(GO) vet ./...

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /integration)

integration:
	$(GO) test -count=1 -timeout 30m -v ./integration

## fuzz: a longer fuzz run that also minimises what it finds, e.g.
## make fuzz FUZZTIME=10m. (make test skips minimising: with it on, Go spends
## most of a 30s run minimising instead of fuzzing.)
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./spec

## demo: start the bundled emulator, apply examples/minimal, show that a
## second plan is empty, destroy it, stop the emulator.
demo:
	./scripts/demo.sh

clean:
	rm -rf bin
