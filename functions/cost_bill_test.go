package functions_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tierline/tierline/internal/awstest"
)

// bill is what one use case asks of AWS, summed over the invocations of
// the functions it runs, and what that costs a million times over.
type bill struct {
	name        string
	apiRequests int            // requests through API Gateway
	fired       int            // schedules Scheduler fired
	invocations map[string]int // function → invocations
	requests    map[string]int // "SQS.SendMessage" → SDK calls
	wru, rru    float64        // DynamoDB capacity units, index writes included
	idx         float64        // the index writes among the WRU
	logBytes    int            // what the functions logged
}

// line is one row of a bill: what is paid for, how much of it, and what a
// million of the use case pay for it.
type line struct {
	item, quantity string
	dollars        float64
}

// priced are the services whose requests a bill's lines price; a request
// to any other service fails the test, so that nothing goes unbilled.
var priced = []string{"DynamoDB.", "SQS.", "SNS.", "Scheduler."}

// add puts one invocation of function fn on the bill.
func (b *bill) add(fn string, counts map[string]int, wru, idx, rru float64, logBytes int) {
	if b.invocations == nil {
		b.invocations, b.requests = map[string]int{}, map[string]int{}
	}
	b.invocations[fn]++
	for op, n := range counts {
		b.requests[op] += n
	}
	b.wru += wru
	b.idx += idx
	b.rru += rru
	b.logBytes += logBytes
}

// lines prices the bill per million of its use case.
func (b *bill) lines() []line {
	const million = 1e6
	calls := b.calls()
	var gbSeconds float64
	for fn, n := range b.invocations {
		gbSeconds += float64(n) * assumedMillis[fn] / 1000 * lambdaMemoryGB
	}
	sqsCalls, schedulerCalls := b.prefixed("SQS."), b.prefixed("Scheduler.")
	logs := b.logBytes + platformLogBytes*calls
	return []line{
		{"API Gateway HTTP API requests", fmt.Sprint(b.apiRequests), float64(b.apiRequests) * apiPerRequest * million},
		{"Lambda requests", b.invocationSummary(), float64(calls) * lambdaPerRequest * million},
		{"Lambda duration (assumed, 128 MB arm64)", fmt.Sprintf("%.4f GB-s", gbSeconds), gbSeconds * lambdaPerGBSecond * million},
		{"DynamoDB on-demand writes", fmt.Sprintf("%g WRU, %g of them index writes", b.wru, b.idx), b.wru * dynamoPerWRU * million},
		{"DynamoDB on-demand reads", fmt.Sprintf("%g RRU; %d calls in all", b.rru, b.prefixed("DynamoDB.")), b.rru * dynamoPerRRU * million},
		{"SQS requests", fmt.Sprint(sqsCalls), float64(sqsCalls) * sqsPerRequest * million},
		{"SNS publishes", fmt.Sprint(b.requests["SNS.Publish"]), float64(b.requests["SNS.Publish"]) * snsPerPublish * million},
		{"Scheduler invocations (API calls are free)", fmt.Sprintf("%d fired, %d API calls", b.fired, schedulerCalls), float64(b.fired) * schedulerPerInvoke * million},
		{"CloudWatch Logs ingestion", fmt.Sprintf("%d bytes", logs), float64(logs) * logsPerByte * million},
	}
}

// total is the bill per million of its use case, in dollars.
func (b *bill) total() float64 {
	var sum float64
	for _, l := range b.lines() {
		sum += l.dollars
	}
	return sum
}

// summary lists every SDK call on the bill.
func (b *bill) summary() string { return awstest.Format(b.requests) }

// unpriced returns the calls of services no line prices.
func (b *bill) unpriced() []string {
	var out []string
	for _, op := range slices.Sorted(maps.Keys(b.requests)) {
		if !slices.ContainsFunc(priced, func(p string) bool { return strings.HasPrefix(op, p) }) {
			out = append(out, op)
		}
	}
	return out
}

func (b *bill) calls() int {
	n := 0
	for _, c := range b.invocations {
		n += c
	}
	return n
}

func (b *bill) prefixed(prefix string) int {
	n := 0
	for op, c := range b.requests {
		if strings.HasPrefix(op, prefix) {
			n += c
		}
	}
	return n
}

func (b *bill) invocationSummary() string {
	var parts []string
	for _, fn := range slices.Sorted(maps.Keys(b.invocations)) {
		parts = append(parts, fmt.Sprintf("%s %d", fn, b.invocations[fn]))
	}
	return strings.Join(parts, ", ")
}
