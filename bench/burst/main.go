// Command burst is the burst scenario of make bench: it posts a burst of
// distinct alerts to a running tierline whose L1 and L2 channels are
// webhooks to this program, answers every hand-off after a delay (150 ms,
// what Slack, Teams and most chat webhooks take), and reports the L1
// hand-offs per second and the share of tickets whose first L1 page
// arrived before the ticket escalated to L2. It waits for every ticket's
// L2 page, whose hand-off time is the escalation's.
//
//	burst -listen 127.0.0.1:18481 -tierline http://127.0.0.1:18480 -alerts 1000
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18481", "`address` of the webhook receiver (the config's channels post to /l1 and /l2 here)")
	target := flag.String("tierline", "http://127.0.0.1:18480", "tierline's `url`")
	token := flag.String("token", "bench-token", "the bench integration's `token`")
	alerts := flag.Int("alerts", 1000, "distinct alerts in the burst")
	conns := flag.Int("conns", 32, "connections posting the burst")
	delay := flag.Duration("delay", 150*time.Millisecond, "how long the receiver takes to answer")
	timeout := flag.Duration("timeout", 2*time.Minute, "how long to wait for the pages")
	flag.Parse()
	if err := run(*listen, *target, *token, *alerts, *conns, *delay, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "burst:", err)
		os.Exit(1)
	}
}

func run(listen, target, token string, alerts, conns int, delay, timeout time.Duration) error {
	rcv := newReceiver(delay)
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	go http.Serve(ln, rcv)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conns}}
	if err := awaitHealthy(client, target, 10*time.Second); err != nil {
		return err
	}
	done := rcv.await(func(paged map[string]int) bool { return paged["L1"] >= alerts && paged["L2"] >= alerts })
	start := time.Now()
	if err := post(client, target, token, alerts, conns); err != nil {
		return err
	}
	posted := time.Since(start)
	select {
	case <-done:
	case <-time.After(timeout):
		fmt.Fprintf(os.Stderr, "burst: timed out after %v waiting for an L1 and an L2 page of each of %d tickets\n", timeout, alerts)
	}
	pages, bad := rcv.snapshot()
	report(os.Stdout, measure(pages, start, posted, alerts, bad))
	return nil
}

// post sends alerts distinct alerts over conns connections at once.
func post(client *http.Client, target, token string, alerts, conns int) error {
	run := time.Now().UnixNano()
	next := make(chan int)
	errs := make(chan error, conns)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for i := range next {
				body := fmt.Sprintf(`{"title":"Disk full on host-%d","severity":"warning","dedup_key":"burst-%d-%d"}`, i, run, i)
				if err := hook(client, target, token, body); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range alerts {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}

func hook(client *http.Client, target, token, body string) error {
	req, err := http.NewRequest(http.MethodPost, target+"/v1/hooks/bench", bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("POST /v1/hooks/bench: %s", resp.Status)
	}
	return nil
}

func awaitHealthy(client *http.Client, target string, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target+"/healthz", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.New("tierline did not answer /healthz at " + target)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
