package dynamo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
)

// BenchmarkIngest posts alerts through the api stack to the dynamo store
// on an in-process minidyn and reports the DynamoDB requests and capacity
// units per alert (index writes included) beside the time (which
// measures this machine and minidyn, not AWS).
func BenchmarkIngest(b *testing.B) {
	for _, tc := range []struct {
		name string
		key  func(i int) string
	}{
		{"new", func(i int) string { return fmt.Sprintf("disk-%d", i) }},
		{"repeat", func(int) string { return "disk" }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			a := MustOpenAPI(b)
			a.MustHook(b, `{"title":"disk full","dedup_key":"disk"}`)
			a.Counter.Reset()
			a.Capacity.Take()
			n := 0
			for b.Loop() {
				a.MustHook(b, fmt.Sprintf(`{"title":"disk full","dedup_key":%q}`, tc.key(n)))
				n++
			}
			report(b, a, n)
		})
	}
}

// BenchmarkStorm posts waves of 200 repeats of one alert at once, each
// DynamoDB request taking 2 ms, and reports per repeat the requests,
// capacity units and answers other than 202: through the storm path
// (Store.Count), and through Upsert alone (every repeat reads the key and
// the ticket, then stores its count).
// go test -run '^$' -bench Storm ./shared/store/dynamo
func BenchmarkStorm(b *testing.B) {
	const wave = 200
	for _, tc := range []struct {
		name string
		o    apiOptions
	}{
		{"count", apiOptions{}},
		{"upsert", apiOptions{store: func(s store.Store) store.Store { return upsertOnly{s} }}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			a := MustOpenAPIWith(b, tc.o)
			a.MustHook(b, stormAlert)
			a.SetLatency(2 * time.Millisecond)
			a.Counter.Reset()
			a.Capacity.Take()
			n, failed := 0, 0
			for b.Loop() {
				f, _ := storm(a, wave)
				n, failed = n+wave, failed+f
			}
			a.SetLatency(0)
			report(b, a, n)
			b.ReportMetric(float64(failed)/float64(n), "non-202/repeat")
		})
	}
}

// report adds the requests and units per alert of n alerts.
func report(b *testing.B, a *API, n int) {
	w, r := split(a.Counter.Counts())
	index := a.Capacity.Index()
	wru, rru := a.Capacity.Take()
	b.ReportMetric(float64(w)/float64(n), "writes/op")
	b.ReportMetric(float64(r)/float64(n), "reads/op")
	b.ReportMetric(wru/float64(n), "WRU/op")
	b.ReportMetric(index/float64(n), "index-WRU/op")
	b.ReportMetric(rru/float64(n), "RRU/op")
}

// upsertOnly is a store without the storm path: every repeat is an
// Upsert.
type upsertOnly struct{ store.Store }

func (upsertOnly) Count(context.Context, string, string, store.Repeat) (string, int, bool, error) {
	return "", 0, false, nil
}
