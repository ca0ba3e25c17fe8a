package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// StepFunctions is a small hand-written stand-in for the Step Functions
// API (the awsJson1_0 protocol: X-Amz-Target AWSStepFunctions.<Operation>):
// nothing that runs here serves that API (aws-local-stepfunctions runs ASL
// but has no API; Step Functions Local needs a download), and the timer
// adapter must be shown to call it right. It keeps executions, runs
// nothing, and answers StartExecution, StopExecution and DescribeExecution
// as AWS documents them, idempotency of StartExecution included: a running
// execution of the same name and input is success with the same ARN; a
// different input, or a closed execution, is ExecutionAlreadyExists.
type StepFunctions struct {
	URL string

	mu         sync.Mutex
	machines   map[string]bool       // state machine ARNs
	executions map[string]*Execution // by execution ARN
	requests   []Request
	failure    *failure
}

// failure is an error every request gets while it is set.
type failure struct {
	status int
	typ    string
}

// Execution is one execution the stand-in knows.
type Execution struct {
	ARN, StateMachineARN, Name, Input string
	Status                            string // RUNNING, ABORTED, SUCCEEDED
	Start, Stop                       time.Time
}

// Request is one call the stand-in received.
type Request struct {
	Operation string         // "StartExecution"
	Body      map[string]any // the JSON request
}

// NewStepFunctions starts the stand-in on 127.0.0.1 until the test ends.
func NewStepFunctions(tb testing.TB) *StepFunctions {
	tb.Helper()
	f := &StepFunctions{machines: map[string]bool{}, executions: map[string]*Execution{}}
	ts := httptest.NewServer(f)
	tb.Cleanup(ts.Close)
	f.URL = ts.URL
	return f
}

// StateMachine makes a state machine called name and returns its ARN.
func (f *StepFunctions) StateMachine(name string) string {
	arn := "arn:aws:states:" + Region + ":123456789012:stateMachine:" + name
	f.mu.Lock()
	defer f.mu.Unlock()
	f.machines[arn] = true
	return arn
}

// Client returns an SDK client for the stand-in, with optFns applied.
func (f *StepFunctions) Client(optFns ...func(*sfn.Options)) *sfn.Client {
	return sfn.New(sfn.Options{Region: Region, BaseEndpoint: aws.String(f.URL), Credentials: Credentials, Retryer: Retryer()}, optFns...)
}

// Executions returns copies of the executions, oldest first.
func (f *StepFunctions) Executions() []Execution {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Execution, 0, len(f.executions))
	for _, e := range f.executions {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Execution) int { return a.Start.Compare(b.Start) })
	return out
}

// Finish ends a running execution as if its state machine reached its end.
func (f *StepFunctions) Finish(executionARN string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.executions[executionARN]; e != nil && e.Status == "RUNNING" {
		e.Status, e.Stop = "SUCCEEDED", time.Now()
	}
}

// Fail makes every request fail with an error of type typ (such as
// "ThrottlingException") and HTTP status status, until Fail(0, "").
func (f *StepFunctions) Fail(status int, typ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failure = nil
	if status != 0 {
		f.failure = &failure{status: status, typ: typ}
	}
}

// Requests returns the calls received so far and forgets them.
func (f *StepFunctions) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.requests
	f.requests = nil
	return out
}

// An execution name: 1 to 80 characters, none of them white space,
// brackets, wildcards, control characters or " # % \ ^ | ~ ` $ & , ; : /.
var executionName = regexp.MustCompile("^[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]{1,80}$")

func (f *StepFunctions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
	var body map[string]any
	if !ok || json.NewDecoder(r.Body).Decode(&body) != nil {
		sfnError(w, http.StatusBadRequest, "SerializationException", "want an AWSStepFunctions JSON request")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, Request{Operation: op, Body: body})
	if f.failure != nil {
		sfnError(w, f.failure.status, f.failure.typ, "failure emulated by the stand-in")
		return
	}
	str := func(k string) string { s, _ := body[k].(string); return s }
	switch op {
	case "StartExecution":
		f.start(w, str("stateMachineArn"), str("name"), str("input"))
	case "StopExecution":
		e := f.executions[str("executionArn")]
		if e == nil {
			sfnError(w, http.StatusBadRequest, "ExecutionDoesNotExist", "Execution Does Not Exist: '"+str("executionArn")+"'")
			return
		}
		if e.Status == "RUNNING" {
			e.Status, e.Stop = "ABORTED", time.Now()
		}
		sfnJSON(w, map[string]any{"stopDate": epoch(e.Stop)})
	case "DescribeExecution":
		e := f.executions[str("executionArn")]
		if e == nil {
			sfnError(w, http.StatusBadRequest, "ExecutionDoesNotExist", "Execution Does Not Exist: '"+str("executionArn")+"'")
			return
		}
		out := map[string]any{"executionArn": e.ARN, "stateMachineArn": e.StateMachineARN, "name": e.Name,
			"status": e.Status, "startDate": epoch(e.Start), "input": e.Input}
		if !e.Stop.IsZero() {
			out["stopDate"] = epoch(e.Stop)
		}
		sfnJSON(w, out)
	default:
		sfnError(w, http.StatusBadRequest, "UnknownOperationException", "the stand-in does not serve "+op)
	}
}

// start runs StartExecution; f.mu is held.
func (f *StepFunctions) start(w http.ResponseWriter, machine, name, input string) {
	switch {
	case !f.machines[machine]:
		sfnError(w, http.StatusBadRequest, "StateMachineDoesNotExist", "State Machine Does Not Exist: '"+machine+"'")
		return
	case !executionName.MatchString(name):
		sfnError(w, http.StatusBadRequest, "InvalidName", fmt.Sprintf("Invalid Name: '%s'", name))
		return
	case !json.Valid([]byte(input)):
		sfnError(w, http.StatusBadRequest, "InvalidExecutionInput", "Invalid State Machine Execution Input: 'not JSON'")
		return
	}
	arn := strings.Replace(machine, ":stateMachine:", ":execution:", 1) + ":" + name
	if e := f.executions[arn]; e != nil {
		if e.Status == "RUNNING" && e.Input == input {
			sfnJSON(w, map[string]any{"executionArn": e.ARN, "startDate": epoch(e.Start)})
			return
		}
		sfnError(w, http.StatusBadRequest, "ExecutionAlreadyExists", "Execution Already Exists: '"+arn+"'")
		return
	}
	e := &Execution{ARN: arn, StateMachineARN: machine, Name: name, Input: input, Status: "RUNNING", Start: time.Now()}
	f.executions[arn] = e
	sfnJSON(w, map[string]any{"executionArn": arn, "startDate": epoch(e.Start)})
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func sfnJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	json.NewEncoder(w).Encode(v)
}

func sfnError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.swf.service.v2.model#" + typ, "message": message})
}
