package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// webhook POSTs the hand-off to ch.URL in the shape of its kind (see
// Body), retrying network errors, 408, 429 and 5xx with exponential
// backoff and jitter. Other answers are final.
func (d *Deliverer) webhook(ctx context.Context, ch policy.Channel, h ticket.HandOff) error {
	body, err := d.Body(ch, h)
	if err != nil {
		return err
	}
	attempts := d.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	backoff := d.Backoff
	if backoff <= 0 {
		backoff = 500 * time.Millisecond
	}
	var last error
	var after time.Duration // what the receiver asked us to wait
	for i := range attempts {
		if i > 0 {
			wait := max(backoff<<(i-1)+rand.N(backoff/2+1), after)
			if err := d.sleep(ctx, wait); err != nil {
				return errors.Join(last, err)
			}
		}
		retry, wait, err := d.post(ctx, ch, body)
		if err == nil {
			return nil
		}
		last = fmt.Errorf("attempt %d of %d: %w", i+1, attempts, err)
		if !retry || wait > maxRetryAfter {
			break // a long wait is the queue's to make: the notice comes back
		}
		after = wait
	}
	return fmt.Errorf("notify: %s channel %s: %w", ch.Kind, ch.Name, last)
}

// Body is the JSON a channel that posts receives for h: tierline's own
// Message for a webhook, a Block Kit message for slack, an Adaptive Card
// for teams.
func (d *Deliverer) Body(ch policy.Channel, h ticket.HandOff) ([]byte, error) {
	l := d.Links(ch, h)
	var v any
	switch ch.Kind {
	case "slack":
		v = NewSlackMessage(h, l)
	case "teams":
		v = NewTeamsMessage(h, l)
	default:
		v = newMessage(h, l)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("notify: encode hand-off for %s channel %s: %w", ch.Kind, ch.Name, err)
	}
	return body, nil
}

// maxRetryAfter is the longest Retry-After a delivery waits for between
// its attempts (Slack asks for a second or so when a webhook posts more
// than one message a second); beyond it, the attempt fails and the notice
// comes back from its queue.
const maxRetryAfter = 10 * time.Second

// post sends one attempt and says whether a failure is worth retrying,
// and after how long the receiver asked for (Retry-After in seconds).
func (d *Deliverer) post(ctx context.Context, ch policy.Channel, body []byte) (retry bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.URL, bytes.NewReader(body))
	if err != nil {
		return false, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "tierline")
	for k, v := range ch.Headers {
		req.Header.Set(k, v)
	}
	client := d.Client
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return ctx.Err() == nil, 0, err
	}
	defer resp.Body.Close()
	// Slack and Teams say what is wrong in a short text body.
	said, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		after = time.Duration(s) * time.Second
	}
	switch {
	case resp.StatusCode < 300:
		return false, 0, nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return true, after, fmt.Errorf("receiver answered %s%s", resp.Status, saying(said))
	}
	return false, 0, fmt.Errorf("receiver refused the hand-off: %s%s", resp.Status, saying(said))
}

// saying is what a receiver said, quoted and on one line, for an error.
func saying(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" (%.200q)", s)
}

func (d *Deliverer) sleep(ctx context.Context, wait time.Duration) error {
	if d.Sleep != nil {
		return d.Sleep(ctx, wait)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
