package notify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tierline/tierline/shared/policy"
)

// Ensure an SNS hand-off gives e-mail every link in plain text and an SMS
// its first line and the acknowledge link, under a subject SNS takes
// (printable ASCII, under 100 characters), in the golden shape.
func TestSNSActions(t *testing.T) {
	t.Parallel()
	h := openHandOff(t, "Disk full on db-1 — "+strings.Repeat("très long ", 20))
	in, err := linked().NewPublishInput("arn:aws:sns:eu-west-1:123456789012:tierline-l1", policy.Channel{Name: "sns", Kind: "sns"}, h)
	if err != nil {
		t.Fatal(err)
	}
	subject := aws.ToString(in.Subject)
	if len(subject) > 99 || strings.ContainsFunc(subject, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		t.Errorf("subject %q: want printable ASCII under 100 characters", subject)
	}
	var structure map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(in.Message)), &structure); err != nil {
		t.Fatal(err)
	}
	mail := structure["email"]
	for _, want := range []string{"Acknowledge (no sign-in needed): https://tierline.example/a/", "See it now (no sign-in needed): https://tierline.example/a/",
		"Open in the console: https://tierline.example/console/tickets/0c7g2m4x9k3t1p", "The links without sign-in work until"} {
		if !strings.Contains(mail, want) {
			t.Errorf("e-mail %q lacks %q", mail, want)
		}
	}
	first, ack, ok := strings.Cut(structure["sms"], "\nAck: https://tierline.example/a/")
	if !ok || len(first) > 140 || !strings.HasPrefix(first, "[L1] P3 Disk full on db-1") || ack == "" {
		t.Errorf("SMS %q: want the first line in at most 140 bytes, then the acknowledge link", structure["sms"])
	}
	if structure["default"] != mail {
		t.Error("the default text is not the e-mail's")
	}
	golden(t, "sns.json", []byte(aws.ToString(in.Message)))
}
