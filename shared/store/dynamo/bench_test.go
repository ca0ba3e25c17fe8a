package dynamo_test

import (
	"fmt"
	"testing"
)

// BenchmarkIngest posts alerts through the api stack to the dynamo store
// on an in-process minidyn and reports the DynamoDB requests per alert
// beside the time (which measures this machine and minidyn, not AWS).
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
			n := 0
			for b.Loop() {
				a.MustHook(b, fmt.Sprintf(`{"title":"disk full","dedup_key":%q}`, tc.key(n)))
				n++
			}
			w, r := split(a.Counter.Counts())
			b.ReportMetric(float64(w)/float64(n), "writes/op")
			b.ReportMetric(float64(r)/float64(n), "reads/op")
		})
	}
}
