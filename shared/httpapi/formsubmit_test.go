package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/wire"
)

// janaHardware is the ticket the urlencoded and multipart samples file.
var janaHardware = wire.Ticket{Integration: "it-help", Source: "form:it-help", DedupKey: "form:Q7ZK4M2XW3NB5VJ6TR8PLC2DHA",
	Title: "Laptop dock dead", Description: "No power on the dock since this morning.\nTried another socket and another cable.",
	Requester: &wire.Person{Name: "Jana Kovač", Email: "jana.k@acme.test"}, Category: "hardware",
	Labels: map[string]string{"impact": "high"}, Priority: "P2", Tier: "L1", Status: "open", Occurrences: 1}

// janaNetwork is the ticket the JSON sample files.
var janaNetwork = wire.Ticket{Integration: "it-help", Source: "form:it-help", DedupKey: "form:3f0c8a52-7d4e-4b1a-9c65-2e8f1d7a4b90",
	Title: "VPN drops every few minutes", Description: "Since Monday, on the office Wi-Fi and at home.",
	Requester: &wire.Person{Name: "Jana Kovač", Email: "jana.k@acme.test"}, Category: "network",
	Labels: map[string]string{"impact": "medium"}, Priority: "P3", Tier: "L1", Status: "open", Occurrences: 1}

// AssertFormTicket checks the fields a form sets on a ticket.
func AssertFormTicket(tb testing.TB, got, want wire.Ticket) {
	tb.Helper()
	type fields struct {
		Integration, Source, DedupKey, Title, Description, Category, Priority, Tier, Status string
		Requester                                                                           wire.Person
		Impact                                                                              string
		Occurrences                                                                         int
	}
	of := func(t wire.Ticket) fields {
		f := fields{t.Integration, t.Source, t.DedupKey, t.Title, t.Description, t.Category, t.Priority, t.Tier, t.Status,
			wire.Person{}, t.Labels["impact"], t.Occurrences}
		if t.Requester != nil {
			f.Requester = *t.Requester
		}
		return f
	}
	if g, w := of(got), of(want); g != w {
		tb.Errorf("ticket\n  %+v\nwant\n  %+v", g, w)
	}
}

// Ensure each way of posting a form files the ticket it describes, and is
// answered as its sender expects: 303 for a browser, 201 for a script.
func TestFormSubmit_contentTypes(t *testing.T) {
	t.Parallel()
	urlencoded := MustReadEvent(t, "it-help.urlencoded")
	multipart := MustReadEvent(t, "it-help.multipart")
	jsonBody := MustReadEvent(t, "it-help.json")
	tests := []struct {
		name   string
		header http.Header
		body   string
		script bool
		want   wire.Ticket
	}{
		// Ensure a browser's urlencoded post is filed and redirected to its status page.
		{name: "urlencoded_browser", header: browser("application/x-www-form-urlencoded"), body: urlencoded, want: janaHardware},
		// Ensure a browser's multipart post (enctype="multipart/form-data") is filed the same.
		{name: "multipart_browser", header: browser(multipartType(t, multipart)), body: multipart, want: janaHardware},
		// Ensure a charset parameter is fine.
		{name: "urlencoded_charset", header: browser("application/x-www-form-urlencoded; charset=UTF-8"), body: urlencoded, want: janaHardware},
		// Ensure a script's JSON post is answered 201 with the ticket and its link.
		{name: "json_fetch", header: fetchJSON(), body: jsonBody, script: true, want: janaNetwork},
		// Ensure a JSON body asks for a JSON answer even without Accept.
		{name: "json_without_accept", header: Headers("Content-Type", "application/json"), body: jsonBody, script: true, want: janaNetwork},
		// Ensure a script posting URLSearchParams with Accept: application/json gets JSON.
		{name: "urlencoded_fetch", header: Headers("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
			body: urlencoded, script: true, want: janaHardware},
		// Ensure a script posting FormData with Accept: application/json gets JSON.
		{name: "multipart_fetch", header: Headers("Content-Type", multipartType(t, multipart), "Accept", "application/json, text/plain;q=0.5"),
			body: multipart, script: true, want: janaHardware},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := MustOpenForms(t)
			resp := a.Send(t, "POST", "/forms/it-help", tt.header, tt.body)
			id, link := MustFiled(t, resp, tt.script)
			if want := a.URL + "/forms/it-help/status/" + id + "/"; !strings.HasPrefix(link, want) {
				t.Errorf("status link %q, want it under %s", link, want)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control=%q, want no-store", cc)
			}
			AssertFormTicket(t, a.MustGet(t, id), tt.want)
			if page := a.Send(t, "GET", link, nil, ""); page.Status != http.StatusOK || !strings.Contains(string(page.Body), id) {
				t.Errorf("status page: Status=%v, want 200 naming %s; body %s", page.Status, id, page.Body)
			}
		})
	}
}

// Ensure a second send of a rendered form files nothing: the same ticket,
// the same answer, no occurrence counted.
func TestFormSubmit_idempotency(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	body := form(valid("K7Q2M9XV4LPR8ST1WZ3YB6NC")...)
	first, firstLink := MustFiled(t, a.Send(t, "POST", "/forms/it-help", browser("application/x-www-form-urlencoded"), body), false)
	again, againLink := MustFiled(t, a.Send(t, "POST", "/forms/it-help", browser("application/x-www-form-urlencoded"), body), false)
	if again != first || againLink != firstLink {
		t.Errorf("second send: %s %s, want %s %s", again, againLink, first, firstLink)
	}
	// Ensure a script resending the same key gets the same ticket too.
	script, _ := MustFiled(t, a.Send(t, "POST", "/forms/it-help",
		Headers("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"), body), true)
	if script != first {
		t.Errorf("script resend: ticket %s, want %s", script, first)
	}
	tk := a.MustGet(t, first)
	if tk.Occurrences != 1 || tk.Version != 1 {
		t.Errorf("Occurrences=%d Version=%d, want 1 1", tk.Occurrences, tk.Version)
	}
	if n := len(a.MustSnapshot(t)); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}

	// Ensure the same key with other answers shows the form again with a
	// new key and the answers kept, and stores nothing.
	before := a.MustSnapshot(t)
	changed := valid("K7Q2M9XV4LPR8ST1WZ3YB6NC")
	changed[9] = "Excel and Word crash"
	resp := a.Send(t, "POST", "/forms/it-help", browser("application/x-www-form-urlencoded"), form(changed...))
	page := MustFormPage(t, resp, http.StatusUnprocessableEntity)
	if page.Key == "" || page.Key == "K7Q2M9XV4LPR8ST1WZ3YB6NC" {
		t.Errorf("key %q, want a new one", page.Key)
	}
	if !strings.Contains(page.Body, "This form was sent before with other answers") || page.Values["subject"] != "Excel and Word crash" {
		t.Errorf("page does not say the form was sent before, or lost the subject (%q)", page.Values["subject"])
	}
	a.AssertUnchanged(t, before)

	// Ensure the new key files the changed request.
	changed[13] = page.Key
	if id, _ := MustFiled(t, a.Send(t, "POST", "/forms/it-help", browser("application/x-www-form-urlencoded"), form(changed...)), false); id == first {
		t.Errorf("with the new key: ticket %s, want a new one", id)
	}
}

// Ensure a filled-in honeypot gets the answer of a success while nothing
// is stored, and its link leads nowhere.
func TestFormSubmit_honeypot(t *testing.T) {
	t.Parallel()
	a := MustOpenForms(t)
	a.MustCreate(t, "existing")
	before := a.MustSnapshot(t)
	bot := valid("B0TB0TB0TB0TB0TB0TB0TB")
	bot[len(bot)-1] = "https://spam.example"
	tests := []struct {
		name   string
		header http.Header
		body   string
		script bool
	}{
		// Ensure a bot posting the form is redirected as a person would be.
		{name: "browser", header: browser("application/x-www-form-urlencoded"), body: form(bot...)},
		// Ensure a bot posting JSON gets a ticket-shaped 201.
		{name: "json", header: fetchJSON(), script: true,
			body: `{"name": "x", "email": "x@spam.example", "category": "software", "subject": "cheap pills", "website": "https://spam.example"}`},
		// Ensure the honeypot wins over invalid fields: a bot learns nothing.
		{name: "invalid_fields", header: browser("application/x-www-form-urlencoded"), body: form("website", "https://spam.example")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, link := MustFiled(t, a.Send(t, "POST", "/forms/it-help", tt.header, tt.body), tt.script)
			if page := a.Send(t, "GET", link, nil, ""); page.Status != http.StatusNotFound {
				t.Errorf("honeypot's link: Status=%v, want 404", page.Status)
			}
		})
	}
	a.AssertUnchanged(t, before)
}
