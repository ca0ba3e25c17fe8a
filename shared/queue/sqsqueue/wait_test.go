package sqsqueue

import (
	"testing"
	"time"
)

// Ensure Receive's wait becomes SQS's WaitTimeSeconds rounded to whole
// seconds, between a short poll (0) and SQS's longest poll (20).
func TestWaitSeconds(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want int32
	}{
		{0, 0},
		{-time.Second, 0},
		{400 * time.Millisecond, 0},
		{500 * time.Millisecond, 1},
		{time.Second, 1},
		{1499 * time.Millisecond, 1},
		{5 * time.Second, 5},
		{20 * time.Second, 20},
		{time.Minute, 20},
	}
	for _, tc := range tests {
		if got := waitSeconds(tc.wait); got != tc.want {
			t.Errorf("waitSeconds(%v) = %d, want %d", tc.wait, got, tc.want)
		}
	}
}
