// Package intaketest holds what tests of senders share: the sample events
// under events/ and a stand-in for Amazon SNS's message signing, so that a
// test signs SNS messages with a certificate it made itself and nothing
// reaches the network.
package intaketest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/intake"
)

// Senders lists the directories of events/ that hold senders' samples, one
// per integration kind that posts to tierline. Other directories of
// events/ (Lambda triggers) belong to other tests.
var Senders = []string{"alertmanager", "datadog", "generic", "grafana", "opsgenie", "pagerduty", "sns"}

// EventsDir returns the module's events/ directory.
func EventsDir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("intaketest: cannot find the module root")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "events")
}

// Event returns the sample events/<rel>.
func Event(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(EventsDir(tb), rel))
	if err != nil {
		tb.Fatalf("intaketest: %v", err)
	}
	return b
}

// Events returns the paths (relative to events/) of every sample of sender.
func Events(tb testing.TB, sender string) []string {
	tb.Helper()
	matches, err := filepath.Glob(filepath.Join(EventsDir(tb), sender, "*.json"))
	if err != nil || len(matches) == 0 {
		tb.Fatalf("intaketest: no samples in events/%s (%v)", sender, err)
	}
	for i, m := range matches {
		matches[i] = filepath.Join(sender, filepath.Base(m))
	}
	return matches
}

// CertURL is where the samples say SNS's signing certificate is.
const CertURL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem"

// SNS signs messages as Amazon SNS does, with an RSA key and a self-signed
// certificate made for the test, and serves that certificate at CertURL
// through Fetch. Confirm records the subscribe URLs fetched.
type SNS struct {
	key     *rsa.PrivateKey
	certPEM []byte

	mu        sync.Mutex
	fetches   int
	confirmed []string
	fail      error // what Confirm and Fetch answer instead, when set
}

// NewSNS makes a key and its certificate.
func NewSNS(tb testing.TB) *SNS {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.amazonaws.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return &SNS{key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// Fetch serves the certificate at CertURL and answers 404 elsewhere.
func (s *SNS) Fetch(_ context.Context, url string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetches++
	if s.fail != nil {
		return nil, s.fail
	}
	if url != CertURL {
		return nil, &intake.StatusError{URL: url, Code: 404}
	}
	return s.certPEM, nil
}

// Confirm records a subscription confirmation.
func (s *SNS) Confirm(_ context.Context, url string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	s.confirmed = append(s.confirmed, url)
	return []byte("<ConfirmSubscriptionResponse/>"), nil
}

// Fail makes Fetch and Confirm fail with err (nil heals them).
func (s *SNS) Fail(err error) { s.mu.Lock(); defer s.mu.Unlock(); s.fail = err }

// Confirmed returns the subscribe URLs fetched so far.
func (s *SNS) Confirmed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.confirmed...)
}

// Fetches returns how many times the certificate was asked for.
func (s *SNS) Fetches() int { s.mu.Lock(); defer s.mu.Unlock(); return s.fetches }

// Sign signs an SNS message (JSON) with its SignatureVersion, 1 (SHA1) or
// 2 (SHA256), and returns it with Signature set.
func (s *SNS) Sign(tb testing.TB, message []byte) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(message, &m); err != nil {
		tb.Fatalf("intaketest: sign: %v", err)
	}
	sig, err := s.Signature(m)
	if err != nil {
		tb.Fatalf("intaketest: sign: %v", err)
	}
	m["Signature"] = sig
	out, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Signature returns the base64 signature SNS would give m.
func (s *SNS) Signature(m map[string]any) (string, error) {
	keys := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if t, _ := m["Type"].(string); t == "SubscriptionConfirmation" || t == "UnsubscribeConfirmation" {
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var signed []byte
	for _, k := range keys {
		v, ok := m[k].(string)
		if !ok && k == "Subject" {
			continue // Subject only when present
		}
		signed = append(signed, k+"\n"+v+"\n"...)
	}
	hash, digest := crypto.SHA1, func() []byte { d := sha1.Sum(signed); return d[:] }()
	if m["SignatureVersion"] == "2" {
		hash, digest = crypto.SHA256, func() []byte { d := sha256.Sum256(signed); return d[:] }()
	}
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, hash, digest)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Options returns SNS options that fetch from s and allow topics.
func (s *SNS) Options(topics ...string) intake.SNSOptions {
	return intake.SNSOptions{Topics: topics, Certs: intake.NewSNSCerts(s.Fetch), Confirm: s.Confirm}
}
