package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/wire"
)

// browserFields are the answers the browser types in.
type browserFields struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Category string `json:"category"`
	Impact   string `json:"impact"`
	Subject  string `json:"subject"`
	Details  string `json:"details"`
}

// browserReport is what testdata/browser/fileform.mjs saw.
type browserReport struct {
	FormStatus     int    `json:"formStatus"`
	FormTitle      string `json:"formTitle"`
	HoneypotInA11y int    `json:"honeypotInAccessibilityTree"`
	Post           *struct {
		Method      string `json:"method"`
		ContentType string `json:"contentType"`
		Origin      string `json:"origin"`
		Status      int    `json:"status"`
		Location    string `json:"location"`
	} `json:"post"`
	StatusURL     string            `json:"statusURL"`
	StatusStatus  int               `json:"statusStatus"`
	StatusTitle   string            `json:"statusTitle"`
	Shown         map[string]string `json:"shown"`
	Scripts       int               `json:"scripts"`
	Images        int               `json:"images"`
	Dialogs       []string          `json:"dialogs"`
	ConsoleErrors []string          `json:"consoleErrors"`
}

// MustFileInBrowser has headless Chromium, driven by playwright-core, fill
// in and send the form at url, and returns what it saw. It needs Debian's
// chromium and the npm packages of infra/: without them the test skips,
// or fails under CI=true.
func MustFileInBrowser(tb testing.TB, url string, fields browserFields) browserReport {
	tb.Helper()
	chromium := testenv.Command(tb, "chromium", "apt-get install chromium (scripts/test-deps.sh)")
	playwright := filepath.Dir(testenv.Infra(tb, "playwright-core/package.json"))
	node := testenv.Node22(tb)
	plan, err := json.Marshal(map[string]any{"playwright": playwright, "chromium": chromium, "userDataDir": tb.TempDir(),
		"url": url, "fields": fields, "timeoutMs": 60000})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "browser", "fileform.mjs"), string(plan))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("fileform.mjs: %v\nstderr:\n%s", err, stderr.String())
	}
	var r browserReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		tb.Fatalf("fileform.mjs printed %q: %v\nstderr:\n%s", stdout.String(), err, stderr.String())
	}
	return r
}

// Ensure a person with a real browser can file a request through the form
// page: Chromium finds every field by its role and label, as a screen
// reader would, sends the form, gets the 303 and the status page, and the
// ticket holds every answer.
func TestFormBrowser_filesRequest(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	fields := browserFields{Name: "Jana Kovač", Email: "jana.k@acme.test", Category: "hardware", Impact: "high",
		Subject: "Laptop dock dead", Details: "No power on the dock since this morning.\nTried another socket."}
	r := MustFileInBrowser(t, a.URL+"/forms/it-help", fields)

	if r.FormStatus != 200 || r.FormTitle != "IT help" || r.HoneypotInA11y != 0 {
		t.Errorf("form page: status %d, title %q, honeypot in the accessibility tree %d times; want 200, IT help, 0", r.FormStatus, r.FormTitle, r.HoneypotInA11y)
	}
	if r.Post == nil {
		t.Fatalf("the browser did not come to the status page by a redirect from the POST: %+v", r)
	}
	// Ensure the browser posted urlencoded from tierline's own page, and was answered 303.
	if r.Post.Method != "POST" || r.Post.ContentType != "application/x-www-form-urlencoded" || r.Post.Origin != a.URL ||
		r.Post.Status != 303 || r.Post.Location != r.StatusURL {
		t.Errorf("post %+v, want a urlencoded POST from %s answered 303 to %s", *r.Post, a.URL, r.StatusURL)
	}
	id, _ := MustFiled(t, Response{Status: r.Post.Status, Header: Headers("Location", r.Post.Location)}, false)
	// Ensure the status page shows the request.
	want := map[string]string{"ticket": id, "subject": fields.Subject, "category": "hardware",
		"status": "Open: waiting for someone to take it", "tier": "Helpdesk (L1)"}
	if r.StatusStatus != 200 || r.StatusTitle != "Request "+id+": IT help" {
		t.Errorf("status page: status %d, title %q", r.StatusStatus, r.StatusTitle)
	}
	for k, v := range want {
		if r.Shown[k] != v {
			t.Errorf("status page shows %s=%q, want %q", k, r.Shown[k], v)
		}
	}
	if len(r.Dialogs) != 0 || len(r.ConsoleErrors) != 0 {
		t.Errorf("dialogs %q, console errors %q, want none (a CSP violation would be one)", r.Dialogs, r.ConsoleErrors)
	}
	// Ensure the ticket holds every answer, as the API shows it.
	AssertFormTicket(t, a.MustGet(t, id), wire.Ticket{Integration: "it-help", Source: "form:it-help",
		DedupKey: a.MustGet(t, id).DedupKey, Title: fields.Subject, Description: fields.Details,
		Requester: &wire.Person{Name: fields.Name, Email: fields.Email}, Category: "hardware",
		Labels: map[string]string{"impact": "high"}, Priority: "P2", Tier: "L1", Status: "open", Occurrences: 1})
	if key := a.MustGet(t, id).DedupKey; !strings.HasPrefix(key, "form:") || len(key) < len("form:")+16 {
		t.Errorf("DedupKey=%q, want form: and the page's idempotency key", key)
	}
}

// Ensure a requester's markup stays text in a real browser: the status
// page shows the literal subject, and the DOM has no script or image it
// could have made, and no alert ran.
func TestFormBrowser_escapesSubject(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	const subject = `<script>alert(1)</script>`
	r := MustFileInBrowser(t, a.URL+"/forms/it-help", browserFields{Name: `<img src=x onerror=alert(2)>`,
		Email: "mallory@acme.test", Category: "software", Impact: "low", Subject: subject, Details: `<script>alert(3)</script>`})
	if r.Post == nil || r.Post.Status != 303 {
		t.Fatalf("post %+v, want 303", r.Post)
	}
	if r.Shown["subject"] != subject {
		t.Errorf("status page shows subject %q, want the literal text %q", r.Shown["subject"], subject)
	}
	if r.Scripts != 0 || r.Images != 0 || len(r.Dialogs) != 0 {
		t.Errorf("DOM has %d script and %d img elements, and %d dialogs ran (%q); want none", r.Scripts, r.Images, len(r.Dialogs), r.Dialogs)
	}
	id, _ := MustFiled(t, Response{Status: r.Post.Status, Header: Headers("Location", r.Post.Location)}, false)
	if tk := a.MustGet(t, id); tk.Title != subject || tk.Requester == nil || tk.Requester.Name != `<img src=x onerror=alert(2)>` {
		t.Errorf("ticket title %q, requester %+v: the text should be stored as typed", tk.Title, tk.Requester)
	}
}
