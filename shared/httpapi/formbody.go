package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/ticket"
)

// MaxFormBody caps form bodies: a request is text, and a public endpoint
// should not read a megabyte for it. The largest valid submission, every
// field at its limit in multi-byte characters, is well under it.
const MaxFormBody = 64 << 10

// honeypotField is the hidden field people leave empty and bots fill in.
// "website" is a field bots like to fill.
const honeypotField = "website"

// formFields are the fields a form posts, in the form's order.
var formFields = []string{desk.FieldName, desk.FieldEmail, desk.FieldCategory, desk.FieldImpact,
	desk.FieldSubject, desk.FieldDetails, desk.FieldIdempotencyKey, honeypotField}

// formPost is a decoded form body.
type formPost struct {
	sub      desk.Submission
	honeypot string
	json     bool // the body was JSON, so the answer is too
}

// readForm reads and decodes a form body: urlencoded or multipart, as
// browsers send it, or JSON, as a page's script may. Fields a form does
// not have are ignored in the first two (pages post their buttons and
// other furniture), refused in JSON (a script's typo would lose a field).
// A field sent twice, a file, or a JSON value that is not text is an
// error of that field.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (formPost, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
	if err != nil || (!isJSON && mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data") {
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "none"
		}
		return formPost{}, ticket.Errorf(ticket.Unsupported,
			"content type %.100s: send application/x-www-form-urlencoded, multipart/form-data or application/json", ct)
	}
	body, err := readCapped(w, r, min(s.maxBody, MaxFormBody))
	if err != nil {
		return formPost{json: isJSON}, err
	}
	var values url.Values
	var files []string
	switch {
	case isJSON:
		values, err = jsonValues(body)
	case mt == "multipart/form-data":
		values, files, err = multipartValues(body, params["boundary"])
	default:
		values, err = url.ParseQuery(string(body))
		if err != nil {
			err = ticket.Wrap(ticket.Malformed, err, "the body is not valid application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return formPost{json: isJSON}, err
	}
	return postOf(values, files, isJSON)
}

// postOf picks the form's fields out of values; files names the fields
// that came as files.
func postOf(values url.Values, files []string, isJSON bool) (formPost, error) {
	var errs desk.FieldErrors
	get := func(field string) string {
		v := values[field]
		if len(v) > 1 {
			errs = append(errs, desk.FieldError{Field: field, Message: "Send this field once; the page sends it twice."})
		}
		if len(v) == 0 {
			return ""
		}
		return strings.ToValidUTF8(v[0], "\uFFFD")
	}
	p := formPost{json: isJSON, sub: desk.Submission{
		Name: get(desk.FieldName), Email: get(desk.FieldEmail), Category: get(desk.FieldCategory),
		Impact: get(desk.FieldImpact), Subject: get(desk.FieldSubject), Details: get(desk.FieldDetails),
		IdempotencyKey: get(desk.FieldIdempotencyKey),
	}, honeypot: get(honeypotField)}
	for _, field := range files {
		errs = append(errs, desk.FieldError{Field: field, Message: "Files cannot be attached; describe the problem in the details, or link to the file."})
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return fieldOrder(errs[i].Field) < fieldOrder(errs[j].Field) })
		return p, &ticket.Error{Code: ticket.Invalid, Message: errs.Error(), Err: errs}
	}
	return p, nil
}

// fieldOrder is where a field comes in the form; others come last.
func fieldOrder(field string) int {
	if i := slices.Index(formFields, field); i >= 0 {
		return i
	}
	return len(formFields)
}

// multipartValues reads the parts of a multipart/form-data body, and the
// names of the parts that are files. The body is already capped, so parts
// need no cap of their own. A file input left empty is no file.
func multipartValues(body []byte, boundary string) (url.Values, []string, error) {
	if boundary == "" {
		return nil, nil, ticket.Errorf(ticket.Malformed, "multipart/form-data without a boundary: send the Content-Type the browser or FormData makes")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	values := url.Values{}
	var files []string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return values, files, nil
		}
		if err != nil {
			return nil, nil, ticket.Wrap(ticket.Malformed, err, "the body is not valid multipart/form-data")
		}
		name := part.FormName()
		v, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, ticket.Wrap(ticket.Malformed, err, "the body is not valid multipart/form-data")
		}
		switch {
		case name == "":
			continue // not a form field
		case part.FileName() != "":
			files = append(files, name)
		default:
			values.Add(name, string(v))
		}
	}
}

// jsonValues reads a JSON object whose members are the form's fields, each
// a string (null counts as absent).
func jsonValues(body []byte) (url.Values, error) {
	var syntax *json.SyntaxError
	var obj map[string]json.RawMessage
	if err := intake.CheckMembers(body, &obj); err != nil {
		return nil, err
	}
	err := json.Unmarshal(body, &obj)
	switch {
	case errors.As(err, &syntax):
		return nil, ticket.Errorf(ticket.Malformed, "the body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	case len(bytes.TrimSpace(body)) == 0 || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, ticket.Errorf(ticket.Malformed, "the body is not valid JSON: it ends too early")
	case err != nil || obj == nil:
		return nil, ticket.Errorf(ticket.Invalid, "send a JSON object with the fields %s", strings.Join(formFields[:7], ", "))
	}
	values := url.Values{}
	var errs desk.FieldErrors
	var unknown []string
	for k, raw := range obj {
		if !slices.Contains(formFields, k) {
			unknown = append(unknown, k)
			continue
		}
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			errs = append(errs, desk.FieldError{Field: k, Message: "Send text: a JSON string."})
			continue
		}
		if v != nil {
			values.Set(k, *v)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, ticket.Errorf(ticket.Invalid, "unknown field %q: a form takes only %s", unknown[0], strings.Join(formFields[:7], ", "))
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return fieldOrder(errs[i].Field) < fieldOrder(errs[j].Field) })
		return nil, &ticket.Error{Code: ticket.Invalid, Message: errs.Error(), Err: errs}
	}
	return values, nil
}
