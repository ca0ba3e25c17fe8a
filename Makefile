# tierline: the commands of the README, and the checks CI runs.
GO        ?= go
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2
CFN_LINT  ?= cfn-lint

.PHONY: run test test-deps lint bench bench-go fuzz tidy clean build deploy bench-aws

## run: tierline locally on the built-in demo config (http://127.0.0.1:8080)
run:
	$(GO) run ./cmd/tierline serve

## test: install what the tests need, then lint and run every test under -race
test: test-deps lint
	CI=$${CI:-true} $(GO) test -race -count=1 -timeout 8m ./...

## test-deps: what the tests need beyond Go (see scripts/test-deps.sh)
test-deps:
	scripts/test-deps.sh

## lint: gofmt, go vet, staticcheck, go.mod tidiness, and cfn-lint on template.yaml (errors and warnings fail)
lint:
	@out=$$(gofmt -s -l .); if [ -n "$$out" ]; then echo "gofmt -s needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod is not tidy: run go mod tidy"; exit 1; }
	@command -v $(CFN_LINT) >/dev/null || { echo "make lint: cfn-lint not found on PATH; install AWS's cfn-lint (pip install cfn-lint; on the project's machines it is in ~/.pyenv/shims). The npm package of that name is another tool."; exit 1; }
	$(CFN_LINT) -t template.yaml

## bench: ingest under wrk from a separate process, and pages under a burst (bench/burst); report in bench/out/report.md
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
	rm -rf bin bench/out tierline-data build .aws-sam

# ---------------------------------------------------------------- AWS
# The five Lambda functions of template.yaml. `sam build` runs the
# build-<LogicalId> targets (BuildMethod: makefile) with ARTIFACTS_DIR set;
# `make build` runs the same targets into $(BUILD)/<function>, so both
# produce the same bundles: a stripped linux/arm64 `bootstrap` for
# provided.al2023, built without the go1.x RPC path (-tags lambda.norpc),
# plus the configs of infra/config/ for the functions that read one.
BUILD      ?= build
ENV        ?= default
CONFIG_DIR ?= infra/config
LAMBDA_GO   = CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w'

define lambda
	$(LAMBDA_GO) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)
endef
define config
	mkdir -p $(ARTIFACTS_DIR)/config && cp $(CONFIG_DIR)/*.yaml $(ARTIFACTS_DIR)/config/
endef

build-ApiFunction:
	$(call lambda,api)
	$(call config)
build-DispatchFunction:
	$(call lambda,dispatch)
build-NotifyFunction:
	$(call lambda,notify)
	$(call config)
build-EscalateFunction:
	$(call lambda,escalate)
	$(call config)
build-SweepFunction:
	$(call lambda,sweep)
	$(call config)

## build: the five arm64 Lambda bundles and their zips under $(BUILD)/, with their sizes
build:
	@command -v zip >/dev/null || { echo "make build needs zip (apt-get install zip)"; exit 1; }
	@for fn in Api Dispatch Notify Escalate Sweep; do \
		dir=$(BUILD)/$$(echo $$fn | tr A-Z a-z); rm -rf $$dir && mkdir -p $$dir || exit 1; \
		$(MAKE) --no-print-directory build-$${fn}Function ARTIFACTS_DIR=$(CURDIR)/$$dir >/dev/null || exit 1; \
		(cd $$dir && rm -f ../$$(basename $$dir).zip && zip -q -r -X ../$$(basename $$dir).zip .) || exit 1; \
	done
	@printf '%-10s %12s %12s\n' function bootstrap zip
	@for fn in api dispatch notify escalate sweep; do \
		printf '%-10s %10s B %10s B\n' $$fn $$(stat -c %s $(BUILD)/$$fn/bootstrap) $$(stat -c %s $(BUILD)/$$fn.zip); \
	done

## deploy: sam build, then sam deploy with samconfig.toml's ENV environment (default, prod)
deploy:
	sam build --config-env $(ENV)
	sam deploy --config-env $(ENV)

## bench-aws: the AWS stack's cost and speed report: requests and capacity units per operation (a sweep's too), escalation schedules, the bill of a typical ticket and of an escalation step, bootstrap sizes, cold starts
bench-aws:
	@mkdir -p $(BUILD)
	@CI=$${CI:-true} $(GO) test -count=1 -v -run 'TestReplayEvents|TestBootstrap$$|TestTimerClimbs|TestSizes|TestSweep$$|TestCosts' ./functions/... >$(BUILD)/bench-aws.log 2>&1; status=$$?; \
	grep -h 'REPORT' $(BUILD)/bench-aws.log | sed 's/^ *[a-z_]*_test.go:[0-9]*: REPORT //'; \
	if [ $$status != 0 ]; then grep -E -- '--- FAIL|^FAIL' $(BUILD)/bench-aws.log; echo "bench-aws: tests failed; see $(BUILD)/bench-aws.log"; fi; exit $$status
