package telemetry

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// Guard lets a scrape through to h when it carries token as a bearer
// token, or, when token is empty, when it comes from a loopback address:
// by default the figures are for the machine tierline runs on, and a
// Prometheus elsewhere is given a token (TIERLINE_METRICS_TOKEN).
func Guard(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="tierline metrics"`)
				refuse(w, http.StatusUnauthorized, "unauthorized", "send the metrics token as Authorization: Bearer <token>")
				return
			}
		} else if !loopback(r.RemoteAddr) {
			refuse(w, http.StatusForbidden, "forbidden",
				"/metrics answers only loopback clients unless tierline serve runs with TIERLINE_METRICS_TOKEN set")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refuse answers in the API's error shape.
func refuse(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(`{"error":{"code":"` + code + `","message":"` + message + `"}}` + "\n"))
}
