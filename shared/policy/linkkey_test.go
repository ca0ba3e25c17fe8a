package policy_test

import (
	"crypto/hmac"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/policy"
)

// TestParse_formsSecretProblems checks the secret that signs status links.
func TestParse_formsSecretProblems(t *testing.T) {
	t.Parallel()
	const forms = "forms:\n  - {name: it-help, title: IT help, categories: [password]}\n"
	runProblemTests(t, []problemTest{
		// Ensure forms without a secret are refused: the status links could not be signed.
		{name: "forms_without_secret", src: forms, want: []string{
			`test.yaml:2: forms: forms need forms_secret, such as {ssm: /tierline/prod/forms-secret} or {env: TIERLINE_FORMS_SECRET}: it signs the status links requesters get`}},
		// Ensure a short secret is refused, without repeating it.
		{name: "secret_short", src: "forms_secret: tooshort\n" + forms, want: []string{
			`test.yaml:1: forms_secret: want a random secret of at least 32 characters (make one with: openssl rand -base64 32), got 8 characters`}},
		// Ensure a secret of the wrong kind is refused.
		{name: "secret_list", src: "forms_secret: [a]\n" + forms, want: []string{
			`test.yaml:1: forms_secret: want a random secret of at least 32 characters (make one with: openssl rand -base64 32), got a list`}},
		// Ensure a secret and an environment variable together are refused.
		{name: "secret_and_env", src: "forms_secret: " + formsSecret + "\nforms_secret_env: TIERLINE_FORMS_SECRET\n" + forms, want: []string{
			`test.yaml:2: forms_secret_env: set either forms_secret or forms_secret_env, not both`}},
		// Ensure an environment variable's name must be one.
		{name: "env_bad_name", src: "forms_secret_env: \"$SECRET\"\n" + forms, want: []string{
			`test.yaml:1: forms_secret_env: want the name of an environment variable, such as TIERLINE_FORMS_SECRET, got "$SECRET"`}},
		// Ensure an environment variable that is not set is refused with how to set it.
		{name: "env_unset", src: "forms_secret_env: TIERLINE_TEST_NEVER_SET_7F3A\n" + forms, want: []string{
			`test.yaml:1: forms_secret_env: the environment variable TIERLINE_TEST_NEVER_SET_7F3A is not set; set it to a random secret of at least 32 characters (make one with: openssl rand -base64 32)`}},
	})
}

// TestParse_formsSecretEnv reads the secret from the environment. It sets
// environment variables, so it does not run in parallel.
func TestParse_formsSecretEnv(t *testing.T) {
	const src = "forms_secret_env: TIERLINE_TEST_FORMS_SECRET\nforms:\n  - {name: it-help, title: IT help, categories: [password]}\n"
	// Ensure a long enough secret in the environment is the key.
	t.Setenv("TIERLINE_TEST_FORMS_SECRET", formsSecret)
	c := MustParse(t, src)
	if !hmac.Equal(c.FormsSecret.Sum("id"), policy.NewLinkKey(formsSecret).Sum("id")) {
		t.Error("FormsSecret is not the key of the environment's secret")
	}
	// Ensure a short secret in the environment is refused, without repeating it.
	t.Setenv("TIERLINE_TEST_FORMS_SECRET", "short")
	got := MustProblems(t, src)
	want := []string{`test.yaml:1: forms_secret_env: the secret in environment variable TIERLINE_TEST_FORMS_SECRET is 5 characters; use at least 32 (make one with: openssl rand -base64 32)`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Problems=%q, want %q", got, want)
	}
	// Ensure an empty variable counts as unset.
	t.Setenv("TIERLINE_TEST_FORMS_SECRET", "")
	if got := MustProblems(t, src); len(got) != 1 || !strings.Contains(got[0], "is not set") {
		t.Errorf("Problems=%q, want one saying the variable is not set", got)
	}
}

// TestParse_formsSecretWithoutForms checks that a secret alone is fine:
// forms may come later.
func TestParse_formsSecretWithoutForms(t *testing.T) {
	t.Parallel()
	// Ensure a config with a secret and no forms loads.
	c := MustParse(t, "forms_secret: "+formsSecret+"\n")
	if !c.FormsSecret.IsSet() || len(c.Forms) != 0 {
		t.Errorf("FormsSecret.IsSet()=%v, len(Forms)=%d, want true, 0", c.FormsSecret.IsSet(), len(c.Forms))
	}
	// Ensure a config without forms needs no secret.
	if c := MustParse(t, "{}"); c.FormsSecret.IsSet() {
		t.Error("FormsSecret is set in an empty config")
	}
}
