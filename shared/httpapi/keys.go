package httpapi

import "github.com/tierline/tierline/shared/policy"

// integrationByToken finds the integration of kind whose token is token,
// for the drop-in APIs, where the token (a routing_key, a GenieKey) is all
// that names the integration. Every integration of the kind is compared,
// each in constant time, so that the time taken says nothing about which
// one matched or how much of a token was right.
func (s *Server) integrationByToken(kind, token string) (policy.Integration, bool) {
	var found policy.Integration
	ok := false
	for _, in := range s.config.Integrations {
		if in.Kind == kind && in.Token.Matches(token) && !ok {
			found, ok = in, true
		}
	}
	return found, ok
}
