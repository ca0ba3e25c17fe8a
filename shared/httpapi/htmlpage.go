package httpapi

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
)

// writePage renders t's "layout" with data and writes it with csp and the
// headers every HTML page of tierline that shows a ticket carries: no
// caching (it shows what only its reader may see), no sniffing, no
// Referer to other sites, no indexing. A template that fails writes a
// plain 500 rather than half a page.
func writePage(w http.ResponseWriter, log *slog.Logger, status int, t *template.Template, data any, csp string) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		log.Error("html page", "template", t.Name(), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Security-Policy", csp)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// selfSources is the CSP source list of tierline itself: 'self', and the
// configured base URL's origin when tierline is reached through another.
func selfSources(baseURL string) string {
	if baseURL == "" {
		return "'self'"
	}
	return "'self' " + originOf(baseURL)
}
