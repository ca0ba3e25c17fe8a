package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

// invoker is a stand-in for the Lambda Invoke API that aws-local-
// stepfunctions calls for the Task (AWS_ENDPOINT_URL_LAMBDA): nothing here
// can run Lambda itself, so this small fake hands each invocation to the
// escalate handler through aws-lambda-go's handler wrapper and answers as
// Lambda does, an error as 200 with X-Amz-Function-Error and the error
// document {errorType, errorMessage}.
type invoker struct {
	w     *world
	mu    sync.Mutex
	calls int
	fail  int // fail this many invocations with a failing store
}

func (iv *invoker) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") || !strings.HasSuffix(r.URL.Path, "/invocations") {
		http.Error(rw, `{"Type":"User","message":"not an Invoke request"}`, http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	iv.mu.Lock()
	iv.calls++
	failing := iv.fail > 0
	if failing {
		iv.fail--
		iv.w.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
	}
	out, err := lambda.NewHandler(iv.w.e.handle).Invoke(r.Context(), body)
	if failing {
		iv.w.MiniDyn.EmulateFailure(miniserver.FailureConditionNone)
	}
	iv.mu.Unlock()
	rw.Header().Set("Content-Type", "application/json")
	if err != nil {
		rw.Header().Set("X-Amz-Function-Error", "Unhandled")
		out, _ = json.Marshal(map[string]string{"errorType": errorTypeName(err), "errorMessage": err.Error()})
	}
	rw.Write(out)
}

// run is one execution of the state machine in aws-local-stepfunctions.
type run struct {
	events []map[string]any
	result json.RawMessage
	err    map[string]string
}

// entered returns the states entered, in order: each is one billed state
// transition.
func (r run) entered() []string {
	var names []string
	for _, e := range r.events {
		if e["type"] == "StateEntered" {
			names = append(names, e["state"].(map[string]any)["name"].(string))
		}
	}
	return names
}

// execute runs the template's state machine (substitutions resolved as
// the template resolves them) on input, its task answered by w's handler.
// abortOnWait stops the execution once it waits, as dispatch's
// StopExecution does when a ticket is resolved.
func execute(t *testing.T, w *world, iv *invoker, in sfntimer.Input, abortOnWait bool) run {
	t.Helper()
	node := testenv.Node22(t)
	module := testenv.Infra(t, "aws-local-stepfunctions/build/main.node.esm.js")
	def := substituted(t)
	srv := httptest.NewServer(iv)
	t.Cleanup(srv.Close)
	cmd := exec.Command(node, filepath.Join("testdata", "local-sfn.mjs"), def)
	cmd.Env = []string{"LOCAL_SFN_MODULE=" + module, "AWS_ENDPOINT_URL_LAMBDA=" + srv.URL, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "HOME=" + t.TempDir()}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	b, _ := json.Marshal(in)
	stdin.Write(append(b, '\n'))
	var r run
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Event  map[string]any    `json:"event"`
			Result json.RawMessage   `json:"result"`
			Error  map[string]string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("local-sfn printed %q: %v", sc.Text(), err)
		}
		switch {
		case line.Event != nil:
			r.events = append(r.events, line.Event)
			if abortOnWait && line.Event["type"] == "StateEntered" {
				io.WriteString(stdin, "abort\n")
			}
		case line.Error != nil:
			r.err = line.Error
		default:
			r.result = line.Result
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("local-sfn: %v\n%s", err, stderr.String())
	}
	return r
}

// substituted writes the state machine with the template's
// DefinitionSubstitutions applied, as CloudFormation deploys it.
func substituted(t *testing.T) string {
	t.Helper()
	tpl := lambdatest.Template(t)
	def, err := os.ReadFile(aslPath(t))
	if err != nil {
		t.Fatal(err)
	}
	s := string(def)
	subs, _ := tpl.Resources["EscalationStateMachine"].Properties["DefinitionSubstitutions"].(map[string]any)
	for k, v := range subs {
		val, err := tpl.Resolve(v)
		if err != nil {
			t.Fatal(err)
		}
		s = strings.ReplaceAll(s, "${"+k+"}", val)
	}
	if strings.Contains(s, "${") {
		t.Fatalf("a substitution is left in the state machine:\n%s", s)
	}
	path := filepath.Join(t.TempDir(), "escalation.asl.json")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// newTicket stores a ticket created now at L1 under the sample config
// (L1 and L2 acknowledge within 1s, L3 within 2s and pages once more),
// and returns the input of its execution, as dispatch would start it.
func newTicket(t *testing.T, w *world, id string) sfntimer.Input {
	t.Helper()
	now := time.Now().UTC()
	tk, err := w.Tickets.Upsert(ctx, "prometheus", id, func(*ticket.Ticket) (*ticket.Ticket, error) {
		return ticket.New(id, "prometheus", ticket.Signal{Action: ticket.Trigger, DedupKey: id, Title: "Disk full"},
			ticket.Placement{Tier: ticket.L1, Deadlines: w.f.Config.Deadlines("", ticket.L1)}, nil, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sfntimer.InputOf(ticket.Wake{TicketID: tk.ID, Clock: tk.Clock, At: tk.NextDeadline()})
}

func resolve(t *testing.T, w *world, id string) {
	t.Helper()
	if _, err := w.Tickets.Update(ctx, id, func(tk *ticket.Ticket) error { return tk.Resolve("alice", "fixed", time.Now()) }); err != nil {
		t.Fatal(err)
	}
}

func realTime(t *testing.T) *world {
	w := newWorld(t)
	w.e.desk.Now = time.Now
	return w
}
