package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
)

// statusField reads the text of the element with id on a status page.
func statusField(body, id string) string {
	m := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// Ensure the status link shows the request as it stands, and only a link
// tierline gave out does: anything else is the same 404.
func TestFormStatus(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	id, link := MustFiled(t, a.Send(t, "POST", "/forms/it-help", fetchJSON(),
		`{"name": "Ann", "email": "ann@acme.test", "category": "password", "subject": "Locked out of SAP"}`), true)
	other, _ := MustFiled(t, a.Send(t, "POST", "/forms/it-help", fetchJSON(),
		`{"name": "Bo", "email": "bo@acme.test", "category": "software", "subject": "Teams will not start"}`), true)
	hook := a.MustCreate(t, "disk full")

	// Ensure the page shows the number, subject, category, status and tier.
	resp := a.Send(t, "GET", link, nil, "")
	if resp.Status != http.StatusOK {
		t.Fatalf("Status=%v, want 200; body %s", resp.Status, resp.Body)
	}
	AssertPageHeaders(t, resp, "'self' "+intranet)
	body := string(resp.Body)
	want := map[string]string{"ticket": id, "subject": "Locked out of SAP", "category": "password",
		"status": "Open: waiting for someone to take it", "tier": "Helpdesk (L1)"}
	for field, v := range want {
		if got := statusField(body, field); got != v {
			t.Errorf("%s=%q, want %q", field, got, v)
		}
	}
	if !strings.Contains(body, `<title>Request `+id+`: IT help</title>`) || !strings.Contains(body, `href="`+a.URL+`/forms/it-help"`) {
		t.Error("the page lacks its title or the link to file another request")
	}
	// Ensure it follows the ticket: acknowledged, then escalated, then resolved.
	a.Clock.Add(time.Minute)
	a.MustAct(t, id, "acknowledge", "")
	if got := statusField(string(a.Send(t, "GET", link, nil, "").Body), "status"); got != "In progress: someone is on it" {
		t.Errorf("acknowledged: status=%q", got)
	}
	a.MustAct(t, id, "escalate", `{"note": "needs SAP admin rights"}`)
	a.MustAct(t, id, "resolve", `{"note": "unlocked"}`)
	page := string(a.Send(t, "GET", link, nil, "").Body)
	if statusField(page, "status") != "Resolved" || statusField(page, "tier") != "Specialists (L2)" {
		t.Errorf("resolved: status=%q tier=%q", statusField(page, "status"), statusField(page, "tier"))
	}
	if strings.Contains(page, "needs SAP admin rights") || strings.Contains(page, "unlocked") {
		t.Error("the page shows engineers' notes; it shows the status only")
	}

	m := statusLink.FindStringSubmatch(link)
	base, sig := m[1]+"/forms/it-help/status/", m[4]
	flip := func(s string) string {
		b := []byte(s)
		b[0] ^= 1
		return string(b)
	}
	tests := []struct {
		name string
		path string
	}{
		// Ensure a signature changed in one bit is refused.
		{name: "forged_signature", path: base + id + "/" + flip(sig)},
		// Ensure a link without its signature is refused.
		{name: "missing_signature", path: base + id},
		{name: "missing_signature_slash", path: base + id + "/"},
		// Ensure a signature cut short is refused.
		{name: "short_signature", path: base + id + "/" + sig[:21]},
		// Ensure one ticket's signature does not open another.
		{name: "other_tickets_signature", path: base + other + "/" + sig},
		// Ensure the ID must be as given out, not merely one ParseID forgives.
		{name: "id_upper_case", path: base + strings.ToUpper(id) + "/" + statusSig("it-help", strings.ToUpper(id))},
		// Ensure a signature of another form does not open this one's tickets.
		{name: "other_forms_signature", path: base + id + "/" + statusSig("facilities", id)},
		// Ensure the same ticket is not found under another form.
		{name: "other_form", path: m[1] + "/forms/facilities/status/" + id + "/" + statusSig("facilities", id)},
		// Ensure a valid signature of a ticket that does not exist is not found.
		{name: "no_such_ticket", path: base + "0000000000000z/" + statusSig("it-help", "0000000000000z")},
		// Ensure a monitoring ticket, validly signed, is not shown as a request.
		{name: "not_a_form_ticket", path: base + hook + "/" + statusSig("it-help", hook)},
		// Ensure a form that is not configured is not found.
		{name: "unknown_form", path: m[1] + "/forms/hr/status/" + id + "/" + sig},
		// Ensure something that is no ID is not found.
		{name: "not_an_id", path: base + "..%2F..%2Fv1%2Ftickets/" + sig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.Send(t, "GET", tt.path, nil, "")
			if resp.Status != http.StatusNotFound {
				t.Errorf("Status=%v, want 404; body %s", resp.Status, resp.Body)
			}
			if strings.Contains(string(resp.Body), "Locked out of SAP") {
				t.Error("a refused link shows the request")
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type=%q, want the HTML not-found page", ct)
			}
		})
	}
}

// Ensure a status link has exactly one spelling: its signature is 16
// bytes in 22 characters of base64url, whose last character carries 4
// bits that encode nothing, so a loose decoder would open the same page
// under 16 links. Only the one tierline gave out works; padding and the
// standard alphabet do not either.
func TestFormStatus_oneSpelling(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	_, link := MustFiled(t, a.Send(t, "POST", "/forms/it-help", fetchJSON(),
		`{"name": "Ann", "email": "ann@acme.test", "category": "password", "subject": "Locked out of SAP"}`), true)
	m := statusLink.FindStringSubmatch(link)
	base, sig := strings.TrimSuffix(link, m[4]), m[4]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, sig[21])
	opened := 0
	for low := range 16 {
		spelling := sig[:21] + string(alphabet[last&^15|low])
		resp := a.Send(t, "GET", base+spelling, nil, "")
		if spelling == sig {
			if resp.Status != http.StatusOK {
				t.Fatalf("the link given out: Status=%v, want 200", resp.Status)
			}
			opened++
			continue
		}
		if resp.Status != http.StatusNotFound {
			t.Errorf("spelling %s of %s: Status=%v, want 404", spelling, sig, resp.Status)
		}
	}
	if opened != 1 {
		t.Errorf("%d spellings opened the page, want exactly the one given out", opened)
	}
	std := strings.NewReplacer("-", "+", "_", "/").Replace(sig)
	for name, other := range map[string]string{"padded": sig + "==", "padded_escaped": sig + "%3D%3D", "standard_alphabet": std} {
		if other == sig {
			continue // this signature has no character the alphabets spell apart
		}
		if resp := a.Send(t, "GET", base+other, nil, ""); resp.Status != http.StatusNotFound {
			t.Errorf("%s %s: Status=%v, want 404", name, other, resp.Status)
		}
	}
}

// Ensure everything a requester typed is shown as text on the status
// page: no markup of theirs reaches the page.
func TestFormStatus_escapes(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	const subject = `<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"`
	body := mustJSON(t, map[string]string{"name": "Mallory", "email": "m@acme.test", "category": "software", "subject": subject})
	_, link := MustFiled(t, a.Send(t, "POST", "/forms/it-help", fetchJSON(), body), true)
	page := string(a.Send(t, "GET", link, nil, "").Body)
	if want := `&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#34;quotes&#34;`; statusField(page, "subject") != want {
		t.Errorf("subject shown as %q, want %q", statusField(page, "subject"), want)
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "<img") {
		t.Error("the requester's markup reached the page")
	}
}

// Ensure the API refuses forms it could not give status links for: a
// config made in code rather than parsed may lack the secret.
func TestNew_formsNeedSecret(t *testing.T) {
	t.Parallel()
	cfg := &policy.Config{Forms: []policy.Form{{Name: "it-help", Title: "IT help", Categories: []string{"a"}}}}
	if _, err := httpapi.New(&desk.Service{Config: cfg}, cfg, httpapi.Options{}); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Errorf("New: err=%v, want one about the forms secret", err)
	}
}
