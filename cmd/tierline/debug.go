package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
)

// serveDebug serves Go's profiles on DebugAddr, which must be a loopback
// address: profiles show internals no one outside the host should see.
func (m *Main) serveDebug() error {
	host, _, err := net.SplitHostPort(m.DebugAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--debug-addr %q: want a loopback address such as 127.0.0.1:6060", m.DebugAddr)
	}
	ln, err := net.Listen("tcp", m.DebugAddr)
	if err != nil {
		return fmt.Errorf("debug listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux}
	m.goRun(func() { srv.Serve(ln) })
	m.onClose = append(m.onClose, func() { srv.Close() })
	m.Log.Info("debug profiles", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}
