package ticket

import (
	"strings"
	"unicode/utf8"
)

// What a ticket keeps of the text it is given. Alerts, the anonymous form
// and API callers send arbitrary bytes, and what is kept is later printed
// on an operator's terminal, in a chat message and on a web page. So every
// field is cleaned once, on the way in, for every sender alike:
//
//   - invalid UTF-8 becomes U+FFFD, so that both stores keep the same text
//     (DynamoDB refuses invalid strings; JSON would replace them anyway);
//   - terminal escape sequences (CSI such as ESC [ 31 m, OSC such as a
//     hyperlink or a window title, DCS, APC) are removed whole, and any
//     other C0 or C1 control character (ESC, BEL, a bare CR, NUL, DEL) is
//     removed;
//   - multi-line fields (a description, a note, a resolution, text in
//     details) keep their line feeds and tabs, with CR LF and a bare CR
//     read as a line feed; single-line fields (a title, a label, a name)
//     get a space for each line break or tab;
//   - every other character, in any script, is kept as sent.

// SingleLine cleans text for a field shown on one line: a title, a label,
// a name, a link. See the rules above.
func SingleLine(s string) string { return clean(s, false) }

// MultiLine cleans text for a field that may span lines: a description, a
// note, a resolution. See the rules above.
func MultiLine(s string) string { return clean(s, true) }

// clean applies the rules above. It returns s itself, without copying,
// when s needs no change, which is nearly always.
func clean(s string, lines bool) string {
	if isClean(s, lines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r' && lines:
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
		case r == '\n' || r == '\t':
			if lines {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case r == '\r' || r == '\v' || r == '\f' || r == 0x85: // line breaks on one line
			if lines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			size = escapeLen(s[i:])
		case isControl(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isClean reports whether clean would leave s as it is.
func isClean(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20:
			if !lines || (c != '\n' && c != '\t') {
				return false
			}
		case c == 0x7f:
			return false
		case c >= 0x80:
			// C1 controls, invalid UTF-8 and everything else beyond ASCII
			// are checked rune by rune.
			return isCleanUTF8(s[i:])
		}
	}
	return true
}

func isCleanUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || isControl(r) || r == 0x85 {
			return false
		}
		i += size
	}
	return true
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// escapeLen is the length of the escape sequence that starts s (with ESC
// or a C1 introducer), or of the introducer alone when what follows is
// not a complete sequence: text after a broken sequence is kept.
func escapeLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	kind := r // CSI, OSC or a string sequence, by its C1 introducer
	if r == 0x1b {
		if len(s) < 2 {
			return n
		}
		switch s[1] {
		case '[':
			kind = 0x9b
		case ']':
			kind = 0x9d
		case 'P', 'X', '^', '_':
			kind = 0x90
		default:
			return n + shortEscapeLen(s[n:])
		}
		n++
	}
	switch kind {
	case 0x9b:
		if m := csiLen(s[n:]); m > 0 {
			return n + m
		}
	default:
		if m := stringLen(s[n:]); m > 0 {
			return n + m
		}
	}
	return utf8.RuneLen(r)
}

// csiLen is the length of a control sequence's parameters, intermediates
// and final byte, or 0 when s does not hold a whole one.
func csiLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c < 0x20 || c > 0x3f:
			return 0
		}
	}
	return 0
}

// stringLen is the length of an OSC, DCS or APC string up to and with its
// terminator (BEL, ESC \ or ST), or 0 when it has none.
func stringLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
	}
	return 0
}

// shortEscapeLen is the length of the intermediates and final byte of a
// two-character escape (ESC 7, ESC ( B, ESC c), or 0 when s holds none.
func shortEscapeLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x20 && c <= 0x2f:
			continue
		case c >= 0x30 && c <= 0x7e:
			return i + 1
		}
		return 0
	}
	return 0
}
