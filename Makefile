# tierline: the commands of the README, and the checks CI runs.
GO        ?= go
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test test-deps lint bench bench-go fuzz tidy clean

## run: tierline locally on the built-in demo config (http://127.0.0.1:8080)
run:
	$(GO) run ./cmd/tierline serve

## test: install what the tests need, then lint and run every test under -race
test: test-deps lint
	CI=$${CI:-true} $(GO) test -race -count=1 -timeout 8m ./...

## test-deps: what the tests need beyond Go (see scripts/test-deps.sh)
test-deps:
	scripts/test-deps.sh

## lint: gofmt, go vet, staticcheck, and go.mod tidiness
lint:
	@out=$$(gofmt -s -l .); if [ -n "$$out" ]; then echo "gofmt -s needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod is not tidy: run go mod tidy"; exit 1; }

## bench: load ingest with wrk from a separate process; report in bench/out/report.md
bench:
	bench/run.sh

## bench-go: the Go micro-benchmarks
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: run each fuzz target for FUZZTIME (default 10s)
fuzz:
	scripts/fuzz.sh $${FUZZTIME:-10s}

## tidy: go mod tidy
tidy:
	$(GO) mod tidy

clean:
	rm -rf bin bench/out tierline-data
