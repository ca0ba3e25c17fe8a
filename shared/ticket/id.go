package ticket

import (
	"encoding/binary"
	"io"
	"strings"
	"time"
)

// IDs are 14 characters of Crockford base32: 42 bits of Unix milliseconds
// followed by 28 random bits. They sort by creation time as strings, need no
// coordination between writers (two IDs collide only if created in the same
// millisecond with the same 28 random bits), and are short enough to read out
// over the phone. Crockford's alphabet has no I, L, O or U, so ParseID can
// forgive the usual typos.
const (
	idLength     = 14
	idTimeBits   = 42
	idRandomBits = 28
	crockford    = "0123456789abcdefghjkmnpqrstvwxyz"
)

// NewID returns a new ticket ID for a ticket created at now, taking its
// random bits from random (crypto/rand.Reader in production).
func NewID(now time.Time, random io.Reader) (string, error) {
	var b [4]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", Wrap(Internal, err, "ticket id: read random bits")
	}
	// The ID is a 70-bit number, wider than a uint64: hi holds its top 6
	// bits (the top of the time), lo the other 64.
	ms := uint64(now.UnixMilli()) & (1<<idTimeBits - 1)
	hi := ms >> (64 - idRandomBits)
	lo := ms<<idRandomBits | uint64(binary.BigEndian.Uint32(b[:]))&(1<<idRandomBits-1)
	var out [idLength]byte
	for i := idLength - 1; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:]), nil
}

// ParseID normalises a ticket ID typed by a person: case is ignored, hyphens
// and spaces are dropped, and I/L read as 1, O as 0.
func ParseID(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case '-', ' ':
			continue
		case 'i', 'l':
			r = '1'
		case 'o':
			r = '0'
		}
		if !strings.ContainsRune(crockford, r) {
			return "", Errorf(Invalid, "ticket id %q: %q is not a ticket id character", s, r)
		}
		b.WriteRune(r)
	}
	if b.Len() != idLength {
		return "", Errorf(Invalid, "ticket id %q: want %d characters", s, idLength)
	}
	return b.String(), nil
}

// IDTime returns the creation time encoded in a valid ID.
func IDTime(id string) time.Time {
	var hi, lo uint64 // the 70-bit number, as in NewID
	for _, r := range id {
		hi = hi<<5 | lo>>59
		lo = lo<<5 | uint64(strings.IndexRune(crockford, r))
	}
	return time.UnixMilli(int64(hi<<(64-idRandomBits) | lo>>idRandomBits))
}
