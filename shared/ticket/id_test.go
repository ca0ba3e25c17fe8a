package ticket_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Random returns a reader of n random words 0, 1, 2… (big-endian uint32s):
// deterministic, and different for every ID drawn from it.
func Random(n int) io.Reader {
	b := make([]byte, 4*n)
	for i := range n {
		binary.BigEndian.PutUint32(b[4*i:], uint32(i))
	}
	return bytes.NewReader(b)
}

// MustID returns NewID(at, random).
func MustID(tb testing.TB, at time.Time, random io.Reader) string {
	tb.Helper()
	id, err := ticket.NewID(at, random)
	if err != nil {
		tb.Fatalf("NewID: %v", err)
	}
	return id
}

func TestNewID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		at   time.Time
	}{
		// Ensure the first millisecond of the epoch makes an ID.
		{name: "epoch", at: time.UnixMilli(1)},
		// Ensure a time with 41 bits of milliseconds round-trips.
		{name: "2001", at: time.Date(2001, time.September, 9, 1, 46, 40, 0, time.UTC)},
		// Ensure today's times round-trip, sub-millisecond digits dropped.
		{name: "now_with_nanoseconds", at: now.Add(589_999_999 * time.Nanosecond)},
		// Ensure a time with all 42 bits of milliseconds round-trips.
		{name: "2100", at: time.Date(2100, time.January, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := MustID(t, tt.at, bytes.NewReader([]byte{0xde, 0xad, 0xbe, 0xef}))
			if len(id) != 14 {
				t.Errorf("len(%q)=%d, want 14", id, len(id))
			}
			if parsed, err := ticket.ParseID(id); err != nil || parsed != id {
				t.Errorf("ParseID(%q)=%q, %v; want %q, nil", id, parsed, err, id)
			}
			if got, want := ticket.IDTime(id), tt.at.Truncate(time.Millisecond); !got.Equal(want) {
				t.Errorf("IDTime(%q)=%v, want %v", id, got.UTC(), want)
			}
		})
	}
}

// TestNewIDSorts checks that IDs sort as strings in the order of their times,
// whatever their random bits.
func TestNewIDSorts(t *testing.T) {
	t.Parallel()
	high := func() io.Reader { return bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}) }
	low := func() io.Reader { return bytes.NewReader([]byte{0, 0, 0, 0}) }
	tests := []struct {
		name          string
		first, second time.Time
	}{
		// Ensure one millisecond is enough, even when the earlier ID has the higher random bits.
		{name: "one_millisecond_apart", first: now, second: now.Add(time.Millisecond)},
		// Ensure the order holds across a carry into the time's upper bits.
		{name: "across_36_bit_carry", first: time.UnixMilli(1<<36 - 1), second: time.UnixMilli(1 << 36)},
		// Ensure the order holds across years.
		{name: "years_apart", first: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), second: now},
		// Ensure the order holds up to the end of the century.
		{name: "decades_apart", first: now, second: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := MustID(t, tt.first, high()), MustID(t, tt.second, low())
			if a >= b {
				t.Errorf("NewID(%v)=%q, not before NewID(%v)=%q", tt.first, a, tt.second, b)
			}
		})
	}
}

// TestNewIDSameMillisecond checks that IDs made in the same millisecond with
// different random bits are distinct and keep their time.
func TestNewIDSameMillisecond(t *testing.T) {
	t.Parallel()
	const n = 1000
	random := Random(n)
	seen := make(map[string]bool, n)
	for i := range n {
		id := MustID(t, now, random)
		if seen[id] {
			t.Fatalf("ID %d=%q, a duplicate", i, id)
		}
		seen[id] = true
		if got := ticket.IDTime(id); !got.Equal(now) {
			t.Fatalf("IDTime(%q)=%v, want %v", id, got.UTC(), now)
		}
	}
}

func TestNewIDBadRandom(t *testing.T) {
	t.Parallel()
	broken := errors.New("entropy source broken")
	tests := []struct {
		name   string
		random io.Reader
		cause  error
	}{
		// Ensure a failing random source is an internal error that keeps its cause.
		{name: "read_error", random: iotest.ErrReader(broken), cause: broken},
		// Ensure a random source that runs dry is an error, not a weak ID.
		{name: "short_read", random: bytes.NewReader([]byte{1, 2}), cause: io.ErrUnexpectedEOF},
		// Ensure an empty random source is an error.
		{name: "empty", random: bytes.NewReader(nil), cause: io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := ticket.NewID(now, tt.random)
			if code := ticket.ErrorCode(err); code != ticket.Internal {
				t.Errorf("ErrorCode=%q, want %q (err: %v)", code, ticket.Internal, err)
			}
			if !errors.Is(err, tt.cause) {
				t.Errorf("err=%v, want it to wrap %v", err, tt.cause)
			}
			if id != "" {
				t.Errorf("id=%q, want empty", id)
			}
		})
	}
}

func TestParseID(t *testing.T) {
	t.Parallel()
	const id = "01jq1v0x7k9m2p"
	tests := []struct {
		name string
		in   string
		want string
	}{
		// Ensure a canonical ID reads as itself.
		{name: "canonical", in: id, want: id},
		// Ensure case is ignored.
		{name: "upper_case", in: strings.ToUpper(id), want: id},
		// Ensure hyphens and spaces, as people write IDs down, are dropped.
		{name: "hyphens_and_spaces", in: "01JQ-1V0X 7K9M-2P", want: id},
		// Ensure I and L read as 1, O as 0.
		{name: "look_alikes", in: "OIJQLV0X7K9M2P", want: id},
		// Ensure lower-case look-alikes read the same.
		{name: "lower_look_alikes", in: "oijqlvox7k9m2p", want: id},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseID(tt.in)
			if err != nil {
				t.Fatalf("ParseID(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseID(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIDRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		// Ensure nothing is not an ID.
		{name: "empty", in: ""},
		// Ensure separators alone are not an ID.
		{name: "only_hyphens", in: "----"},
		// Ensure a character short is refused.
		{name: "too_short", in: "01jq1v0x7k9m2"},
		// Ensure a character long is refused.
		{name: "too_long", in: "01jq1v0x7k9m2pp"},
		// Ensure hyphens do not count toward the length.
		{name: "short_with_hyphens", in: "01jq-1v0x-7k9m-2"},
		// Ensure U, missing from Crockford's alphabet, is refused.
		{name: "letter_u", in: "01jq1v0x7k9m2u"},
		// Ensure punctuation is refused.
		{name: "punctuation", in: "01jq1v0x7k9m2!"},
		// Ensure non-ASCII letters are refused.
		{name: "non_ascii", in: "01jq1v0x7k9m2é"},
		// Ensure other whitespace is not a separator.
		{name: "tab", in: "01jq1v0x\t7k9m2p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseID(tt.in)
			if code := ticket.ErrorCode(err); code != ticket.Invalid {
				t.Errorf("ParseID(%q)=%q, %v; want an %q error", tt.in, got, err, ticket.Invalid)
			}
			if got != "" {
				t.Errorf("ParseID(%q)=%q, want empty", tt.in, got)
			}
		})
	}
}
