package httpapi

import (
	"crypto/rand"
	"errors"
	"html/template"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// formMethods are the methods of /forms/{form}.
const formMethods = "GET, HEAD, POST, OPTIONS"

// formRoutes adds the web forms' routes. They are public: the form's
// origins, a honeypot and the idempotency key stand in for credentials.
func (s *Server) formRoutes() {
	s.handle("GET /forms/{form}", s.formPage)
	s.handle("POST /forms/{form}", s.submitForm)
	s.handle("OPTIONS /forms/{form}", s.preflightForm)
	s.handle("GET /forms/{form}/status/{rest...}", s.formStatus)
}

func noForm(name string) error {
	return ticket.Errorf(ticket.NotFound, "no form named %.100q", name)
}

// formPage answers GET /forms/{form}: the form, with a fresh idempotency
// key, so that sending this rendering twice files one request.
func (s *Server) formPage(w http.ResponseWriter, r *http.Request) {
	f, ok := s.config.Form(r.PathValue("form"))
	if !ok {
		s.notFound(w, policy.Form{}, "There is no such form. Check the address.")
		return
	}
	s.showForm(w, http.StatusOK, f, desk.Submission{}, nil)
}

// showForm renders form f with values and their errors. A rendering keeps
// the key of the values unless the key itself is what is wrong.
func (s *Server) showForm(w http.ResponseWriter, status int, f policy.Form, values desk.Submission, errs desk.FieldErrors) {
	v := formView{page: page{CSS: template.CSS(formCSS), Form: f}, Values: values, Key: values.IdempotencyKey,
		MaxName: desk.MaxRequesterName, MaxEmail: desk.MaxEmail, MaxSubject: desk.MaxSubject, MaxDetails: desk.MaxDetails}
	// Show choices as the form spells them, so the select keeps them.
	if c, ok := f.Category(values.Category); ok {
		v.Values.Category = c
	}
	if im, ok := f.Impact(values.Impact); ok {
		v.Values.Impact = im.Name
	}
	for _, e := range errs {
		p := fieldProblem{FieldError: e}
		if e.Field != desk.FieldIdempotencyKey && e.Field != honeypotField && fieldOrder(e.Field) < len(formFields) {
			p.Anchor = "f-" + e.Field
		}
		if e.Field == desk.FieldIdempotencyKey {
			v.Key = ""
		}
		v.Errors = append(v.Errors, p)
	}
	if v.Key == "" {
		v.Key = rand.Text()
	}
	s.render(w, status, formTemplate, f, v)
}

// submitForm answers POST /forms/{form}. A browser's form post is answered
// 303 to the request's status page (Post/Redirect/Get), or, when a field
// is wrong, 422 with the form shown again with its errors and values. A
// script's post (a JSON body, or Accept: application/json) is answered 201
// {"ticket", "status_url"}, or 422 with the error of each field. Every
// other refusal is the API's JSON error. A request with the honeypot
// filled in gets the answer of a success, and nothing is stored.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	f, ok := s.config.Form(r.PathValue("form"))
	if !ok {
		s.fail(w, r, noForm(r.PathValue("form")))
		return
	}
	if err := s.checkOrigin(w, r, f); err != nil {
		s.fail(w, r, err)
		return
	}
	post, err := s.readForm(w, r)
	script := post.json || acceptsJSON(r)
	if err != nil {
		s.refuseForm(w, r, f, post, script, err)
		return
	}
	if post.honeypot != "" {
		s.log.InfoContext(r.Context(), "form: honeypot filled in; dropped", "form", f.Name, "remote", r.RemoteAddr)
		id, err := ticket.NewID(time.Now(), rand.Reader)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.filed(w, r, f, id, script)
		return
	}
	res, err := s.desk.File(r.Context(), f.Name, post.sub)
	if err != nil {
		s.refuseForm(w, r, f, post, script, err)
		return
	}
	s.filed(w, r, f, res.TicketID, script)
}

// filed answers a filed request: 303 to its status page for a browser,
// 201 with its ticket and status link for a script.
func (s *Server) filed(w http.ResponseWriter, r *http.Request, f policy.Form, id string, script bool) {
	link := s.statusURL(r, f, id)
	if script {
		writeJSON(w, http.StatusCreated, wire.FormReceipt{Ticket: id, StatusURL: link})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, link, http.StatusSeeOther)
}

// refuseForm answers a submission that was not filed. Field errors go back
// to a browser as the form with its errors, to a script as JSON naming
// each field; every other error is the API's JSON error.
func (s *Server) refuseForm(w http.ResponseWriter, r *http.Request, f policy.Form, post formPost, script bool, err error) {
	var fe desk.FieldErrors
	if !errors.As(err, &fe) {
		s.fail(w, r, err)
		return
	}
	if !script {
		s.showForm(w, http.StatusUnprocessableEntity, f, post.sub, fe)
		return
	}
	fields := make(map[string]string, len(fe))
	for _, e := range fe {
		fields[e.Field] = e.Message
	}
	writeJSON(w, http.StatusUnprocessableEntity, wire.Error{Error: wire.ErrorBody{
		Code: string(ticket.Invalid), Message: ticket.ErrorMessage(err), Fields: fields}})
}

// acceptsJSON reports whether the request asks for a JSON answer: a
// script's fetch sets Accept: application/json; a browser's form post
// asks for HTML.
func acceptsJSON(r *http.Request) bool {
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept"), ","), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) && params["q"] != "0" {
			return true
		}
	}
	return false
}
