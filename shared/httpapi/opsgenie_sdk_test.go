package httpapi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsgenie/opsgenie-go-sdk-v2/alert"
	"github.com/opsgenie/opsgenie-go-sdk-v2/client"
	"github.com/sirupsen/logrus"
)

// The Opsgenie drop-in as a migrating team's code sees it: Opsgenie's own
// Go SDK, pointed at tierline. The SDK takes a host, not a URL, and
// speaks https to a host with "api" in its name, plain http to any other
// (its own comment says: for tests); these tests serve tierline both ways.
//
// They do not run in parallel: the SDK writes a package variable
// (client.UserAgentHeader) whenever a client is made, and reads it in
// every request, so two tests using it at once race.

// opsgenieSDK returns the SDK's alert client for key at host, over hc.
func opsgenieSDK(tb testing.TB, host, key string, hc *http.Client) *alert.Client {
	tb.Helper()
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	c, err := alert.NewClient(&client.Config{ApiKey: key, OpsGenieAPIURL: client.ApiUrl(host), Logger: quiet, HttpClient: hc})
	if err != nil {
		tb.Fatalf("alert.NewClient: %v", err)
	}
	return c
}

// opsgenieHTTP is the SDK for key against a over plain http: a's host has
// no "api" in it.
func opsgenieHTTP(tb testing.TB, a *API, key string) *alert.Client {
	return opsgenieSDK(tb, strings.TrimPrefix(a.URL, "http://"), key, &http.Client{Timeout: 10 * time.Second})
}

// mustStatus retrieves the status of an accepted request through the SDK.
func mustStatus(tb testing.TB, res *alert.AsyncAlertResult) *alert.RequestStatusResult {
	tb.Helper()
	st, err := res.RetrieveStatus(context.Background())
	if err != nil {
		tb.Fatalf("RetrieveStatus: %v", err)
	}
	return st
}

// apiError is the SDK's error value, which must carry tierline's status
// and message.
func apiError(tb testing.TB, err error, status int, msg string) {
	tb.Helper()
	var ae *client.ApiError
	if !errors.As(err, &ae) {
		tb.Fatalf("err=%v (%T), want a *client.ApiError", err, err)
	}
	if ae.StatusCode != status || !strings.Contains(ae.Message, msg) || ae.RequestId == "" || !strings.Contains(ae.Error(), msg) {
		tb.Errorf("ApiError %d %q (requestId %q), want %d saying %q", ae.StatusCode, ae.Message, ae.RequestId, status, msg)
	}
}

// Ensure the whole life of an alert through the SDK: create, a repeat
// counted (and the count visible), the request status of each call,
// the alert by id and by alias, acknowledge, a note, close.
func TestOpsgenieSDK_lifecycle(t *testing.T) {
	a := MustOpenSenders(t)
	og := opsgenieHTTP(t, a.API, genieKey)
	ctx := context.Background()
	const alias = "vpn-gw-fra-2-hq"
	create := &alert.CreateAlertRequest{Message: "VPN gateway gw-fra-2 tunnel to HQ down", Alias: alias,
		Description: "IPsec SA renegotiation failing since 02:10 UTC.", Tags: []string{"vpn", "site:fra"},
		Details: map[string]string{"peer": "198.51.100.20"}, Entity: "gw-fra-2", Source: "netwatch", Priority: alert.P2, Note: "auto-created"}
	res, err := og.Create(ctx, create)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if res.Result != "Request will be processed" || res.RequestId == "" || res.ResponseTime == 0 || res.RateLimitState != "OK" {
		t.Errorf("Create result %+v, want Opsgenie's answer with its metadata", res)
	}
	st := mustStatus(t, res)
	id := st.AlertID
	if !st.IsSuccess || st.Action != "Create" || st.Status != "Created alert" || st.Alias != alias || id == "" ||
		st.IntegrationId != "netwatch" || !st.ProcessedAt.Equal(a.Clock.Now()) {
		t.Fatalf("status %+v, want a created alert %s of netwatch processed at %v", st, alias, a.Clock.Now())
	}
	// Ensure the same create again is counted on the same alert, and the count shows.
	a.Clock.Add(time.Minute)
	again, err := og.Create(ctx, create)
	if err != nil {
		t.Fatalf("Create again: %v", err)
	}
	if st := mustStatus(t, again); !st.IsSuccess || st.AlertID != id || !strings.Contains(st.Status, "occurrence") {
		t.Errorf("status of the repeat %+v, want an occurrence of %s", st, id)
	}
	got, err := og.Get(ctx, &alert.GetAlertRequest{IdentifierType: alert.ALIAS, IdentifierValue: alias})
	if err != nil {
		t.Fatalf("Get by alias: %v", err)
	}
	if got.Id != id || got.TinyId != id || got.Alias != alias || got.Count != 2 || got.Status != "open" || got.Acknowledged ||
		got.Message != create.Message || got.Description != create.Description || got.Priority != alert.P2 || got.Entity != "gw-fra-2" ||
		got.Source != "netwatch" || !slices.Equal(got.Tags, create.Tags) || got.Details["peer"] != "198.51.100.20" ||
		!got.CreatedAt.Equal(start) || !got.LastOccurredAt.Equal(a.Clock.Now()) || got.Integration.Name != "netwatch" {
		t.Errorf("alert by alias %+v, want the created alert counted twice", got)
	}
	byID, err := og.Get(ctx, &alert.GetAlertRequest{IdentifierValue: id})
	if err != nil || byID.Id != id || byID.Alias != alias || byID.Count != 2 {
		t.Errorf("Get by id: %+v %v, want the same alert", byID, err)
	}
	// Ensure acknowledge (by id), a note and close (by alias) are applied, each with its status.
	ack, err := og.Acknowledge(ctx, &alert.AcknowledgeAlertRequest{IdentifierValue: id, Note: "on-call paged", User: "ann"})
	if err != nil {
		t.Fatalf("Acknowledge: %v", err)
	}
	if st := mustStatus(t, ack); !st.IsSuccess || st.Action != "Acknowledge" || st.AlertID != id || st.Alias != alias {
		t.Errorf("acknowledge status %+v", st)
	}
	note, err := og.AddNote(ctx, &alert.AddNoteRequest{IdentifierType: alert.ALIAS, IdentifierValue: alias, Note: "peer answers ping"})
	if err != nil {
		t.Fatalf("AddNote: %v", err)
	}
	if st := mustStatus(t, note); !st.IsSuccess || st.Action != "AddNote" || st.AlertID != id {
		t.Errorf("note status %+v", st)
	}
	a.Clock.Add(time.Minute)
	closed, err := og.Close(ctx, &alert.CloseAlertRequest{IdentifierType: alert.ALIAS, IdentifierValue: alias, Note: "tunnel re-established"})
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	if st := mustStatus(t, closed); !st.IsSuccess || st.Action != "Close" || st.Status != "Closed alert" || st.AlertID != id {
		t.Errorf("close status %+v", st)
	}
	got, err = og.Get(ctx, &alert.GetAlertRequest{IdentifierType: alert.TINYID, IdentifierValue: id})
	if err != nil || got.Status != "closed" || !got.Acknowledged || got.Report.CloseTime != (2*time.Minute).Milliseconds() || got.Report.ClosedBy != "netwatch" {
		t.Errorf("closed alert %+v %v, want closed, acknowledged, closed 2m after creation by netwatch", got, err)
	}
	tk := a.MustGet(t, id)
	if _, notes := timelineOf(tk); tk.Resolution != "tunnel re-established" || strings.Join(notes, "|") != "auto-created|on-call paged|peer answers ping|tunnel re-established" {
		t.Errorf("ticket resolution %q notes %q", tk.Resolution, notes)
	}
	// Ensure closing again, and closing an alias with no alert, are accepted and say so.
	if again, err := og.Close(ctx, &alert.CloseAlertRequest{IdentifierValue: id}); err != nil {
		t.Errorf("Close again: %v", err)
	} else if st := mustStatus(t, again); !st.IsSuccess || st.Status != "Alert is already closed" {
		t.Errorf("second close status %+v", st)
	}
	if none, err := og.Close(ctx, &alert.CloseAlertRequest{IdentifierType: alert.ALIAS, IdentifierValue: "never-seen"}); err != nil {
		t.Errorf("Close of no alert: %v", err)
	} else if st := mustStatus(t, none); st.IsSuccess || st.Status != "Alert does not exist" || st.AlertID != "" {
		t.Errorf("status of a close of no alert %+v, want Opsgenie's not a success", st)
	}
}

// Ensure bad input reaches the SDK's error value with tierline's message,
// in Opsgenie's error shape, and another integration's alerts and
// requests are not found.
func TestOpsgenieSDK_refused(t *testing.T) {
	a := MustOpenSenders(t)
	og, other := opsgenieHTTP(t, a.API, genieKey), opsgenieHTTP(t, a.API, otherGenieKey)
	ctx := context.Background()
	res, err := og.Create(ctx, &alert.CreateAlertRequest{Message: "Badge reader lobby offline", Alias: "badge-lobby"})
	if err != nil {
		t.Fatal(err)
	}
	id := mustStatus(t, res).AlertID
	before := a.MustSnapshot(t)

	_, err = og.Create(ctx, &alert.CreateAlertRequest{Message: "m", Priority: "urgent"})
	apiError(t, err, http.StatusUnprocessableEntity, "priority")
	_, err = og.Get(ctx, &alert.GetAlertRequest{IdentifierType: alert.ALIAS, IdentifierValue: "never-seen"})
	apiError(t, err, http.StatusNotFound, "Alert does not exist")
	_, err = opsgenieHTTP(t, a.API, "guessed-key").Create(ctx, &alert.CreateAlertRequest{Message: "m"})
	apiError(t, err, http.StatusUnauthorized, "GenieKey")
	_, err = og.AddNote(ctx, &alert.AddNoteRequest{IdentifierValue: "0c7g2m4x9k3t1p", Note: "n"})
	apiError(t, err, http.StatusNotFound, "not found")

	// Ensure the other integration sees neither the alert nor the request.
	_, err = other.Get(ctx, &alert.GetAlertRequest{IdentifierValue: id})
	apiError(t, err, http.StatusNotFound, "Alert does not exist")
	_, err = other.GetRequestStatus(ctx, &alert.GetRequestStatusRequest{RequestId: res.RequestId})
	apiError(t, err, http.StatusNotFound, "not found")
	// Ensure a request id altered in one character, spelled otherwise (the
	// last character's spare bits), or made up, is not found.
	forged := []byte(res.RequestId)
	forged[5] ^= 1
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	n := len(res.RequestId) - 1
	respelled := res.RequestId[:n] + string(alphabet[strings.IndexByte(alphabet, res.RequestId[n])^1])
	for _, rid := range []string{string(forged), respelled, "70413a06-38d6-4c85-92b8-5ebc900d42e2"} {
		_, err = og.GetRequestStatus(ctx, &alert.GetRequestStatusRequest{RequestId: rid})
		apiError(t, err, http.StatusNotFound, "not found")
	}
	a.AssertUnchanged(t, before)
}

// Ensure the SDK reaches tierline over TLS when, as in production, the
// host has "api" in its name (tierline's API Gateway host does), with a
// client that trusts tierline's certificate, as the SDK's config allows.
func TestOpsgenieSDK_tls(t *testing.T) {
	a := MustOpenSenders(t)
	ts := httptest.NewTLSServer(a.Handler)
	t.Cleanup(ts.Close)
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	var dialer net.Dialer
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, ts.Listener.Addr().String()) // api.example.com is this server
		},
	}}
	og := opsgenieSDK(t, "api.example.com", genieKey, hc)
	res, err := og.Create(context.Background(), &alert.CreateAlertRequest{Message: "Core switch fan failure", Alias: "core-fan"})
	if err != nil {
		t.Fatalf("Create over TLS: %v", err)
	}
	if st := mustStatus(t, res); !st.IsSuccess || st.Alias != "core-fan" {
		t.Errorf("status %+v, want the created alert", st)
	}
}
