package figures

import (
	"math"
	"time"
)

// Ratio is how much wider each bin of a Hist is than the one before it.
// A percentile read from a Hist is the geometric middle of the bin that
// holds the exact value, so it is within a factor of √Ratio (under 5%)
// of it, for durations of a second or more; under a second it reads 0.
const Ratio = 1.1

// Hist is a histogram of durations: bin 0 holds those under a second, bin
// b ≥ 1 those from Ratio^(b-1) seconds up to Ratio^b; h[b] is how many
// fell in bin b. A month fits in 160 bins, so a rollup stays small however
// many durations it holds, and two rollups add bin by bin: a slice, not a
// map, because a report adds thousands of them. The last bin of a Hist
// is never empty.
type Hist []int

// MaxBins bounds the bins a stored rollup may hold (bin 400 begins at
// some 1.2 million years), so that a damaged rollup cannot make a report
// allocate without end.
const MaxBins = 400

// One is the histogram of one duration.
func One(d time.Duration) Hist {
	h := make(Hist, Bin(d)+1)
	h[len(h)-1] = 1
	return h
}

// AddBin adds n durations to bin b.
func (h *Hist) AddBin(b, n int) {
	h.grow(b + 1)
	(*h)[b] += n
}

// grow makes h n bins long if it is shorter, room for more included: a
// report adds bins in no order.
func (h *Hist) grow(n int) {
	switch {
	case n <= len(*h):
	case n <= cap(*h):
		*h = (*h)[:n] // the bins past len were never used: zero
	default:
		g := make(Hist, n, max(n, 2*cap(*h), 32))
		copy(g, *h)
		*h = g
	}
}

// Bin returns the bin of d.
func Bin(d time.Duration) int {
	s := d.Seconds()
	if s < 1 {
		return 0
	}
	return 1 + int(math.Floor(math.Log(s)/math.Log(Ratio)))
}

// Middle is what a percentile in bin b reads: the geometric middle of the bin.
func Middle(b int) time.Duration {
	if b <= 0 {
		return 0
	}
	s := math.Pow(Ratio, float64(b)-0.5)
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond)
}

// Add counts d.
func (h *Hist) Add(d time.Duration) { h.AddBin(Bin(d), 1) }

// Merge adds o's counts to h.
func (h *Hist) Merge(o Hist) {
	h.grow(len(o))
	for b, n := range o {
		(*h)[b] += n
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
	for b, c := range h {
		if seen += c; seen >= rank {
			return Middle(b)
		}
	}
	return 0 // not reached
}
