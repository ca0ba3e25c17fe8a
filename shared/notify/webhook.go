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
	for i := range attempts {
		if i > 0 {
			wait := backoff<<(i-1) + rand.N(backoff/2+1)
			if err := d.sleep(ctx, wait); err != nil {
				return errors.Join(last, err)
			}
		}
		retry, err := d.post(ctx, ch, body)
		if err == nil {
			return nil
		}
		last = fmt.Errorf("attempt %d of %d: %w", i+1, attempts, err)
		if !retry {
			break
		}
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

// post sends one attempt and says whether a failure is worth retrying.
func (d *Deliverer) post(ctx context.Context, ch policy.Channel, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.URL, bytes.NewReader(body))
	if err != nil {
		return false, err
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
		return ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return true, fmt.Errorf("receiver answered %s", resp.Status)
	}
	return false, fmt.Errorf("receiver refused the hand-off: %s", resp.Status)
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
