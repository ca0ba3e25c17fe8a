package figures

import (
	"maps"
	"math"
	"slices"
	"time"
)

// Ratio is how much wider each bin of a Hist is than the one before it.
// A percentile read from a Hist is the geometric middle of the bin that
// holds the exact value, so it is within a factor of √Ratio (under 5%)
// of it, for durations of a second or more; under a second it reads 0.
const Ratio = 1.1

// Hist is a histogram of durations: bin 0 holds those under a second, bin
// b ≥ 1 those from Ratio^(b-1) seconds up to Ratio^b. Bins are sparse and
// a month fits in 160 of them, so a rollup stays small however many
// durations it holds, and two rollups add bin by bin.
type Hist map[int]int

// Bin returns the bin of d.
func Bin(d time.Duration) int {
	s := d.Seconds()
	if s < 1 {
		return 0
	}
	return 1 + int(math.Floor(math.Log(s)/math.Log(Ratio)))
}

// middle is what a percentile in bin b reads.
func middle(b int) time.Duration {
	if b <= 0 {
		return 0
	}
	s := math.Pow(Ratio, float64(b)-0.5)
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond)
}

// Add counts d.
func (h Hist) Add(d time.Duration) { h[Bin(d)]++ }

// Merge adds o's counts to h.
func (h Hist) Merge(o Hist) {
	for b, n := range o {
		h[b] += n
	}
}

// Count is how many durations h holds.
func (h Hist) Count() int {
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

// Quantile returns the q-th quantile (0 < q ≤ 1) by nearest rank: the
// middle of the bin holding the ⌈q·n⌉-th smallest duration; 0 when h is
// empty.
func (h Hist) Quantile(q float64) time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := max(1, int(math.Ceil(q*float64(n))))
	seen := 0
	for _, b := range slices.Sorted(maps.Keys(h)) {
		if seen += h[b]; seen >= rank {
			return middle(b)
		}
	}
	return 0 // not reached
}
