package policy_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
)

const (
	topic  = "arn:aws:sns:eu-west-1:210987654321:ops-alarms"
	secret = "0123456789abcdef0123"
)

// TestParse_integrationOptions checks the options of each kind that load,
// and the defaults of those left out.
func TestParse_integrationOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want policy.Integration // Name, Kind and Token are not compared
	}{
		// Ensure Alertmanager groups by default: one ticket per group.
		{name: "alertmanager_default", src: `{name: a, kind: alertmanager, token: t}`,
			want: policy.Integration{Grouping: "group"}},
		// Ensure Alertmanager may file one ticket per alert.
		{name: "alertmanager_by_alert", src: `{name: a, kind: alertmanager, token: t, grouping: alert}`,
			want: policy.Integration{Grouping: "alert"}},
		// Ensure Grafana takes an HMAC secret and defaults the rest.
		{name: "grafana_hmac_defaults", src: `{name: g, kind: grafana, token: t, hmac: {secret: "` + secret + `"}}`,
			want: policy.Integration{Grouping: "group", HMAC: &policy.HMAC{Secret: secret, Window: 5 * time.Minute}}},
		// Ensure every HMAC field is read.
		{name: "grafana_hmac_full", src: `{name: g, kind: grafana, token: t, grouping: alert, hmac: {secret: "` + secret +
			`", header: X-Sig, timestamp_header: X-Grafana-Alerting-Timestamp, window: 90s}}`,
			want: policy.Integration{Grouping: "alert", HMAC: &policy.HMAC{Secret: secret, Header: "X-Sig",
				TimestampHeader: "X-Grafana-Alerting-Timestamp", Window: 90 * time.Second}}},
		// Ensure SNS takes a list of topics and ignores INSUFFICIENT_DATA by default.
		{name: "sns_topics", src: `{name: cw, kind: sns, token: t, topics: [` + topic + `, ` + topic + `.fifo]}`,
			want: policy.Integration{Topics: []string{topic, topic + ".fifo"}, InsufficientData: "ignore"}},
		// Ensure one topic may be given without a list, and INSUFFICIENT_DATA may open tickets.
		{name: "sns_one_topic", src: `{name: cw, kind: sns, token: t, topics: ` + topic + `, insufficient_data: trigger}`,
			want: policy.Integration{Topics: []string{topic}, InsufficientData: "trigger"}},
		// Ensure a GovCloud or China partition ARN is a topic too.
		{name: "sns_partition", src: `{name: cw, kind: sns, token: t, topics: ["arn:aws-cn:sns:cn-north-1:210987654321:alarms"], insufficient_data: resolve}`,
			want: policy.Integration{Topics: []string{"arn:aws-cn:sns:cn-north-1:210987654321:alarms"}, InsufficientData: "resolve"}},
		// Ensure generic takes a mapping of JSON pointers, escapes included, and an HMAC.
		{name: "generic_mapping", src: `{name: x, kind: generic, token: t, mapping: {title: /alert/name, dedup_key: /id, severity: "/labels/sev~1level", action: /state},
  hmac: {secret: "` + secret + `", timestamp_header: X-Tierline-Timestamp}}`,
			want: policy.Integration{Mapping: map[string]string{"title": "/alert/name", "dedup_key": "/id", "severity": "/labels/sev~1level", "action": "/state"},
				HMAC: &policy.HMAC{Secret: secret, TimestampHeader: "X-Tierline-Timestamp", Window: 5 * time.Minute}}},
		// Ensure the drop-in kinds need nothing but their token.
		{name: "pagerduty", src: `{name: pd, kind: pagerduty, token_sha256: ` + policy.Hash("routing-key") + `}`},
		{name: "opsgenie", src: `{name: og, kind: opsgenie, token: genie-key}`},
		{name: "datadog", src: `{name: dd, kind: datadog, token: t}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustParse(t, "integrations:\n  - "+tt.src+"\n")
			got, want := c.Integrations[0], tt.want
			if got.Grouping != want.Grouping || got.InsufficientData != want.InsufficientData {
				t.Errorf("Grouping=%q InsufficientData=%q, want %q %q", got.Grouping, got.InsufficientData, want.Grouping, want.InsufficientData)
			}
			if !reflect.DeepEqual(got.Topics, want.Topics) || !reflect.DeepEqual(got.Mapping, want.Mapping) {
				t.Errorf("Topics=%q Mapping=%q, want %q %q", got.Topics, got.Mapping, want.Topics, want.Mapping)
			}
			if !reflect.DeepEqual(got.HMAC, want.HMAC) {
				t.Errorf("HMAC=%+v, want %+v", got.HMAC, want.HMAC)
			}
		})
	}
}

// TestParse_integrationOptionProblems checks every way an option is refused.
func TestParse_integrationOptionProblems(t *testing.T) {
	t.Parallel()
	item := func(src string) string { return "integrations:\n  - " + src + "\n" }
	const p = `test.yaml:2: integrations[0]`
	runProblemTests(t, []problemTest{
		// Ensure an option of another kind is refused, naming the kinds it applies to.
		{name: "grouping_on_generic", src: item(`{name: a, kind: generic, token: t, grouping: alert}`), want: []string{
			p + `.grouping: kind generic has no grouping; it applies to alertmanager and grafana`}},
		// Ensure Alertmanager cannot sign: it has no HMAC.
		{name: "hmac_on_alertmanager", src: item(`{name: a, kind: alertmanager, token: t, hmac: {secret: "` + secret + `"}}`), want: []string{
			p + `.hmac: kind alertmanager has no hmac; it applies to generic and grafana`}},
		// Ensure an unknown grouping names the two there are.
		{name: "grouping_unknown", src: item(`{name: a, kind: alertmanager, token: t, grouping: fingerprint}`), want: []string{
			p + `.grouping: want group or alert, got "fingerprint"`}},
		// Ensure SNS needs its allow-list: a valid signature only proves "some SNS topic".
		{name: "sns_without_topics", src: item(`{name: cw, kind: sns, token: t}`), want: []string{
			p + `: integration "cw" of kind sns needs topics: the ARNs of the SNS topics that may post, like arn:aws:sns:eu-west-1:123456789012:alarms`}},
		// Ensure an empty list of topics is refused.
		{name: "sns_empty_topics", src: item(`{name: cw, kind: sns, token: t, topics: []}`), want: []string{
			p + `.topics: list at least one SNS topic ARN`}},
		// Ensure a topic that is not an ARN is refused on its own line.
		{name: "sns_topic_not_arn", src: "integrations:\n  - name: cw\n    kind: sns\n    token: t\n    topics:\n      - " + topic + "\n      - ops-alarms\n", want: []string{
			`test.yaml:7: integrations[0].topics: "ops-alarms" is not an SNS topic ARN: want arn:aws:sns:REGION:ACCOUNT:NAME, as the topic's page shows it`}},
		// Ensure a CloudWatch alarm ARN is not taken for a topic.
		{name: "sns_alarm_arn", src: item(`{name: cw, kind: sns, token: t, topics: "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:cpu"}`), want: []string{
			p + `.topics: "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:cpu" is not an SNS topic ARN: want arn:aws:sns:REGION:ACCOUNT:NAME, as the topic's page shows it`}},
		// Ensure insufficient_data is one of three.
		{name: "insufficient_data_unknown", src: item(`{name: cw, kind: sns, token: t, topics: ` + topic + `, insufficient_data: page}`), want: []string{
			p + `.insufficient_data: want ignore or trigger or resolve, got "page"`}},
		// Ensure an HMAC needs its secret.
		{name: "hmac_without_secret", src: item(`{name: g, kind: grafana, token: t, hmac: {header: X-Sig}}`), want: []string{
			p + `.hmac.secret: want a shared secret of at least 16 characters (make one with: openssl rand -hex 32)`}},
		// Ensure a short secret is refused: it is guessable.
		{name: "hmac_short_secret", src: item(`{name: g, kind: grafana, token: t, hmac: {secret: hunter2}}`), want: []string{
			p + `.hmac.secret: want a shared secret of at least 16 characters (make one with: openssl rand -hex 32)`}},
		// Ensure an unknown HMAC field lists the known ones.
		{name: "hmac_unknown_field", src: item(`{name: g, kind: grafana, token: t, hmac: {secret: "` + secret + `", algorithm: sha1}}`), want: []string{
			p + `.hmac: unknown field "algorithm" (known fields: header, secret, timestamp_header, window)`}},
		// Ensure a header name is a header name.
		{name: "hmac_bad_header", src: item(`{name: g, kind: grafana, token: t, hmac: {secret: "` + secret + `", header: "X Sig:"}}`), want: []string{
			p + `.hmac.header: "X Sig:" is not an HTTP header name`}},
		// Ensure the replay window is a duration.
		{name: "hmac_bad_window", src: item(`{name: g, kind: generic, token: t, hmac: {secret: "` + secret + `", window: soon}}`), want: []string{
			p + `.hmac.window: want a positive duration such as 90s, 15m, 4h or 2d, got "soon"`}},
		// Ensure hmac is a mapping.
		{name: "hmac_not_mapping", src: item(`{name: g, kind: generic, token: t, hmac: "` + secret + `"}`), want: []string{
			p + `.hmac: want a mapping of fields, got "` + secret + `"`}},
		// Ensure a mapping names ticket fields only.
		{name: "mapping_unknown_field", src: item(`{name: x, kind: generic, token: t, mapping: {name: /alert/name}}`), want: []string{
			p + `.mapping.name: unknown field "name": a mapping may set ` + strings.Join(policy.MappingFields, ", ")}},
		// Ensure a pointer starts with a slash.
		{name: "mapping_no_slash", src: item(`{name: x, kind: generic, token: t, mapping: {title: alert.name}}`), want: []string{
			p + `.mapping.title: "alert.name" is not a JSON pointer (RFC 6901): it must start with /; write it like /alert/name`}},
		// Ensure a bad escape is refused.
		{name: "mapping_bad_escape", src: item(`{name: x, kind: generic, token: t, mapping: {title: /a~2b}}`), want: []string{
			p + `.mapping.title: "/a~2b" is not a JSON pointer (RFC 6901): ~ must be followed by 0 or 1; write it like /alert/name`}},
		// Ensure two PagerDuty integrations cannot share a routing key: it is all that tells them apart.
		{name: "pagerduty_same_key", src: "integrations:\n  - {name: pd1, kind: pagerduty, token: k}\n  - {name: pd2, kind: pagerduty, token_sha256: " + policy.Hash("k") + "}\n", want: []string{
			`test.yaml:3: integrations[1]: integration "pd2" has the same token as "pd1"; senders of kind pagerduty are told apart by their token alone, so give each its own`}},
		// Ensure an option of an unknown kind is not reported on top of the kind.
		{name: "option_of_unknown_kind", src: item(`{name: a, kind: nagios, token: t, grouping: alert}`), want: []string{
			p + `.kind: unknown kind "nagios": want one of ` + strings.Join(policy.Kinds, ", ")}},
	})
}

// Ensure kinds of different senders may share a token: each route finds
// its integration by kind first.
func TestParse_sameTokenAcrossKinds(t *testing.T) {
	t.Parallel()
	c := MustParse(t, "integrations:\n  - {name: pd, kind: pagerduty, token: k}\n  - {name: og, kind: opsgenie, token: k}\n")
	if len(c.Integrations) != 2 {
		t.Fatalf("len(Integrations)=%d, want 2", len(c.Integrations))
	}
}
