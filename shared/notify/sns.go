package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// Publisher is the one call of SNS that an sns channel makes; *sns.Client
// satisfies it. It retries throttling and 5xx answers itself, so an error
// here is final for this delivery and the notice comes back from its queue.
type Publisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNS limits that a hand-off must fit.
const (
	maxSubject = 99  // "less than 100 characters", ASCII, one line
	maxSMS     = 140 // one SMS segment of 7-bit text
)

// publish sends h to the channel's SNS topic, or to the tier's topic when
// the channel names none. The message is structured per protocol, so each
// kind of subscriber gets what it can use: e-mail the plain-text summary
// and link, SMS its first line, SQS, Lambda and HTTP subscribers the same
// JSON as a webhook channel. Message attributes carry the ticket, tier,
// priority and kind, so that a subscription's filter policy can pick, say,
// only P1 hand-offs for SMS.
func (d *Deliverer) publish(ctx context.Context, ch policy.Channel, h ticket.HandOff) error {
	topic := ch.TopicARN
	if topic == "" {
		topic = d.Topics[h.Tier]
	}
	if topic == "" {
		return fmt.Errorf("notify: sns channel %s of %s has no topic_arn, and no topic of %s was configured for the stack", ch.Name, h.Tier, h.Tier)
	}
	if d.SNS == nil {
		return fmt.Errorf("notify: sns channel %s: no SNS client; sns channels deliver only on AWS", ch.Name)
	}
	in, err := d.NewPublishInput(topic, ch, h)
	if err != nil {
		return err
	}
	if _, err := d.SNS.Publish(ctx, in); err != nil {
		return fmt.Errorf("notify: sns channel %s: publish to %s: %w", ch.Name, topic, err)
	}
	return nil
}

// NewPublishInput builds the SNS message of delivering h to channel ch
// of topic. E-mail gets the summary and every link as plain text; an SMS
// the summary's first line and, when the hand-off asks for it, the link
// that acknowledges (a phone needs nothing else).
func (d *Deliverer) NewPublishInput(topic string, ch policy.Channel, h ticket.HandOff) (*sns.PublishInput, error) {
	l := d.Links(ch, h)
	text := Summary(h)
	if links := l.Text(); links != "" {
		text += "\n\n" + links
	}
	full, err := json.Marshal(newMessage(h, l))
	if err != nil {
		return nil, fmt.Errorf("notify: encode hand-off: %w", err)
	}
	first, _, _ := strings.Cut(text, "\n")
	sms := truncate(first, maxSMS)
	if l.Acknowledge != "" {
		sms += "\nAck: " + l.Acknowledge
	} else if l.View != "" {
		sms += "\n" + l.View
	}
	body, err := json.Marshal(map[string]string{
		"default": text,
		"email":   text,
		"sms":     sms,
		"sqs":     string(full),
		"lambda":  string(full),
		"http":    string(full),
		"https":   string(full),
	})
	if err != nil {
		return nil, fmt.Errorf("notify: encode sns message: %w", err)
	}
	return &sns.PublishInput{
		TopicArn:         aws.String(topic),
		Subject:          aws.String(Subject(h)),
		Message:          aws.String(string(body)),
		MessageStructure: aws.String("json"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"ticket_id": stringAttribute(h.Ticket.ID),
			"tier":      stringAttribute(h.Tier.String()),
			"priority":  stringAttribute(h.Ticket.Priority.String()),
			"kind":      stringAttribute(string(h.Kind)),
		},
	}, nil
}

// Subject is the e-mail subject of a hand-off: the first line of its
// summary, as SNS wants it (printable ASCII, under 100 characters).
func Subject(h ticket.HandOff) string {
	first, _, _ := strings.Cut(Summary(h), "\n")
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, first)
	return truncate(ascii, maxSubject)
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("...")
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func utf8Start(b byte) bool { return b&0xc0 != 0x80 }

func stringAttribute(v string) snstypes.MessageAttributeValue {
	return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}
