// Command tierline is the local runtime of tierline and the engineers' CLI.
//
//	tierline serve [--config FILE] [--addr HOST:PORT] [--data DIR]
//	tierline tickets [--tier L2] [--status open] [--limit N]
//	tierline show ID
//	tierline ack ID | resolve ID [--note TEXT] | escalate ID --note TEXT
//	tierline note ID TEXT | assign ID WHO | reopen ID [--note TEXT]
//	tierline watch [--tier L2] [--status open]
//	tierline help [COMMAND] | COMMAND --help
//
// The CLI commands talk to any tierline, local or deployed, through
// TIERLINE_URL and TIERLINE_API_KEY (or --url and --key), and print what
// tickets hold with its terminal controls escaped (terminal.go).
package main

import (
	"context"
	"errors"
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

// errHelp is what a command returns once it printed its help: not an
// error, and the exit status is 0.
var errHelp = errors.New("help requested")

// run runs one command and returns the exit code: 0 success, 1 failure,
// 2 bad usage. Everything it writes passes through terminal, so nothing
// from a ticket can drive the terminal it is printed on.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out, errOut := &terminal{w: stdout}, &terminal{w: stderr}
	defer out.flush()
	defer errOut.flush()
	return runCommand(ctx, args, out, errOut)
}

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
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
	case "metrics":
		err = metricsCommand(ctx, rest, stdout)
	case "ack", "acknowledge", "resolve", "escalate", "note", "assign", "reopen":
		err = actCommand(ctx, cmd, rest, stdout)
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && lookup(rest[0]) != nil {
			return runCommand(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tierline: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, errHelp) {
		return 0
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
