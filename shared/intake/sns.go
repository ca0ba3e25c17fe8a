package intake

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// snsMessage is the envelope SNS posts to an HTTPS subscription. JSON field
// names match without regard to case, so the Lambda spellings
// (SigningCertUrl, SubscribeUrl) decode too.
type snsMessage struct {
	Type             string  `json:"Type"`
	MessageID        string  `json:"MessageId"`
	Token            string  `json:"Token"`
	TopicArn         string  `json:"TopicArn"`
	Subject          *string `json:"Subject"` // signed only when present
	Message          string  `json:"Message"`
	SubscribeURL     string  `json:"SubscribeURL"`
	Timestamp        string  `json:"Timestamp"`
	SignatureVersion string  `json:"SignatureVersion"`
	Signature        string  `json:"Signature"`
	SigningCertURL   string  `json:"SigningCertURL"`
}

// The message types of an HTTPS subscription.
const (
	snsNotification   = "Notification"
	snsSubscribe      = "SubscriptionConfirmation"
	snsUnsubscribe    = "UnsubscribeConfirmation"
	snsRawDeliveryHdr = "X-Amz-Sns-Rawdelivery"
)

// SNS decodes kind "sns": Amazon SNS deliveries to an HTTPS subscription,
// carrying CloudWatch alarms. The signature is checked before anything else
// (SignatureVersion 1 and 2, the certificate fetched only from an https
// .pem URL on sns.REGION.amazonaws.com), then the topic against the
// integration's allow-list. A SubscriptionConfirmation is confirmed by
// fetching its SubscribeURL; an UnsubscribeConfirmation asks for nothing.
// A Notification's alarm triggers (ALARM), resolves (OK) or does what the
// options say for INSUFFICIENT_DATA, keyed by AlarmArn; its MessageId makes
// a redelivery count once. SNS counts 4xx as delivered and retries only
// 5xx, so only a failed fetch is Unavailable.
func SNS(r *Request) ([]ticket.Signal, error) {
	if strings.EqualFold(r.Header.Get(snsRawDeliveryHdr), "true") {
		return nil, ticket.Errorf(ticket.Unauthorized, "raw message delivery is on, so the message is not signed: turn RawMessageDelivery off on the subscription")
	}
	var m snsMessage
	if err := decodeJSON(r.Body, &m); err != nil {
		return nil, err
	}
	if err := m.verify(r); err != nil {
		return nil, err
	}
	o := r.Options.SNS
	if !slices.Contains(o.Topics, m.TopicArn) {
		return nil, ticket.Errorf(ticket.Forbidden, "topic %.300s may not post here: add it to the integration's topics", m.TopicArn)
	}
	switch m.Type {
	case snsSubscribe:
		return nil, m.confirm(r)
	case snsUnsubscribe:
		return nil, nil
	}
	s, ok, err := cloudWatchSignal(&m, o.InsufficientData)
	if err != nil || !ok {
		return nil, err
	}
	return []ticket.Signal{s}, nil
}

// verify checks m's signature with the certificate it names. Nothing else
// of m is trusted, or fetched, before this passes.
func (m *snsMessage) verify(r *Request) error {
	if m.Signature == "" || m.SigningCertURL == "" {
		return ticket.Errorf(ticket.Unauthorized, "the message is not signed: this is not an SNS delivery (Signature and SigningCertURL are missing)")
	}
	var hash crypto.Hash
	switch m.SignatureVersion {
	case "1":
		hash = crypto.SHA1
	case "2":
		hash = crypto.SHA256
	default:
		return ticket.Errorf(ticket.Unauthorized, "SignatureVersion %.20q: want 1 or 2", m.SignatureVersion)
	}
	signed, err := m.stringToSign()
	if err != nil {
		return err
	}
	if _, err := snsURL(m.SigningCertURL, true); err != nil {
		return ticket.Errorf(ticket.Unauthorized, "SigningCertURL %s: SNS certificates are https .pem files on sns.REGION.amazonaws.com", err)
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return ticket.Errorf(ticket.Unauthorized, "the Signature is not base64")
	}
	if r.Options.SNS.Certs == nil {
		return errors.New("intake: SNS options without Certs") // a wiring bug: Internal
	}
	key, err := r.Options.SNS.Certs.key(r.ctx(), m.SigningCertURL)
	if err != nil {
		return err
	}
	var digest []byte
	if hash == crypto.SHA1 {
		sum := sha1.Sum([]byte(signed))
		digest = sum[:]
	} else {
		sum := sha256.Sum256([]byte(signed))
		digest = sum[:]
	}
	if rsa.VerifyPKCS1v15(key, hash, digest, sig) != nil {
		return ticket.Errorf(ticket.Unauthorized, "the SNS signature does not verify: the message was changed, or not sent by SNS")
	}
	return nil
}

// stringToSign is what SNS signs: for each field of the message's type, in
// this fixed order, the name and the value, each followed by a newline.
func (m *snsMessage) stringToSign() (string, error) {
	type field struct{ name, value string }
	var fields []field
	switch m.Type {
	case snsNotification:
		fields = []field{{"Message", m.Message}, {"MessageId", m.MessageID}}
		if m.Subject != nil {
			fields = append(fields, field{"Subject", *m.Subject})
		}
		fields = append(fields, field{"Timestamp", m.Timestamp}, field{"TopicArn", m.TopicArn}, field{"Type", m.Type})
	case snsSubscribe, snsUnsubscribe:
		fields = []field{{"Message", m.Message}, {"MessageId", m.MessageID}, {"SubscribeURL", m.SubscribeURL},
			{"Timestamp", m.Timestamp}, {"Token", m.Token}, {"TopicArn", m.TopicArn}, {"Type", m.Type}}
	default:
		return "", ticket.Errorf(ticket.Invalid, "Type %.40q: want Notification, SubscriptionConfirmation or UnsubscribeConfirmation", m.Type)
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f.name + "\n" + f.value + "\n")
	}
	return b.String(), nil
}

// confirm fetches the SubscribeURL of a signed SubscriptionConfirmation.
func (m *snsMessage) confirm(r *Request) error {
	if _, err := snsURL(m.SubscribeURL, false); err != nil {
		return ticket.Errorf(ticket.Invalid, "SubscribeURL %s", err)
	}
	if r.Options.SNS.Confirm == nil {
		return errors.New("intake: SNS options without Confirm") // a wiring bug: Internal
	}
	_, err := r.Options.SNS.Confirm(r.ctx(), m.SubscribeURL)
	var se *StatusError
	switch {
	case errors.As(err, &se) && se.Code >= 400 && se.Code < 500:
		return ticket.Wrap(ticket.Invalid, err, "SNS refused the confirmation (the token may have expired): request a new one from the topic's console")
	case err != nil:
		return ticket.Wrap(ticket.Unavailable, err, "SNS is unavailable to confirm the subscription; SNS will retry")
	}
	return nil
}
