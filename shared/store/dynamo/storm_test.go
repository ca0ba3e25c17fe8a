package dynamo_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

const stormAlert = `{"title":"disk full on db-1","dedup_key":"disk-db-1","description":"/var at 97%"}`

// storm posts n repeats of stormAlert at once and returns how many were
// answered with a status other than 202, and the first such answer.
func storm(a *API, n int) (failed int, first string) {
	var bad atomic.Int64
	var once sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	defer client.CloseIdleConnections()
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", a.URL+"/v1/hooks/monitor", strings.NewReader(stormAlert))
			req.Header.Set("Authorization", "Bearer "+hookToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				bad.Add(1)
				once.Do(func() { first = err.Error() })
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				bad.Add(1)
				once.Do(func() { first = fmt.Sprintf("%d %s", resp.StatusCode, body) })
			}
		})
	}
	wg.Wait()
	return int(bad.Load()), first
}

// Ensure an alert storm on one key holds: 1,000 repeats of one alert at
// once, each DynamoDB request taking a round trip, are all answered 202,
// the ticket counts every one, and each occurrence milestone (2, 10, 100,
// 1000) is on its timeline once. A repeat that only counts is one
// UpdateItem; the report gives the requests and capacity per repeat.
func TestAlertStormOnOneKey(t *testing.T) {
	const n = 1000
	a := MustOpenAPI(t)
	id, _ := a.MustHook(t, stormAlert)
	a.SetLatency(2 * time.Millisecond)
	a.Counter.Reset()
	a.Capacity.Take()
	start := time.Now()
	if failed, first := storm(a, n); failed != 0 {
		t.Fatalf("%d of %d repeats were not answered 202; the first: %s", failed, n, first)
	}
	took := time.Since(start)
	counts := a.Counter.Take()
	index := a.Capacity.Index()
	wru, rru := a.Capacity.Take()
	a.SetLatency(0)

	got, err := a.Store.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var milestones []int
	for _, e := range got.Timeline {
		if e.Kind == ticket.EventOccurred {
			milestones = append(milestones, e.Count)
		}
	}
	slices.Sort(milestones) // racing repeats may record two in either order
	if got.Occurrences != n+1 || fmt.Sprint(milestones) != "[2 10 100 1000]" {
		t.Fatalf("after the storm: %d occurrences, occurred events at %v; want %d and events at 2, 10, 100, 1000", got.Occurrences, milestones, n+1)
	}
	w, r := split(counts)
	t.Logf("REPORT storm of %d repeats of one key (2 ms a DynamoDB request): %.3f write and %.3f read requests, %.3f WRU (%.3f index) and %.3f RRU a repeat; %v in all",
		n, float64(w)/n, float64(r)/n, wru/n, index/n, rru/n, took.Round(time.Millisecond))
}
