package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Ensure every character that can drive a terminal is shown as a visible
// escape, and ordinary text, accents and emoji are left alone.
func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, oneLine, text string
	}{
		{"plain", "Disk full on db-1", "Disk full on db-1", "Disk full on db-1"},
		{"accents and emoji", "Café 🔥 Zürich — 東京 👩‍💻", "Café 🔥 Zürich — 東京 👩‍💻", "Café 🔥 Zürich — 東京 👩‍💻"},
		{"clear screen", "\x1b[2Jgone", `\x1b[2Jgone`, `\x1b[2Jgone`},
		{"window title (OSC 0)", "\x1b]0;owned\x07x", `\x1b]0;owned\x07x`, `\x1b]0;owned\x07x`},
		{"CR fake row", "ok\rFAKE", `ok\rFAKE`, `ok\rFAKE`},
		{"LF and tab", "a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"NUL, BS and DEL", "a\x00b\x08c\x7f", `a\x00b\x08c\u007f`, `a\x00b\x08c\u007f`},
		{"C1 CSI", "a\u009b31mred", `a\u009b31mred`, `a\u009b31mred`},
		{"bidi override", "user\u202egnp.exe", `user\u202egnp.exe`, `user\u202egnp.exe`},
		{"bidi isolate and marks", "\u2066x\u2069\u200f\u061c", `\u2066x\u2069\u200f\u061c`, `\u2066x\u2069\u200f\u061c`},
		{"line separator", "a\u2028b", `a\u2028b`, `a\u2028b`},
		{"not UTF-8", "a\xffb\xc3", `a\xffb\xc3`, `a\xffb\xc3`},
		{"backslashes stay", `C:\temp\x1b`, `C:\temp\x1b`, `C:\temp\x1b`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := oneLine(tc.in); got != tc.oneLine {
				t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.oneLine)
			}
			if got := text(tc.in); got != tc.text {
				t.Errorf("text(%q) = %q, want %q", tc.in, got, tc.text)
			}
		})
	}
}

// Ensure the JSON output carries no raw terminal control, stays valid
// JSON, and decodes to the same values.
func TestEscapeJSON(t *testing.T) {
	in := map[string]string{"title": "\x1b[2J\u009b\u202e\u2028\x7f\r\n<b>", "plain": "Café 🔥"}
	var out bytes.Buffer
	if err := printJSON(&out, in); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"\x1b", "\u009b", "\u202e", "\u2028", "\x7f", "\r"} {
		if bytes.Contains(out.Bytes(), []byte(c)) {
			t.Errorf("the JSON output holds %q raw: %s", c, out.Bytes())
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatalf("the JSON output is not JSON: %v\n%s", err, out.Bytes())
	}
	if back["title"] != in["title"] || back["plain"] != in["plain"] {
		t.Fatalf("decoded %q, want %q", back, in)
	}
}

// Ensure the guard on a command's output escapes what a code path forgot,
// keeps a character split across writes whole, and leaves JSON valid.
func TestTerminalWriter(t *testing.T) {
	var buf bytes.Buffer
	w := &terminal{w: &buf}
	emoji := []byte("🔥")
	for _, p := range [][]byte{[]byte("a\x1b[2J"), emoji[:2], emoji[2:], []byte("\r\n"), []byte(`{"k":"\u001b"}` + "\n")} {
		if n, err := w.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	w.flush()
	if want := "a\\x1b[2J🔥\\r\n" + `{"k":"\u001b"}` + "\n"; buf.String() != want {
		t.Fatalf("wrote %q, want %q", buf.String(), want)
	}
}
