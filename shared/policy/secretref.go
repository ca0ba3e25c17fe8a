package policy

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Where a secret the config names may be kept.
const (
	FromEnv            = "env"            // an environment variable of the process
	FromSSM            = "ssm"            // an SSM Parameter Store parameter, SecureString or String
	FromSecretsManager = "secretsmanager" // a Secrets Manager secret, or one key of its JSON value
)

// SecretRef names a secret the config does not hold: a field that takes a
// secret (a token, an api key, an HMAC secret, the forms secret, a webhook
// URL or header) may give it in plain, for development, or as
// {env: NAME}, {ssm: /PATH/NAME} or {secretsmanager: NAME, key: KEY}, so
// that the file itself holds only hashes and names.
type SecretRef struct {
	From string // FromEnv, FromSSM or FromSecretsManager
	Name string // the variable, the parameter (with its leading /) or the secret's name
	Key  string // FromSecretsManager only: the member of the secret's JSON object; "" is the whole value
}

// ID is what the store is asked for: the secret without the key to pick
// out of it.
func (r SecretRef) ID() SecretID { return SecretID{From: r.From, Name: r.Name} }

// String names the secret for messages, never its value.
func (r SecretRef) String() string {
	s := r.ID().String()
	if r.Key != "" {
		s += fmt.Sprintf(" (key %q)", r.Key)
	}
	return s
}

// SecretID is one secret a SecretStore reads: a parameter or a secret by
// its name.
type SecretID struct {
	From string // FromSSM or FromSecretsManager
	Name string
}

func (id SecretID) String() string {
	switch id.From {
	case FromEnv:
		return "environment variable " + id.Name
	case FromSSM:
		return "SSM parameter " + id.Name
	case FromSecretsManager:
		return "Secrets Manager secret " + id.Name
	}
	return id.From + " " + id.Name
}

// SecretStore reads the secrets a config keeps in SSM Parameter Store and
// Secrets Manager: on AWS shared/policy/awssecrets, once per cold start
// (functions/internal/boot). ReadSecrets is given every secret the
// config names at once, so that it can batch; it returns the values it
// found and leaves out those that do not exist, which the config reports
// with their lines. An error means it could not ask (no permission, no
// network): then the config does not load, for a function that cannot
// check signatures must not start and accept everything.
type SecretStore interface {
	ReadSecrets(ctx context.Context, ids []SecretID) (map[SecretID]string, error)
}

var (
	// ssmName is a parameter of a hierarchy: SSM's characters, each level
	// after a slash. The IAM policy of the stack grants a path, so a
	// parameter outside any path could not be granted.
	ssmName = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)
	// secretName is what Secrets Manager allows in a secret's name; an ARN
	// has colons, so it is refused with a hint.
	secretName = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
)

// SSM's limits on a parameter's name.
const (
	maxSSMName   = 1011
	maxSSMLevels = 15
)

// secretRef reads a reference, given as a mapping, to where a secret is
// kept, and reports false when it is not a good one (which it reports).
func (p *parser) secretRef(n *yaml.Node, path string) (SecretRef, bool) {
	var from, key *yaml.Node
	var ref SecretRef
	stores := 0
	pick := func(store string) func(*yaml.Node, string) {
		return func(v *yaml.Node, _ string) { from, ref.From = v, store; stores++ }
	}
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		FromEnv:            pick(FromEnv),
		FromSSM:            pick(FromSSM),
		FromSecretsManager: pick(FromSecretsManager),
		"key":              func(v *yaml.Node, _ string) { key = v },
	}) {
		return ref, false
	}
	others := len(n.Content) / 2 // fields other than key: stores, or unknown ones fields reported
	if key != nil {
		others--
	}
	if stores > 1 || others == 0 {
		p.errorf(n, path, "name one place the secret is kept: {env: NAME}, {ssm: /PATH/NAME} or {secretsmanager: NAME} (with key: KEY for one member of its JSON)")
		return ref, false
	}
	if stores == 0 {
		return ref, false
	}
	ref.Name, _ = scalar(from)
	ok := p.secretName(from, join(path, ref.From), ref)
	if key != nil {
		ref.Key, _ = scalar(key)
		switch {
		case ref.From != FromSecretsManager:
			p.errorf(key, join(path, "key"), "key picks a member of a Secrets Manager secret's JSON value; it goes with secretsmanager only")
			ok = false
		case ref.Key == "":
			p.errorf(key, join(path, "key"), "want the name of a member of the secret's JSON object, such as url, got %s", kindName(key))
			ok = false
		}
	}
	return ref, ok
}

// secretName checks the name of ref, read from v, by the rules of its store.
func (p *parser) secretName(v *yaml.Node, path string, ref SecretRef) bool {
	_, isText := scalar(v)
	name := ref.Name
	switch ref.From {
	case FromEnv:
		if !isText || !envName.MatchString(name) {
			p.errorf(v, path, "want the name of an environment variable, such as TIERLINE_GRAFANA_HMAC, got %s", kindName(v))
			return false
		}
	case FromSSM:
		lower := strings.ToLower(name)
		switch {
		case !isText || !ssmName.MatchString(name):
			p.errorf(v, path, "want an SSM parameter's name with its path, such as /tierline/prod/grafana-hmac (letters, digits, _ . - and /), got %s", kindName(v))
			return false
		case len(name) > maxSSMName || strings.Count(name, "/") > maxSSMLevels:
			p.errorf(v, path, "SSM parameter names have at most %d characters in at most %d levels; shorten it", maxSSMName, maxSSMLevels)
			return false
		case strings.HasPrefix(lower, "/aws") || strings.HasPrefix(lower, "/ssm"):
			p.errorf(v, path, "SSM reserves names that start with aws or ssm; put the parameter under a path of your own, such as /tierline/prod/")
			return false
		}
	case FromSecretsManager:
		if !isText || !secretName.MatchString(name) {
			p.errorf(v, path, "want a Secrets Manager secret's name, such as tierline/prod/slack-l2 (its name, not its ARN), got %s", kindName(v))
			return false
		}
	}
	return true
}
