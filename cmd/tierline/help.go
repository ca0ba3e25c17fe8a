package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one of the CLI's commands, as the usage and --help show it.
type command struct {
	name, args, about string
	client            bool // talks to a tierline, so takes --url, --key, --as and --json
}

var commands = []command{
	{"serve", "[--config FILE] [--addr HOST:PORT] [--data DIR]", "run tierline locally", false},
	{"tickets", "[--tier L1|L2|L3] [--status S] [--limit N]", "list tickets, newest first", true},
	{"show", "ID", "a ticket and its timeline", true},
	{"ack", "ID", "acknowledge", true},
	{"resolve", "ID [--note TEXT]", "resolve, saying how", true},
	{"escalate", "ID --note TEXT", "hand to the next tier, saying what was tried", true},
	{"note", "ID TEXT", "add a note", true},
	{"assign", "ID WHO", "assign", true},
	{"reopen", "ID [--note TEXT]", "reopen a resolved ticket", true},
	{"watch", "[--tier L1|L2|L3] [--status S]", "follow tickets as they change", true},
	{"metrics", "[--since 24h] [--tier T] [--integration NAME]", "each tier's figures: flow, breaches, speed, backlog", true},
}

// aliases are other names of commands.
var aliases = map[string]string{"list": "tickets", "acknowledge": "ack"}

const clientNote = `Client commands read TIERLINE_URL (default http://127.0.0.1:8080) and
TIERLINE_API_KEY, or take --url and --key; --as NAME sets the actor
(default $USER) and --json prints the API's JSON.
`

// usage is what tierline help prints.
var usage = func() string {
	var b strings.Builder
	b.WriteString("tierline: tiered support escalation, locally or against a deployed tierline.\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-63s  %s\n", "tierline "+c.name+" "+c.args, c.about)
	}
	b.WriteString("\nEach command's --help says more; tierline help COMMAND is the same.\n\n" + clientNote)
	return b.String()
}()

// lookup returns the command of a name or alias, or nil.
func lookup(name string) *command {
	if a, ok := aliases[name]; ok {
		name = a
	}
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// newFlags returns the flag set of a command. It prints nothing itself:
// parse errors become usage errors, and --help the command's help.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// flagError turns an error of fs.Parse into what the command returns:
// for -h or --help it prints the command's help to stdout, which is not an
// error; anything else is a usage error that says where help is.
func flagError(fs *flag.FlagSet, err error, stdout io.Writer) error {
	if !errors.Is(err, flag.ErrHelp) {
		return usageError(fmt.Sprintf("%v (see tierline %s --help)", err, fs.Name()))
	}
	c := lookup(fs.Name())
	if c == nil {
		c = &command{name: fs.Name()}
	}
	about := c.about
	if about != "" {
		about = strings.ToUpper(about[:1]) + about[1:] + "."
	}
	fmt.Fprintf(stdout, "usage: tierline %s %s\n\n%s\n\nFlags:\n", fs.Name(), c.args, about)
	fs.SetOutput(stdout)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if c.client {
		fmt.Fprint(stdout, "\n"+clientNote)
	}
	return errHelp
}
