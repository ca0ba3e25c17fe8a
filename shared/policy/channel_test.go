package policy_test

import (
	"reflect"
	"testing"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// TestParse_channels checks the channels of each tier.
func TestParse_channels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want policy.Channels
	}{
		// Ensure a config may leave channels out.
		{name: "none", src: `{}`, want: policy.Channels{}},
		// Ensure an unnamed channel is named after its kind.
		{name: "default_name", src: "channels:\n  L1: [{kind: log}]\n",
			want: policy.Channels{ticket.L1: {{Name: "log", Kind: "log"}}}},
		// Ensure unnamed channels of one kind are numbered kind, kind-2, kind-3.
		{name: "default_names_numbered", src: `channels:
  L2:
    - {kind: webhook, url: "https://a.example/1"}
    - {kind: webhook, url: "https://a.example/2"}
    - {kind: log}
    - {kind: webhook, url: "https://a.example/3"}
`, want: policy.Channels{ticket.L2: {
			{Name: "webhook", Kind: "webhook", URL: "https://a.example/1"},
			{Name: "webhook-2", Kind: "webhook", URL: "https://a.example/2"},
			{Name: "log", Kind: "log"},
			{Name: "webhook-3", Kind: "webhook", URL: "https://a.example/3"},
		}}},
		// Ensure numbering skips a name a channel took explicitly.
		{name: "default_name_skips_taken", src: `channels:
  L1:
    - {name: log, kind: log}
    - {name: log-2, kind: log}
    - {kind: log}
`, want: policy.Channels{ticket.L1: {
			{Name: "log", Kind: "log"}, {Name: "log-2", Kind: "log"}, {Name: "log-3", Kind: "log"},
		}}},
		// Ensure the same name in different tiers is fine: names are unique per tier.
		{name: "same_name_other_tier", src: "channels:\n  L1: [{kind: log}]\n  L3: [{kind: log}]\n",
			want: policy.Channels{ticket.L1: {{Name: "log", Kind: "log"}}, ticket.L3: {{Name: "log", Kind: "log"}}}},
		// Ensure a webhook keeps its URL and headers.
		{name: "webhook_headers", src: `channels:
  L3:
    - name: pager
      kind: webhook
      url: http://pager.internal:9000/hook?team=l3
      headers: {Authorization: "Bearer x", X-Team: l3}
`, want: policy.Channels{ticket.L3: {{Name: "pager", Kind: "webhook", URL: "http://pager.internal:9000/hook?team=l3",
			Headers: map[string]string{"Authorization": "Bearer x", "X-Team": "l3"}}}}},
		// Ensure an sns channel without a topic_arn means the tier's topic of the stack.
		{name: "sns_tier_topic", src: "channels:\n  L1: [{kind: sns}]\n",
			want: policy.Channels{ticket.L1: {{Name: "sns", Kind: "sns"}}}},
		// Ensure an sns channel keeps a topic of its own.
		{name: "sns_topic_arn", src: `channels:
  L2:
    - {name: dba-pager, kind: sns, topic_arn: "arn:aws:sns:eu-west-1:123456789012:dba-pager"}
    - {kind: sns, topic_arn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:l2"}
`, want: policy.Channels{ticket.L2: {
			{Name: "dba-pager", Kind: "sns", TopicARN: "arn:aws:sns:eu-west-1:123456789012:dba-pager"},
			{Name: "sns", Kind: "sns", TopicARN: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:l2"},
		}}},
		// Ensure slack and teams channels keep their URLs, named by kind.
		{name: "slack_and_teams", src: `channels:
  L1:
    - {kind: slack, url: "https://hooks.slack.com/services/T000/B000/XXXX"}
    - {kind: teams, url: "https://prod-00.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x"}
    - {name: night-desk, kind: slack, url: "https://hooks.slack.com/services/T000/B001/YYYY"}
`, want: policy.Channels{ticket.L1: {
			{Name: "slack", Kind: "slack", URL: "https://hooks.slack.com/services/T000/B000/XXXX"},
			{Name: "teams", Kind: "teams", URL: "https://prod-00.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x"},
			{Name: "night-desk", Kind: "slack", URL: "https://hooks.slack.com/services/T000/B001/YYYY"},
		}}},
		// Ensure tiers are read in any spelling.
		{name: "tier_spelling", src: "channels:\n  l2: [{kind: log}]\n  \"3\": [{kind: log}]\n",
			want: policy.Channels{ticket.L2: {{Name: "log", Kind: "log"}}, ticket.L3: {{Name: "log", Kind: "log"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := MustParse(t, tt.src).Channels; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Channels=%+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestParse_channelProblems checks every way a channel is refused.
func TestParse_channelProblems(t *testing.T) {
	t.Parallel()
	const url = "a webhook channel needs an http or https url, got "
	runProblemTests(t, []problemTest{
		// Ensure a webhook without a url is refused at the channel's line.
		{name: "webhook_no_url", src: "channels:\n  L1:\n    - {kind: webhook}\n", want: []string{
			`test.yaml:3: channels.L1[0].url: a webhook channel needs a url: the receiver's http or https URL`}},
		// Ensure a slack channel without a url says where to find one.
		{name: "slack_no_url", src: "channels:\n  L1:\n    - {kind: slack}\n", want: []string{
			`test.yaml:3: channels.L1[0].url: a slack channel needs a url: the incoming webhook's URL, https://hooks.slack.com/services/…, from the Slack app's Incoming Webhooks page`}},
		// Ensure a teams channel without a url says where to find one.
		{name: "teams_no_url", src: "channels:\n  L1:\n    - {kind: teams}\n", want: []string{
			`test.yaml:3: channels.L1[0].url: a teams channel needs a url: the URL of a Teams workflow "When a Teams webhook request is received" (Workflows, "Send webhook alerts to a channel")`}},
		// Ensure a slack url that is none is refused like a webhook's.
		{name: "slack_not_url", src: "channels:\n  L1: [{kind: slack, url: \"#on-call\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].url: a slack channel needs an http or https url, got "#on-call"`}},
		// Ensure a topic_arn on a slack channel is refused.
		{name: "topic_arn_on_slack", src: "channels:\n  L1: [{kind: slack, url: \"https://hooks.slack.com/services/T/B/x\", topic_arn: \"arn:aws:sns:us-east-1:123456789012:l1\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].topic_arn: only an sns channel has a topic_arn; remove it or set kind: sns`}},
		// Ensure a webhook url without a scheme is refused on the url's line.
		{name: "webhook_no_scheme", src: "channels:\n  L1:\n    - kind: webhook\n      url: hooks.example/l1\n", want: []string{
			`test.yaml:4: channels.L1[0].url: ` + url + `"hooks.example/l1"`}},
		// Ensure a webhook url of another scheme is refused.
		{name: "webhook_mailto", src: "channels:\n  L1: [{kind: webhook, url: \"mailto:oncall@example.com\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].url: ` + url + `"mailto:oncall@example.com"`}},
		// Ensure a webhook url without a host is refused.
		{name: "webhook_no_host", src: "channels:\n  L1: [{kind: webhook, url: \"https:///path\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].url: ` + url + `"https:///path"`}},
		// Ensure an unparseable webhook url is refused.
		{name: "webhook_unparseable", src: "channels:\n  L1: [{kind: webhook, url: \"https://a b/%zz\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].url: ` + url + `"https://a b/%zz"`}},
		// Ensure a url of the wrong kind is refused once.
		{name: "webhook_url_list", src: "channels:\n  L1:\n    - kind: webhook\n      url: [https://a.example]\n", want: []string{
			`test.yaml:4: channels.L1[0].url: want a string, or where the secret is kept such as {ssm: /tierline/prod/NAME}, got a list`}},
		// Ensure an unknown kind lists the known kinds.
		{name: "kind_unknown", src: "channels:\n  L2:\n    - name: mail\n      kind: email\n", want: []string{
			`test.yaml:4: channels.L2[0].kind: unknown kind "email": want one of log, webhook, slack, teams, sns`}},
		// Ensure a channel without a kind is refused.
		{name: "kind_missing", src: "channels:\n  L2: [{name: mail}]\n", want: []string{
			`test.yaml:2: channels.L2[0].kind: unknown kind "": want one of log, webhook, slack, teams, sns`}},
		// Ensure two channels of a tier may not share a name, reported at the second.
		{name: "duplicate_name", src: `channels:
  L2:
    - {name: on-call, kind: log}
    - name: on-call
      kind: webhook
      url: https://a.example
`, want: []string{
			`test.yaml:4: channels.L2[1].name: L2 already has a channel named "on-call"; give each channel of a tier its own name`}},
		// Ensure a name that clashes with a default name is refused.
		{name: "duplicate_default_name", src: "channels:\n  L1:\n    - {kind: log}\n    - {name: log, kind: log}\n", want: []string{
			`test.yaml:4: channels.L1[1].name: L1 already has a channel named "log"; give each channel of a tier its own name`}},
		// Ensure names are unique across two spellings of one tier.
		{name: "duplicate_across_spellings", src: "channels:\n  L1: [{kind: log}]\n  l1: [{name: log, kind: log}]\n", want: []string{
			`test.yaml:3: channels.l1[0].name: L1 already has a channel named "log"; give each channel of a tier its own name`}},
		// Ensure a tier given a mapping instead of a list is refused.
		{name: "tier_mapping", src: "channels:\n  L1: {kind: log}\n", want: []string{
			`test.yaml:2: channels.L1: want a list, got a mapping`}},
		// Ensure channels given as a list is refused.
		{name: "channels_list", src: "channels:\n  - {kind: log}\n", want: []string{
			`test.yaml:2: channels: want a mapping, got a list`}},
		// Ensure a topic_arn on a channel that is not sns is refused on the topic's line.
		{name: "topic_arn_on_webhook", src: "channels:\n  L1:\n    - kind: webhook\n      url: https://a.example\n      topic_arn: arn:aws:sns:us-east-1:123456789012:l1\n", want: []string{
			`test.yaml:5: channels.L1[0].topic_arn: only an sns channel has a topic_arn; remove it or set kind: sns`}},
		// Ensure a topic_arn that is not an SNS topic ARN says what one looks like.
		{name: "topic_arn_not_arn", src: "channels:\n  L1: [{kind: sns, topic_arn: on-call-l1}]\n", want: []string{
			`test.yaml:2: channels.L1[0].topic_arn: want an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:on-call (not FIFO), got "on-call-l1"; leave topic_arn out to use the tier's topic of the stack`}},
		// Ensure an SQS queue ARN is not taken for a topic.
		{name: "topic_arn_of_queue", src: "channels:\n  L1: [{kind: sns, topic_arn: \"arn:aws:sqs:us-east-1:123456789012:l1\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].topic_arn: want an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:on-call (not FIFO), got "arn:aws:sqs:us-east-1:123456789012:l1"; leave topic_arn out to use the tier's topic of the stack`}},
		// Ensure a FIFO topic is refused: hand-offs carry no message group.
		{name: "topic_arn_fifo", src: "channels:\n  L1: [{kind: sns, topic_arn: \"arn:aws:sns:us-east-1:123456789012:l1.fifo\"}]\n", want: []string{
			`test.yaml:2: channels.L1[0].topic_arn: want an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:on-call (not FIFO), got "arn:aws:sns:us-east-1:123456789012:l1.fifo"; leave topic_arn out to use the tier's topic of the stack`}},
		// Ensure a topic_arn of the wrong type is refused once.
		{name: "topic_arn_list", src: "channels:\n  L1: [{kind: sns, topic_arn: [a]}]\n", want: []string{
			`test.yaml:2: channels.L1[0].topic_arn: want a string, got a list`}},
		// Ensure a header value that is not a string is refused.
		{name: "header_list", src: "channels:\n  L1: [{kind: webhook, url: \"https://a.example\", headers: {X-A: [1]}}]\n", want: []string{
			`test.yaml:2: channels.L1[0].headers.X-A: want a string, or where the secret is kept such as {ssm: /tierline/prod/NAME}, got a list`}},
	})
}
