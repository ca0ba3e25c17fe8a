package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/tierline/tierline/shared/wire"
)

// actCommand acts on a ticket: ack, resolve, escalate, note, assign, reopen.
func actCommand(ctx context.Context, cmd string, args []string, stdout io.Writer) error {
	fs := newFlags(cmd)
	var cf clientFlags
	cf.register(fs)
	note := fs.String("note", "", "a note kept on the timeline: the resolution, what was tried (required by escalate)")
	rest, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError(fmt.Sprintf("usage: tierline %s ID", cmd))
	}
	id, text := rest[0], strings.Join(rest[1:], " ")
	a := wire.Action{Actor: cf.as, Note: *note}
	action := cmd
	switch cmd {
	case "ack", "acknowledge":
		action = "acknowledge"
	case "resolve":
		a.Resolution, a.Note = *note, ""
	case "escalate":
		if strings.TrimSpace(*note) == "" {
			return usageError(`escalate needs --note "what was seen and tried", so the next tier does not start from zero`)
		}
	case "note":
		action = "notes"
		if text == "" {
			return usageError("usage: tierline note ID TEXT")
		}
		if *note != "" {
			return usageError("note takes its text after the ID, not in --note: tierline note ID TEXT")
		}
		a.Note = text
	case "assign":
		if text == "" {
			return usageError("usage: tierline assign ID WHO")
		}
		a.Assignee = text
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	t, err := c.act(ctx, id, action, a)
	if err != nil {
		return err
	}
	if cf.json {
		return printJSON(stdout, t)
	}
	fmt.Fprintf(stdout, "%s is %s at %s", oneLine(t.ID), oneLine(t.Status), oneLine(t.Tier))
	if t.Assignee != "" {
		fmt.Fprintf(stdout, ", assigned to %s", oneLine(t.Assignee))
	}
	fmt.Fprintln(stdout)
	return nil
}
