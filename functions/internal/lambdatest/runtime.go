package lambdatest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RuntimeAPI is a fake of the Lambda Runtime API (2018-06-01) that a built
// bootstrap talks to when AWS_LAMBDA_RUNTIME_API names it. Nothing real
// can serve that API here: the Runtime Interface Emulator cannot be
// installed from any registry this project uses, and sam local needs
// Docker (research/tooling.md §7). So this is a small hand-written fake,
// holding to the documented contract: GET …/invocation/next blocks until an
// event is queued and answers it with the Lambda-Runtime-Aws-Request-Id,
// -Deadline-Ms, -Invoked-Function-Arn and -Trace-Id headers; POST
// …/invocation/{id}/response and …/invocation/{id}/error answer the
// invocation; POST …/init/error reports a failed cold start.
type RuntimeAPI struct {
	srv     *httptest.Server
	events  chan invocation
	mu      sync.Mutex
	waiting map[string]chan Result
	initErr chan Result
	nexts   chan time.Time // one per GET …/next, when it arrived
	seq     int
}

type invocation struct {
	id    string
	event []byte
}

// Result is how an invocation ended.
type Result struct {
	Body      []byte // the response, or the error document
	Error     bool   // …/error (or …/init/error) rather than …/response
	ErrorType string // errorType of the error document
	Message   string // errorMessage of the error document
}

// FunctionARN is the ARN the fake says each invocation is for.
const FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:tierline-test"

// NewRuntimeAPI starts a fake Runtime API on 127.0.0.1 for the test.
func NewRuntimeAPI(tb testing.TB) *RuntimeAPI {
	r := &RuntimeAPI{events: make(chan invocation, 16), waiting: map[string]chan Result{},
		initErr: make(chan Result, 1), nexts: make(chan time.Time, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", r.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", r.answer(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", r.answer(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, req *http.Request) {
		res := result(req, true)
		select {
		case r.initErr <- res:
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	r.srv = httptest.NewServer(mux)
	tb.Cleanup(r.srv.Close)
	return r
}

// Addr is the host:port for AWS_LAMBDA_RUNTIME_API.
func (r *RuntimeAPI) Addr() string { return strings.TrimPrefix(r.srv.URL, "http://") }

// Nexts delivers the time of each GET …/next as it arrives: the first is
// when a cold start ended.
func (r *RuntimeAPI) Nexts() <-chan time.Time { return r.nexts }

// InitError delivers a failed cold start's report.
func (r *RuntimeAPI) InitError() <-chan Result { return r.initErr }

// Invoke queues event for the function and waits for its answer.
func (r *RuntimeAPI) Invoke(ctx context.Context, event []byte) (Result, error) {
	r.mu.Lock()
	r.seq++
	id := fmt.Sprintf("req-%06d", r.seq)
	done := make(chan Result, 1)
	r.waiting[id] = done
	r.mu.Unlock()
	select {
	case r.events <- invocation{id: id, event: event}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	select {
	case res := <-done:
		return res, nil
	case <-ctx.Done():
		return Result{}, fmt.Errorf("invocation %s: %w", id, ctx.Err())
	}
}

func (r *RuntimeAPI) next(w http.ResponseWriter, req *http.Request) {
	select {
	case r.nexts <- time.Now():
	default:
	}
	select {
	case inv := <-r.events:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", FunctionARN)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.Write(inv.event)
	case <-req.Context().Done():
	}
}

func (r *RuntimeAPI) answer(isError bool) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		id := req.PathValue("id")
		res := result(req, isError)
		r.mu.Lock()
		done, ok := r.waiting[id]
		delete(r.waiting, id)
		r.mu.Unlock()
		if !ok {
			http.Error(w, `{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}`, http.StatusBadRequest)
			return
		}
		done <- res
		w.WriteHeader(http.StatusAccepted)
	}
}

func result(req *http.Request, isError bool) Result {
	body, _ := io.ReadAll(req.Body)
	res := Result{Body: body, Error: isError}
	if isError {
		var doc struct {
			Type    string `json:"errorType"`
			Message string `json:"errorMessage"`
		}
		json.Unmarshal(body, &doc)
		res.ErrorType, res.Message = doc.Type, doc.Message
	}
	return res
}
