package dynamo_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	miniserver "github.com/truora/minidyn/server"
)

// Ensure that when DynamoDB fails (minidyn's failure emulation: every
// request, or only the writes, answer 500 through the SDK's retries) the
// api answers 503 with Retry-After and an "unavailable" error, nothing
// half-written stays in the table, and the sender's retry after recovery
// is stored whole.
func TestDynamoFailureAnswers503AndWritesNothing(t *testing.T) {
	const alert = `{"title":"disk full on db-1","dedup_key":"disk-db-1"}`
	tests := []struct {
		name  string
		setup func(t *testing.T, a *API) string // stores what the case starts from; returns a ticket ID or ""
		fail  func(a *API, on bool)
		send  func(t *testing.T, a *API, id string) Response
	}{
		{
			name:  "new_alert_every_request_fails",
			setup: func(*testing.T, *API) string { return "" },
			fail:  emulateAll,
			send:  func(t *testing.T, a *API, _ string) Response { return a.Hook(t, alert) },
		},
		{
			name:  "new_alert_write_fails_after_reads",
			setup: func(*testing.T, *API) string { return "" },
			fail:  (*API).FailWrites,
			send:  func(t *testing.T, a *API, _ string) Response { return a.Hook(t, alert) },
		},
		{
			name:  "repeat_write_fails",
			setup: func(t *testing.T, a *API) string { id, _ := a.MustHook(t, alert); return id },
			fail:  (*API).FailWrites,
			send:  func(t *testing.T, a *API, _ string) Response { return a.Hook(t, alert) },
		},
		{
			name:  "acknowledge_write_fails",
			setup: func(t *testing.T, a *API) string { id, _ := a.MustHook(t, alert); return id },
			fail:  (*API).FailWrites,
			send: func(t *testing.T, a *API, id string) Response {
				return a.Call(t, "POST", "/v1/tickets/"+id+"/acknowledge", `{"actor":"alice"}`)
			},
		},
		{
			name:  "resolve_signal_write_fails",
			setup: func(t *testing.T, a *API) string { id, _ := a.MustHook(t, alert); return id },
			fail:  (*API).FailWrites,
			send: func(t *testing.T, a *API, _ string) Response {
				return a.Hook(t, `{"title":"disk full on db-1","dedup_key":"disk-db-1","action":"resolve"}`)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := MustOpenAPI(t)
			id := tc.setup(t, a)
			before := a.Items(t)

			tc.fail(a, true)
			resp := tc.send(t, a, id)
			tc.fail(a, false)

			if resp.Status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("answer %d (Retry-After %q) %s, want 503 with Retry-After", resp.Status, resp.Header.Get("Retry-After"), resp.Body)
			}
			var e struct{ Error struct{ Code string } }
			if json.Unmarshal([]byte(resp.Body), &e); e.Error.Code != "unavailable" {
				t.Fatalf("error body %s, want code unavailable", resp.Body)
			}
			if after := a.Items(t); !slices.Equal(Keys(after), Keys(before)) || !sameItems(before, after) {
				t.Fatalf("after the failed request the table holds %v, want it as before: %v", Keys(after), Keys(before))
			}

			// The sender retries once DynamoDB is back: stored whole.
			if retry := tc.send(t, a, id); retry.Status/100 != 2 {
				t.Fatalf("retry after recovery: %d %s, want 2xx", retry.Status, retry.Body)
			}
			if id == "" {
				if keys := Keys(a.Items(t)); len(keys) != 4 {
					t.Fatalf("after the retry the table holds %v, want a head, its created event, the dedup item and the hour's rollup", keys)
				}
			}
		})
	}
}

func emulateAll(a *API, on bool) {
	if on {
		a.Server.EmulateFailure(miniserver.FailureConditionInternalServerError)
	} else {
		a.Server.EmulateFailure(miniserver.FailureConditionNone)
	}
}
