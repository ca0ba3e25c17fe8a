package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text in tickets comes from alerts and from the anonymous web form, and the
// CLI prints it on an operator's terminal. Raw, an ESC starts a sequence
// that clears the screen, retitles the window or hides text; a CR moves back
// to the start of the line to overwrite it; a newline in a title fakes a
// row; a bidirectional override reverses what follows. So every string the
// CLI prints from a ticket shows such characters as visible escapes: \x1b,
// \r, \n and \t for the C0 controls, \u009b for DEL, the C1 controls and
// the bidirectional and line-separator characters, and \xff for a byte that
// is not UTF-8. The --json output escapes the same characters as JSON
// \u escapes, so it stays valid JSON with the same values.

// oneLine returns s for a single-line column or field: every character
// above escaped, line breaks and tabs included.
func oneLine(s string) string { return escape(s, false) }

// text returns s for a block of its own, such as a description: line
// breaks and tabs kept, the rest escaped.
func text(s string) string { return escape(s, true) }

func escape(s string, multiline bool) string {
	if safe(s, multiline) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case multiline && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// safe reports whether s has nothing to escape, which is almost always.
func safe(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\t')) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafeRune reports whether r can move the cursor, start a terminal
// sequence or reorder the text around it: the C0 and C1 controls, DEL, the
// line and paragraph separators, and the bidirectional marks, embeddings,
// overrides and isolates.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// escapeJSON escapes, as JSON \u escapes, the characters of unsafeRune
// that encoding/json leaves raw: DEL, the C1 controls and the
// bidirectional characters (it escapes the C0 controls and the line
// separators itself). They can only be inside strings, so the JSON keeps
// its values.
func escapeJSON(b []byte) []byte {
	if safe(string(b), true) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && unsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// terminal is the last guard on everything a command writes to stdout and
// stderr, serve's logs included: whatever a code path forgot to escape is
// escaped here as text() would, so the screen stays the CLI's. Line breaks
// and tabs pass, which is why single-line fields are escaped where they are
// printed. Its escapes of what JSON may hold raw are \u escapes, so JSON
// written through it stays valid.
type terminal struct {
	w     io.Writer
	carry []byte // the start of a character split across writes
}

func (t *terminal) Write(p []byte) (int, error) {
	n := len(p)
	if len(t.carry) > 0 {
		p = append(t.carry, p...)
		t.carry = nil
	}
	if cut := incompleteTail(p); cut < len(p) {
		t.carry = append([]byte(nil), p[cut:]...)
		p = p[:cut]
	}
	if _, err := io.WriteString(t.w, text(string(p))); err != nil {
		return 0, err
	}
	return n, nil
}

// flush writes what is left of a character cut short, escaped.
func (t *terminal) flush() {
	if len(t.carry) > 0 {
		io.WriteString(t.w, text(string(t.carry)))
		t.carry = nil
	}
}

// incompleteTail returns where a UTF-8 sequence cut short at the end of p
// begins, or len(p) if p ends with a whole character.
func incompleteTail(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				return i
			}
			break
		}
	}
	return len(p)
}
