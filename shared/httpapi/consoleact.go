package httpapi

import (
	"context"
	"net/http"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// consoleAction is one of the ticket page's forms: what it asks the desk,
// as who, and which field holds the text a person typed (kept on the
// page when the desk refuses, so that nothing typed is lost).
type consoleAction struct {
	field string
	do    func(c *console, ctx context.Context, id string, who desk.Actor, form formValues) (*ticket.Ticket, error)
}

// formValues reads the fields of a post.
type formValues interface{ Get(string) string }

// consoleActions are the ticket page's forms, by the name in their URL.
// Each is the desk's use case of that name, the same the API's act
// handler calls; the actor is the signed-in key's name.
var consoleActions = map[string]consoleAction{
	"acknowledge": {"note", func(c *console, ctx context.Context, id string, who desk.Actor, f formValues) (*ticket.Ticket, error) {
		return c.desk.Acknowledge(ctx, id, who, f.Get("note"))
	}},
	"assign": {"assignee", func(c *console, ctx context.Context, id string, who desk.Actor, f formValues) (*ticket.Ticket, error) {
		assignee := f.Get("assignee")
		if f.Get("me") != "" {
			assignee = who.Name
		}
		return c.desk.Assign(ctx, id, who, assignee, "")
	}},
	"note": {"note", func(c *console, ctx context.Context, id string, who desk.Actor, f formValues) (*ticket.Ticket, error) {
		return c.desk.Note(ctx, id, who, f.Get("note"))
	}},
	"escalate": {"note", func(c *console, ctx context.Context, id string, who desk.Actor, f formValues) (*ticket.Ticket, error) {
		return c.desk.Escalate(ctx, id, who, f.Get("note"))
	}},
	"resolve": {"resolution", func(c *console, ctx context.Context, id string, who desk.Actor, f formValues) (*ticket.Ticket, error) {
		return c.desk.Resolve(ctx, id, who, f.Get("resolution"))
	}},
	"reopen": {"note", func(c *console, ctx context.Context, id string, who desk.Actor, f formValues) (*ticket.Ticket, error) {
		return c.desk.Reopen(ctx, id, who, f.Get("note"))
	}},
}

// act answers POST /console/tickets/{id}/{action}: with the session's
// CSRF token, the desk acts as the signed-in key and the answer is a
// redirect to the ticket's page, which says what was done. When the desk
// refuses (someone else acted meanwhile, a note is missing), the page
// shows why, with the ticket as it is now and what was typed.
func (c *console) act(w http.ResponseWriter, r *http.Request, sess session) {
	name := r.PathValue("action")
	a, ok := consoleActions[name]
	if !ok {
		c.notFound(w, r)
		return
	}
	if !c.checkPost(w, r, sess) {
		return
	}
	id := r.PathValue("id")
	_, err := a.do(c, r.Context(), id, desk.Actor{Name: sess.Name}, r.PostForm)
	if err == nil {
		c.log.InfoContext(r.Context(), "console action", "ticket", id, "action", name, "actor", sess.Name)
		c.redirect(w, r, "/tickets/"+id+"?done="+name)
		return
	}
	c.refused(w, r, sess, name, r.PostForm.Get(a.field), err)
}

// refused shows the ticket's page with why the desk refused action, and
// what was typed in its form; an error the page cannot show beside the
// ticket (no such ticket, the store is down) gets a page of its own.
func (c *console) refused(w http.ResponseWriter, r *http.Request, sess session, action, typed string, err error) {
	code := ticket.ErrorCode(err)
	if code != ticket.Conflict && code != ticket.Invalid && code != ticket.TooLarge {
		c.failPage(w, r, sess, err)
		return
	}
	t, gerr := c.desk.Get(r.Context(), r.PathValue("id"))
	if gerr != nil {
		c.failPage(w, r, sess, gerr)
		return
	}
	v := c.newTicketView(r, sess, t)
	v.Problem = "Not done: " + ticket.ErrorMessage(err)
	switch {
	case v.Can[action]:
		v.Kept[action] = typed
	case typed != "" && action != "assign":
		// The ticket moved on and its form is gone: what was typed goes
		// to the note form, one press from the timeline.
		v.Kept["note"] = typed
		v.Problem += ". What you typed is in the note field below."
	}
	c.render(w, statuses[code], ticketTemplate, v)
}
