// Command tierline is the local runtime of tierline and the engineers' CLI.
//
//	tierline serve [--config FILE] [--addr HOST:PORT] [--data DIR]
//	tierline tickets [--tier L2] [--status open] [--limit N]
//	tierline show ID
//	tierline ack ID | resolve ID [--note TEXT] | escalate ID --note TEXT
//	tierline note ID TEXT | assign ID WHO | reopen ID [--note TEXT]
//	tierline watch [--tier L2] [--status open]
//
// The CLI commands talk to any tierline, local or deployed, through
// TIERLINE_URL and TIERLINE_API_KEY (or --url and --key).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// main runs a command until it ends or the first SIGINT or SIGTERM asks it
// to finish (serve then drains); a second signal ends the process at once.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the signals' default action again: the next one ends the process
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `tierline: tiered support escalation, locally or against a deployed tierline.

  tierline serve [--config FILE] [--addr HOST:PORT] [--data DIR]   run tierline locally
  tierline tickets [--tier L1|L2|L3] [--status S] [--limit N]      list tickets, newest first
  tierline show ID                                                 a ticket and its timeline
  tierline ack ID                                                  acknowledge
  tierline resolve ID [--note TEXT]                                resolve, saying how
  tierline escalate ID --note TEXT                                 hand to the next tier, saying what was tried
  tierline note ID TEXT                                            add a note
  tierline assign ID WHO                                           assign
  tierline reopen ID [--note TEXT]                                 reopen a resolved ticket
  tierline watch [--tier L1|L2|L3] [--status S]                    follow tickets as they change

Client commands read TIERLINE_URL (default http://127.0.0.1:8080) and
TIERLINE_API_KEY, or take --url and --key; --as NAME sets the actor
(default $USER) and --json prints the API's JSON.
`

// run runs one command and returns the exit code: 0 success, 1 failure,
// 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = serve(ctx, rest, stdout, stderr)
	case "tickets", "list":
		err = listCommand(ctx, rest, stdout)
	case "show":
		err = showCommand(ctx, rest, stdout)
	case "watch":
		err = watchCommand(ctx, rest, stdout)
	case "ack", "acknowledge", "resolve", "escalate", "note", "assign", "reopen":
		err = actCommand(ctx, cmd, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tierline: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "tierline %s: %v\n", args[0], err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake in how a command was called.
type usageError string

func (e usageError) Error() string { return string(e) }
