package dynamo_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/store"
)

// results reads the outcomes of a hook's answer, in order.
func results(tb testing.TB, r Response) (ids, outcomes []string) {
	tb.Helper()
	var out struct {
		Results []struct {
			TicketID string `json:"ticket_id"`
			Outcome  string `json:"outcome"`
		} `json:"results"`
	}
	if r.Status != http.StatusAccepted || json.Unmarshal([]byte(r.Body), &out) != nil {
		tb.Fatalf("answer %d %s, want 202 with results", r.Status, r.Body)
	}
	for _, res := range out.Results {
		ids, outcomes = append(ids, res.TicketID), append(outcomes, res.Outcome)
	}
	return ids, outcomes
}

// occurrences returns each listed ticket's count by dedup key.
func occurrences(tb testing.TB, a *API) map[string]int {
	tb.Helper()
	page, err := a.Store.List(ctx, store.Query{Limit: store.MaxLimit})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]int{}
	for _, t := range page.Tickets {
		out[t.DedupKey] = t.Occurrences
	}
	return out
}

// Ensure a request of several alerts that fails part-way on DynamoDB (the
// writes after the first few answer 500 through the SDK's retries) is
// answered 503, and that the sender's retry of the same request stores
// the rest without counting any alert twice: the alerts stored before
// are answered as duplicates, and the other keys' tickets are created.
// The same request once more, after it succeeded, is a monitor firing
// again: it counts again. Two alerts of one key in the request keep
// their order across the failure.
func TestRequestFailingPartWayResumesOnRetry(t *testing.T) {
	const list = `[{"title":"disk a","dedup_key":"a"},{"title":"disk b","dedup_key":"b"},{"title":"disk a","dedup_key":"a"},
		{"title":"disk c","dedup_key":"c"},{"title":"disk d","dedup_key":"d"},{"title":"disk e","dedup_key":"e"}]`
	for _, stored := range []int{0, 1, 3, 5} {
		t.Run(fmt.Sprintf("fails_after_%d_writes", stored), func(t *testing.T) {
			a := MustOpenAPI(t)
			a.FailWritesAfter(stored)
			if resp := a.Hook(t, list); resp.Status != http.StatusServiceUnavailable {
				t.Fatalf("answer %d %s while writes fail, want 503", resp.Status, resp.Body)
			}
			a.FailWritesAfter(-1)
			partial := occurrences(t, a)
			total := 0
			for _, n := range partial {
				total += n
			}
			// Writes under way when the first failed may still land, as
			// on DynamoDB: at least the first ones are stored.
			if total < stored || total >= 6 {
				t.Fatalf("after %d writes the table counts %d alerts (%v), want %d to 5", stored, total, partial, stored)
			}

			_, outcomes := results(t, a.Hook(t, list))
			if dup := strings.Count(strings.Join(outcomes, " "), "duplicate"); dup != total {
				t.Fatalf("the retry answered %v: %d duplicates, want the %d alerts stored before", outcomes, dup, total)
			}
			want := map[string]int{"a": 2, "b": 1, "c": 1, "d": 1, "e": 1}
			if got := occurrences(t, a); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("after the retry the counts are %v, want %v: each alert once", got, want)
			}

			_, outcomes = results(t, a.Hook(t, list))
			if strings.Contains(strings.Join(outcomes, " "), "duplicate") {
				t.Fatalf("the same request after it succeeded answered %v, want it counted as news", outcomes)
			}
			want = map[string]int{"a": 4, "b": 2, "c": 2, "d": 2, "e": 2}
			if got := occurrences(t, a); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("after the request again the counts are %v, want %v", got, want)
			}
		})
	}
}
