package intake

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// snsHost is the host of SNS's certificate and subscribe URLs (AWS's
// message validators check the same).
var snsHost = regexp.MustCompile(`^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$`)

// snsURL checks that raw is an https URL on an SNS host, and for a
// certificate that its path ends in .pem. Nothing is fetched from anywhere
// else, so a forged message cannot make tierline fetch a URL of its choice.
func snsURL(raw string, cert bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "":
		return nil, fmt.Errorf("%.200q is not an https URL", raw)
	case !snsHost.MatchString(u.Hostname()):
		return nil, fmt.Errorf("%.200q is not on an SNS host (sns.REGION.amazonaws.com)", raw)
	case cert && !strings.HasSuffix(u.Path, ".pem"):
		return nil, fmt.Errorf("%.200q is not a .pem certificate", raw)
	}
	return u, nil
}

// SNSCerts fetches the certificates SNS signs messages with and keeps their
// keys by URL: SNS rotates certificates by publishing new URLs, so a URL's
// key never changes. It is safe for concurrent use.
type SNSCerts struct {
	fetch Fetcher
	mu    sync.Mutex
	keys  map[string]*rsa.PublicKey
}

// maxCerts bounds the cache; SNS uses a handful of certificates at a time.
const maxCerts = 64

// NewSNSCerts returns a cache that fetches through fetch.
func NewSNSCerts(fetch Fetcher) *SNSCerts {
	return &SNSCerts{fetch: fetch, keys: map[string]*rsa.PublicKey{}}
}

// key returns the public key of the certificate at raw, a URL snsURL
// accepted. A certificate the server says is not there is Unauthorized (a
// forged URL); a failure to reach it is Unavailable, so that SNS retries.
func (c *SNSCerts) key(ctx context.Context, raw string) (*rsa.PublicKey, error) {
	c.mu.Lock()
	k, ok := c.keys[raw]
	c.mu.Unlock()
	if ok {
		return k, nil
	}
	body, err := c.fetch(ctx, raw)
	var se *StatusError
	switch {
	case errors.As(err, &se) && se.Code >= 400 && se.Code < 500:
		return nil, ticket.Wrap(ticket.Unauthorized, err, "the signing certificate "+raw+" does not exist")
	case err != nil:
		return nil, ticket.Wrap(ticket.Unavailable, err, "the signing certificate is unavailable; SNS will retry")
	}
	block, _ := pem.Decode(body)
	if block == nil {
		return nil, ticket.Errorf(ticket.Unavailable, "the signing certificate %s is not PEM; SNS will retry", raw)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, ticket.Wrap(ticket.Unavailable, err, "the signing certificate "+raw+" does not parse; SNS will retry")
	}
	k, ok = cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, ticket.Errorf(ticket.Unauthorized, "the signing certificate %s has no RSA key", raw)
	}
	c.mu.Lock()
	if len(c.keys) >= maxCerts {
		clear(c.keys)
	}
	c.keys[raw] = k
	c.mu.Unlock()
	return k, nil
}

// StatusError is a Fetcher's error for a server that answered with a
// status other than 2xx.
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string { return fmt.Sprintf("GET %s: status %d", e.URL, e.Code) }

// maxFetch caps what a fetch reads: a certificate is about 2 KiB, a
// confirmation's XML answer under 1 KiB.
const maxFetch = 64 << 10

var fetchClient = &http.Client{
	Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return errors.New("redirects are not followed") // the URL was checked; where it leads was not
	},
}

// FetchHTTP is the Fetcher of a running tierline: a GET with a 10 s
// timeout that follows no redirect and reads at most 64 KiB.
func FetchHTTP(ctx context.Context, raw string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	resp, err := fetchClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxFetch))
		return nil, &StatusError{URL: raw, Code: resp.StatusCode}
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxFetch))
}
