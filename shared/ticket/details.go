package ticket

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// cutMark stands in for what was cut from a text, and for a value left out
// of details.
const cutMark = "…"

// minContainer is the least room in which fit cuts an object or a list
// rather than replace it with cutMark.
const minContainer = 32

// boundDetails returns details as a ticket keeps them: keys cleaned as
// single-line text and strings as multi-line text, at most MaxDetailsDepth
// levels deep, and at most MaxDetails bytes encoded as JSON. It reports
// whether anything was cut. Details within the limits are returned as they
// are, without a copy: that is the common case, on the hot path of a storm.
//
// Details are what an alert says about itself, so they are cut rather
// than refused: deeper values become "…"; over the size, the smaller
// members of an object are kept whole first, a long list keeps its first
// elements and ends with "…", and a long string is cut.
func boundDetails(d map[string]any) (map[string]any, bool) {
	if len(d) == 0 {
		return d, false
	}
	size, ok := inspect(d, 1)
	if ok && size <= MaxDetails {
		return d, false
	}
	// Cut first, so that only what is kept is rebuilt; cleaning and the
	// depth limit may change the size a little, so measure once more.
	v, cut := any(d), size > MaxDetails
	if cut {
		v = fit(v, MaxDetails)
	}
	v, deep := canonical(v, 1)
	if size, _ = inspect(v, 1); size > MaxDetails {
		v, cut = fit(v, MaxDetails), true
	}
	m, _ := v.(map[string]any)
	return m, cut || deep
}

// DetailsSize is the size of details encoded as JSON, as both stores
// keep them.
func DetailsSize(d map[string]any) int {
	if len(d) == 0 {
		return 0
	}
	n, _ := inspect(d, 1)
	return n
}

// inspect returns the encoded size of v at depth and whether v may be kept
// as it is: clean text, no deeper than MaxDetailsDepth, and every value of
// a kind JSON decodes to or a decoder commonly builds (maps and lists of
// strings, integers); anything else is measured by encoding/json and
// rebuilt by canonical.
func inspect(v any, depth int) (int, bool) {
	switch v := v.(type) {
	case map[string]any:
		n, ok := 2+max(len(v)-1, 0), depth <= MaxDetailsDepth
		for k, e := range v {
			kn, kok := scanString(k, false)
			en, eok := inspect(e, depth+1)
			n, ok = n+kn+1+en, ok && kok && eok
		}
		return n, ok
	case []any:
		n, ok := 2+max(len(v)-1, 0), depth <= MaxDetailsDepth
		for _, e := range v {
			en, eok := inspect(e, depth+1)
			n, ok = n+en, ok && eok
		}
		return n, ok
	case map[string]string: // what decoders build from a sender's labels
		n, ok := 2+max(len(v)-1, 0), depth <= MaxDetailsDepth
		for k, e := range v {
			kn, kok := scanString(k, false)
			en, eok := scanString(e, true)
			n, ok = n+kn+1+en, ok && kok && eok
		}
		return n, ok
	case []string:
		n, ok := 2+max(len(v)-1, 0), depth <= MaxDetailsDepth
		for _, e := range v {
			en, eok := scanString(e, true)
			n, ok = n+en, ok && eok
		}
		return n, ok
	case int:
		return len(strconv.Itoa(v)), true
	case int64:
		return len(strconv.FormatInt(v, 10)), true
	case string:
		return scanString(v, true)
	case json.Number:
		return len(v), true
	case float64:
		return floatLen(v), !math.IsNaN(v) && !math.IsInf(v, 0)
	case bool:
		if v {
			return 4, true
		}
		return 5, true
	case nil:
		return 4, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return 0, false
	}
	return len(b), false
}

// canonical rebuilds v from the kinds JSON decodes to (objects, lists,
// strings, numbers, booleans, null), with clean text and nothing deeper
// than MaxDetailsDepth, and reports whether it cut anything.
func canonical(v any, depth int) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		if depth > MaxDetailsDepth {
			return cutMark, true
		}
		out, cut := make(map[string]any, len(v)), false
		for k, e := range v {
			e, c := canonical(e, depth+1)
			out[SingleLine(k)], cut = e, cut || c
		}
		return out, cut
	case []any:
		if depth > MaxDetailsDepth {
			return cutMark, true
		}
		out, cut := make([]any, len(v)), false
		for i, e := range v {
			e, c := canonical(e, depth+1)
			out[i], cut = e, cut || c
		}
		return out, cut
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = e
		}
		return canonical(m, depth)
	case []string:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = e
		}
		return canonical(l, depth)
	case string:
		return MultiLine(v), false
	case json.Number, bool, nil, int, int64:
		return v, false
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return strconv.FormatFloat(v, 'g', -1, 64), false
		}
		return v, false
	}
	// Any other Go value (a map of strings, a struct): as JSON reads it.
	b, err := json.Marshal(v)
	if err != nil {
		return cutMark, true
	}
	var decoded any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&decoded); err != nil {
		return cutMark, true
	}
	return canonical(decoded, depth)
}

// fit cuts a value to at most budget bytes encoded. budget is
// at least len(`"…"`); a value that cannot be cut, or an object or list
// with too little room to keep anything, is replaced by "…".
func fit(v any, budget int) any {
	if n, _ := inspect(v, 1); n <= budget {
		return v
	}
	switch v.(type) {
	case map[string]any, []any, map[string]string, []string:
		if budget < minContainer {
			return cutMark
		}
	}
	switch v := v.(type) {
	case map[string]any:
		return fitObject(v, budget)
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = e
		}
		return fitObject(m, budget)
	case []any:
		return fitList(v, budget)
	case []string:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = e
		}
		return fitList(l, budget)
	case string:
		return cutJSONString(v, budget)
	}
	return cutMark
}

// fitObject keeps the smaller members whole first, so that a huge member
// does not push out the small ones that say what the alert is; the first
// member that does not fit whole is cut to the room left, and the others
// keep their names with "…" for as long as those fit.
func fitObject(m map[string]any, budget int) map[string]any {
	type member struct {
		key  string
		size int
	}
	members := make([]member, 0, len(m))
	for k, v := range m {
		n, _ := inspect(v, 1)
		members = append(members, member{k, jsonStringLen(k) + 1 + n})
	}
	slices.SortFunc(members, func(a, b member) int {
		return cmp.Or(cmp.Compare(a.size, b.size), cmp.Compare(a.key, b.key))
	})
	out, used := map[string]any{}, 2
	for _, mb := range members {
		sep := min(len(out), 1)
		if used+sep+mb.size <= budget {
			out[mb.key], used = m[mb.key], used+sep+mb.size
			continue
		}
		room := budget - used - sep - jsonStringLen(mb.key) - 1
		if room < jsonStringLen(cutMark) {
			continue
		}
		v := fit(m[mb.key], room)
		n, _ := inspect(v, 1)
		out[mb.key], used = v, used+sep+jsonStringLen(mb.key)+1+n
	}
	return out
}

// fitList keeps the first elements that fit, the next one cut if there is
// room for it, and ends with "…" in place of the rest.
func fitList(l []any, budget int) []any {
	mark := jsonStringLen(cutMark)
	out, used := []any{}, 2
	for _, e := range l {
		sep := min(len(out), 1)
		n, _ := inspect(e, 1)
		if used+sep+n+1+mark <= budget {
			out, used = append(out, e), used+sep+n
			continue
		}
		if room := budget - used - sep - 1 - mark; room >= mark {
			out = append(out, fit(e, room))
		}
		break
	}
	return append(out, cutMark)
}

// cutJSONString cuts s so that it encodes as JSON in at most budget bytes,
// marking the cut.
func cutJSONString(s string, budget int) string {
	room := budget - jsonStringLen(cutMark)
	n := 0
	for i, r := range s {
		w := runeJSONLen(r, s[i:])
		if n+w > room {
			return s[:i] + cutMark
		}
		n += w
	}
	return s
}

// jsonStringLen is the length of s encoded as a JSON string the way
// encoding/json writes it, HTML characters escaped, quotes included.
func jsonStringLen(s string) int {
	n := 2 + len(s)
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			n += int(asciiExtra[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += runeJSONLen(r, s[i:]) - size
		i += size
	}
	return n
}

// scanString returns jsonStringLen(s) and isClean(s, lines) in one pass
// over s, fast for ASCII, which is nearly all details hold.
func scanString(s string, lines bool) (int, bool) {
	n, clean := 2+len(s), true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return jsonStringLen(s), isClean(s, lines)
		}
		n += int(asciiExtra[c])
		if c < 0x20 || c == 0x7f {
			clean = clean && lines && (c == '\n' || c == '\t')
		}
	}
	return n, clean
}

// asciiExtra is how many bytes encoding/json adds to each ASCII byte.
var asciiExtra = func() (t [utf8.RuneSelf]int8) {
	for c := range t {
		t[c] = int8(runeJSONLen(rune(c), string(rune(c))) - 1)
	}
	return t
}()

// runeJSONLen is the encoded length of r, the first rune of s.
func runeJSONLen(r rune, s string) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
		return 2
	case r < 0x20 || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029':
		return 6
	case r == utf8.RuneError:
		if _, size := utf8.DecodeRuneInString(s); size <= 1 {
			return 6 // written as \ufffd
		}
	}
	return utf8.RuneLen(r)
}

// floatLen is the length of f as encoding/json writes it.
func floatLen(f float64) int {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return len(strconv.FormatFloat(f, 'g', -1, 64)) + 2 // canonical keeps it as a string
	}
	var buf [32]byte
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(buf[:0], f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		return n - 1 // e-07 is written e-7
	}
	return len(b)
}
