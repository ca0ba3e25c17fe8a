package policy_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/policy"
)

// TestParse_secretRefProblems checks references that are not good ones:
// each is refused at its line with what to write instead.
func TestParse_secretRefProblems(t *testing.T) {
	t.Parallel()
	hmacOf := func(ref string) string {
		return "integrations:\n  - {name: g, kind: grafana, token: t,\n     hmac: {secret: " + ref + "}}\n"
	}
	const at = "test.yaml:3: integrations[0].hmac.secret"
	runProblemTests(t, []problemTest{
		// Ensure a reference names exactly one place.
		{name: "two_places", src: hmacOf("{env: A, ssm: /a/b}"), want: []string{
			at + ": name one place the secret is kept: {env: NAME}, {ssm: /PATH/NAME} or {secretsmanager: NAME} (with key: KEY for one member of its JSON)"}},
		{name: "no_place", src: hmacOf("{key: url}"), want: []string{
			at + ": name one place the secret is kept: {env: NAME}, {ssm: /PATH/NAME} or {secretsmanager: NAME} (with key: KEY for one member of its JSON)"}},
		// Ensure an unknown field lists the known ones.
		{name: "unknown_field", src: hmacOf("{vault: a/b}"), want: []string{
			at + `: unknown field "vault" (known fields: env, key, secretsmanager, ssm)`}},
		// Ensure key goes with Secrets Manager only.
		{name: "key_with_ssm", src: hmacOf("{ssm: /a/b, key: url}"), want: []string{
			at + ".key: key picks a member of a Secrets Manager secret's JSON value; it goes with secretsmanager only"}},
		{name: "key_empty", src: hmacOf(`{secretsmanager: a/b, key: ""}`), want: []string{
			at + `.key: want the name of a member of the secret's JSON object, such as url, got ""`}},
		// Ensure each store's names are checked by its rules.
		{name: "env_bad_name", src: hmacOf(`{env: "$SECRET"}`), want: []string{
			at + `.env: want the name of an environment variable, such as TIERLINE_GRAFANA_HMAC, got "$SECRET"`}},
		{name: "ssm_no_path", src: hmacOf("{ssm: grafana-hmac}"), want: []string{
			at + `.ssm: want an SSM parameter's name with its path, such as /tierline/prod/grafana-hmac (letters, digits, _ . - and /), got "grafana-hmac"`}},
		{name: "ssm_arn", src: hmacOf("{ssm: 'arn:aws:ssm:us-east-1:123456789012:parameter/a'}"), want: []string{
			at + `.ssm: want an SSM parameter's name with its path, such as /tierline/prod/grafana-hmac (letters, digits, _ . - and /), got "arn:aws:ssm:us-east-1:123456789012:parameter/a"`}},
		{name: "ssm_reserved", src: hmacOf("{ssm: /aws/reference/secretsmanager/a}"), want: []string{
			at + ".ssm: SSM reserves names that start with aws or ssm; put the parameter under a path of your own, such as /tierline/prod/"}},
		{name: "ssm_too_deep", src: hmacOf("{ssm: " + strings.Repeat("/a", 16) + "}"), want: []string{
			at + ".ssm: SSM parameter names have at most 1011 characters in at most 15 levels; shorten it"}},
		{name: "secretsmanager_arn", src: hmacOf("{secretsmanager: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf'}"), want: []string{
			at + `.secretsmanager: want a Secrets Manager secret's name, such as tierline/prod/slack-l2 (its name, not its ARN), got "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf"`}},
		{name: "name_list", src: hmacOf("{ssm: [/a/b]}"), want: []string{
			at + `.ssm: want an SSM parameter's name with its path, such as /tierline/prod/grafana-hmac (letters, digits, _ . - and /), got a list`}},
		// Ensure a field that takes no secret does not take a reference either.
		{name: "title_is_no_secret", src: "forms_secret: development-only-forms-secret-0123456789\nforms:\n  - {name: f, title: {env: TITLE}, categories: [a]}\n", want: []string{
			`test.yaml:3: forms[0].title: want a string, got a mapping`}},
	})
}

// TestParse_secretsOnlyOnAWS checks that without a store (tierline serve)
// a secret in SSM or Secrets Manager is refused with what to do instead.
func TestParse_secretsOnlyOnAWS(t *testing.T) {
	t.Parallel()
	got := MustProblems(t, "api_keys:\n  - {name: ops, key: {ssm: /tierline/prod/ops-key}}\n  - {name: ci, key: {secretsmanager: tierline/prod/ci}}\n")
	want := []string{
		"test.yaml:2: api_keys[0].key: SSM parameter /tierline/prod/ops-key is read only on AWS, where the functions read it at cold start; for tierline serve name an environment variable instead ({env: NAME}), or give the value in plain for development",
		"test.yaml:3: api_keys[1].key: Secrets Manager secret tierline/prod/ci is read only on AWS, where the functions read it at cold start; for tierline serve name an environment variable instead ({env: NAME}), or give the value in plain for development",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Problems=\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestParseWith_secretProblems checks secrets that the store does not
// have, or that hold what their field cannot take: each is a problem at
// the line that names it, which says how to fix it and never repeats a
// secret.
func TestParseWith_secretProblems(t *testing.T) {
	store := &memStore{values: map[policy.SecretID]string{
		ssm("/tierline/prod/short"):  "hunter2",
		sm("tierline/prod/text"):     "not json",
		sm("tierline/prod/json"):     `{"slack": "https://hooks.slack.com/x", "count": 3, "empty": ""}`,
		sm("tierline/prod/not-url"):  "hooks.slack.com/services/T000",
		sm("tierline/prod/empty"):    "",
		ssm("/tierline/prod/header"): "Bearer x\n",
	}}
	t.Setenv("TIERLINE_TEST_SHORT_FORMS", "short")
	tests := []problemTest{
		// Ensure a missing parameter is named, with the command that creates it.
		{name: "ssm_missing", src: "integrations:\n  - {name: g, kind: grafana, token: t, hmac: {secret: {ssm: /tierline/prod/grafana-hmac}}}\n", want: []string{
			`test.yaml:2: integrations[0].hmac.secret: SSM parameter /tierline/prod/grafana-hmac does not exist in this account and region; create it, with VALUE the shared secret the sender signs with, at least 16 characters: aws ssm put-parameter --type SecureString --name /tierline/prod/grafana-hmac --value "$VALUE"`}},
		{name: "secretsmanager_missing", src: "channels:\n  L2: [{kind: webhook, url: {secretsmanager: tierline/prod/slack-l2, key: url}}]\n", want: []string{
			`test.yaml:2: channels.L2[0].url: Secrets Manager secret tierline/prod/slack-l2 does not exist in this account and region; create it, with VALUE the webhook URL: aws secretsmanager create-secret --name tierline/prod/slack-l2 --secret-string '{"url": "VALUE"}'`}},
		// Ensure an environment variable that is not set says what to set it to.
		{name: "env_unset", src: "api_keys: [{name: ops, key: {env: TIERLINE_TEST_NEVER_SET_7F3A}}]\n", want: []string{
			`test.yaml:1: api_keys[0].key: the environment variable TIERLINE_TEST_NEVER_SET_7F3A is not set; set it to the api key`}},
		// Ensure a secret too short for its field is refused without being repeated.
		{name: "hmac_short", src: "integrations:\n  - {name: g, kind: generic, token: t, hmac: {secret: {ssm: /tierline/prod/short}}}\n", want: []string{
			`test.yaml:2: integrations[0].hmac.secret: the secret in SSM parameter /tierline/prod/short is 7 characters; use at least 16 (make one with: openssl rand -hex 32)`}},
		{name: "forms_short", src: "forms_secret: {env: TIERLINE_TEST_SHORT_FORMS}\n", want: []string{
			`test.yaml:1: forms_secret: the secret in environment variable TIERLINE_TEST_SHORT_FORMS is 5 characters; use at least 32 (make one with: openssl rand -base64 32)`}},
		// Ensure a key of a secret that is no JSON object, a key it lacks, and a key of no string are refused.
		{name: "key_of_text", src: "channels:\n  L2: [{kind: webhook, url: {secretsmanager: tierline/prod/text, key: url}}]\n", want: []string{
			`test.yaml:2: channels.L2[0].url: Secrets Manager secret tierline/prod/text is not a JSON object, so it has no key "url"; leave key out to use its whole value, or store it as {"url": "VALUE"}`}},
		{name: "key_missing", src: "channels:\n  L2: [{kind: webhook, url: {secretsmanager: tierline/prod/json, key: url}}]\n", want: []string{
			`test.yaml:2: channels.L2[0].url: Secrets Manager secret tierline/prod/json has no key "url" (its keys: count, empty, slack); add it, or name one of those`}},
		{name: "key_number", src: "api_keys: [{name: ops, key: {secretsmanager: tierline/prod/json, key: count}}]\n", want: []string{
			`test.yaml:1: api_keys[0].key: key "count" of Secrets Manager secret tierline/prod/json holds a number; store the api key there as a string`}},
		{name: "key_empty_string", src: "api_keys: [{name: ops, key: {secretsmanager: tierline/prod/json, key: empty}}]\n", want: []string{
			`test.yaml:1: api_keys[0].key: key "empty" of Secrets Manager secret tierline/prod/json holds an empty string; store the api key there as a string`}},
		{name: "secret_empty", src: "api_keys: [{name: ops, key: {secretsmanager: tierline/prod/empty}}]\n", want: []string{
			`test.yaml:1: api_keys[0].key: Secrets Manager secret tierline/prod/empty is empty; store the api key in it`}},
		// Ensure a webhook URL that is not one is refused without being repeated.
		{name: "url_not_url", src: "channels:\n  L2: [{kind: webhook, url: {secretsmanager: tierline/prod/not-url}}]\n", want: []string{
			`test.yaml:2: channels.L2[0].url: a webhook channel needs an http or https url, and Secrets Manager secret tierline/prod/not-url does not hold one; store the receiver's http or https URL there`}},
		// Ensure a header value with a line break (a file stored with its newline) is refused.
		{name: "header_newline", src: "channels:\n  L2: [{kind: webhook, url: https://x.example, headers: {Authorization: {ssm: /tierline/prod/header}}}]\n", want: []string{
			`test.yaml:2: channels.L2[0].headers.Authorization: the value in SSM parameter /tierline/prod/header holds a line break or another control character, which no HTTP header may; remove it`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := policy.ParseWith(context.Background(), testFile, []byte(tt.src), store)
			var ce *policy.ConfigError
			if !errors.As(err, &ce) || c != nil {
				t.Fatalf("ParseWith = %v, %v; want a *ConfigError", c, err)
			}
			if !reflect.DeepEqual(ce.Problems, tt.want) {
				t.Errorf("Problems=\n  %s\nwant\n  %s", strings.Join(ce.Problems, "\n  "), strings.Join(tt.want, "\n  "))
			}
			for _, p := range ce.Problems {
				for _, secret := range []string{"hunter2", "not json", "hooks.slack.com", "Bearer x"} {
					if strings.Contains(p, secret) {
						t.Errorf("problem %q repeats a secret", p)
					}
				}
			}
		})
	}
}
