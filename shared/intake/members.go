package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tierline/tierline/shared/ticket"
)

// DuplicateMember is the cause of the error CheckMembers returns: the
// member, as a path from the top of the body, that an object has twice.
type DuplicateMember struct {
	Path     string // "payload.severity", "alerts[2].labels.team"
	As, Also string // the two spellings sent, when they differ only in case
}

// Error says which member, cut to a readable length: the names are the
// sender's.
func (d *DuplicateMember) Error() string {
	if d.As != d.Also {
		return fmt.Sprintf("the member %.200q is sent twice, as %.100q and %.100q: send each member once", d.Path, d.As, d.Also)
	}
	return fmt.Sprintf("the member %.200q is sent twice: send each member once", d.Path)
}

// CheckMembers refuses a JSON body in which an object has a member twice,
// at any depth. encoding/json keeps the last of them, another reader (a
// proxy, a WAF, the sender's own log) may keep the first, so a body like
// {"routing_key":"x","routing_key":"y"} means one thing to one and
// another to the other: no credential, key or identity may be read from
// it. Where v decodes an object into a struct, member names are matched as
// encoding/json matches them, without regard to case, so that "alias" and
// "Alias" are the same member too; in maps and untyped values only equal
// names are. v is what the body will be decoded into (nil for untyped).
//
// The error is Malformed, with a *DuplicateMember as its cause. A body that
// is not JSON passes: the decoder that follows reports it better.
func CheckMembers(body []byte, v any) error {
	var t reflect.Type
	if v != nil {
		t = reflect.TypeOf(v)
	}
	sc := memberScanner{b: body}
	sc.value(shapeOf(t), 0)
	if sc.dup == nil {
		return nil
	}
	return &ticket.Error{Code: ticket.Malformed, Message: sc.dup.Error(), Err: sc.dup}
}

// maxDepth is how deep CheckMembers follows nesting: encoding/json's own
// limit, beyond which it refuses the body anyway.
const maxDepth = 10000

// memberScanner walks a JSON text once, keeping the path to where it is.
// It stops at the first duplicate, and quietly at anything that is not
// JSON.
type memberScanner struct {
	b    []byte
	i    int
	stop bool
	dup  *DuplicateMember
	path []pathStep
}

type pathStep struct {
	key   []byte
	index int // for an element of a list; key is then nil
}

func (sc *memberScanner) bail() { sc.stop = true }

func (sc *memberScanner) space() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

func (sc *memberScanner) value(s *shape, depth int) {
	sc.space()
	if sc.i >= len(sc.b) || depth > maxDepth {
		sc.bail()
		return
	}
	switch sc.b[sc.i] {
	case '{':
		sc.object(s, depth)
	case '[':
		sc.array(s.elem(), depth)
	case '"':
		sc.str()
	default:
		start := sc.i
		for sc.i < len(sc.b) && !delimiter(sc.b[sc.i]) {
			sc.i++
		}
		if sc.i == start {
			sc.bail()
		}
	}
}

// delimiter reports whether c ends a number or a literal.
func delimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ']', '}', ':':
		return true
	}
	return false
}

// str skips a string, reporting where its contents are and whether it has
// escapes.
func (sc *memberScanner) str() (start, end int, escaped bool) {
	sc.i++ // the opening quote
	start = sc.i
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case '\\':
			escaped = true
			sc.i += 2
		case '"':
			end = sc.i
			sc.i++
			return start, end, escaped
		default:
			sc.i++
		}
	}
	sc.bail()
	return start, start, escaped
}

// key reads a member name: the bytes of the body, unless they spell it
// otherwise.
func (sc *memberScanner) key() ([]byte, bool) {
	if sc.i >= len(sc.b) || sc.b[sc.i] != '"' {
		sc.bail()
		return nil, false
	}
	from := sc.i
	start, end, escaped := sc.str()
	if sc.stop {
		return nil, false
	}
	if !escaped && utf8.Valid(sc.b[start:end]) {
		return sc.b[start:end], true
	}
	// Escapes, and invalid UTF-8 (which decodes to U+FFFD), spell a name
	// in other bytes: compare what it decodes to.
	var k string
	if json.Unmarshal(sc.b[from:sc.i], &k) != nil {
		sc.bail()
		return nil, false
	}
	return []byte(k), true
}

func (sc *memberScanner) object(s *shape, depth int) {
	sc.i++
	sc.space()
	if sc.i < len(sc.b) && sc.b[sc.i] == '}' {
		sc.i++
		return
	}
	var small [8]seenName
	seen := seenNames{list: small[:0]}
	for !sc.stop {
		sc.space()
		k, ok := sc.key()
		if !ok {
			return
		}
		name, child := s.member(k)
		var first []byte
		var twice bool
		if seen, first, twice = seen.add(name, k); twice {
			sc.dup = &DuplicateMember{Path: sc.pathTo(name), As: string(first), Also: string(k)}
			sc.bail()
			return
		}
		sc.space()
		if sc.i >= len(sc.b) || sc.b[sc.i] != ':' {
			sc.bail()
			return
		}
		sc.i++
		sc.path = append(sc.path, pathStep{key: name})
		sc.value(child, depth+1)
		sc.path = sc.path[:len(sc.path)-1]
		if sc.stop || !sc.next('}') {
			return
		}
	}
}

func (sc *memberScanner) array(elem *shape, depth int) {
	sc.i++
	sc.space()
	if sc.i < len(sc.b) && sc.b[sc.i] == ']' {
		sc.i++
		return
	}
	for n := 0; !sc.stop; n++ {
		sc.path = append(sc.path, pathStep{index: n})
		sc.value(elem, depth+1)
		sc.path = sc.path[:len(sc.path)-1]
		if sc.stop || !sc.next(']') {
			return
		}
	}
}

// next moves past the comma before another member or element, reporting
// whether there is one, or past the closing bracket.
func (sc *memberScanner) next(closing byte) bool {
	sc.space()
	switch {
	case sc.i < len(sc.b) && sc.b[sc.i] == ',':
		sc.i++
		return true
	case sc.i < len(sc.b) && sc.b[sc.i] == closing:
		sc.i++
	default:
		sc.bail()
	}
	return false
}

func (sc *memberScanner) pathTo(name []byte) string {
	var b strings.Builder
	for _, p := range sc.path {
		if p.key == nil {
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(p.key)
	}
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.Write(name)
	return b.String()
}

// seenNames are the member names of one object so far, each with the
// spelling it was first sent in. A member is known by its name (see
// shape.member). Most objects are small: a list until a map pays.
type seenNames struct {
	list []seenName
	set  map[string][]byte
}

type seenName struct{ name, as []byte }

// add adds name, sent as as, reporting whether it was there already and
// how it was spelled then. It returns the names to keep, so that a small
// object's stay on the stack.
func (s seenNames) add(name, as []byte) (seenNames, []byte, bool) {
	if s.set != nil {
		first, twice := s.set[string(name)]
		if !twice {
			s.set[string(name)] = as
		}
		return s, first, twice
	}
	for _, n := range s.list {
		if bytes.Equal(n.name, name) {
			return s, n.as, true
		}
	}
	s.list = append(s.list, seenName{name, as})
	if len(s.list) > 16 {
		s.set = make(map[string][]byte, 2*len(s.list))
		for _, n := range s.list {
			s.set[string(n.name)] = n.as
		}
	}
	return s, nil, false
}
