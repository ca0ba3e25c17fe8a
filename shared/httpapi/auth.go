package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

type keyName struct{}

// authed lets a request through to next only with a valid api key in
// "Authorization: Bearer <key>", and puts the key's name in its context.
func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		presented := bearer(r)
		if presented == "" {
			s.fail(w, r, ticket.Errorf(ticket.Unauthorized, "send an api key as Authorization: Bearer <key>"))
			return
		}
		key, ok := s.config.APIKey(presented)
		if !ok {
			s.fail(w, r, ticket.Errorf(ticket.Unauthorized, "the api key is not valid"))
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), keyName{}, key.Name)))
	}
}

// caller is the name of the api key that authenticated the request.
func caller(r *http.Request) string {
	name, _ := r.Context().Value(keyName{}).(string)
	return name
}

// bearer returns the credentials of an "Authorization: Bearer" header.
func bearer(r *http.Request) string {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(cred)
}
