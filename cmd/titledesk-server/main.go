// Command titledesk-server is the bureau server: the authoritative store,
// the sync API, the applicant and unit portal, SMS delivery and admin commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"titledesk/data"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// command is one sub-command. run gets the arguments after its name.
type command struct {
	name, about string
	run         func(env *env, args []string) error
}

// env is what every command reads, writes and stops on.
type env struct {
	ctx            context.Context // ends on SIGINT or SIGTERM
	stdout, stderr io.Writer
	stdin          io.Reader
	log            *slog.Logger
	// folder is the data folder of an admin command, once it has one.
	folder folder
}

var commands []command

func init() {
	commands = []command{
		{"init", "create the database, the bureau sealing key and a TLS certificate", runInit},
		{"serve", "serve the sync API and blobs over HTTPS, and deliver SMS", runServe},
		{"admin", "administration: run `admin help` for the list", runAdmin},
		{"version", "print the version", func(e *env, _ []string) error {
			fmt.Fprintln(e.stdout, "titledesk-server", version)
			return nil
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{ctx: ctx, stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, log: newLogger(os.Stderr)}
	code := run(e, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a sub-command and turns its error into an exit code:
// 2 for a usage error, 1 for anything else.
func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		usage(e.stderr)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintln(e.stderr, "错误:", data.ErrorMessage(err))
		e.log.Error(c.name+" failed", "err", err)
		return 1
	}
	usage(e.stderr)
	fmt.Fprintf(e.stderr, "\nunknown sub-command %q\n", args[0])
	return 2
}

// errUsage marks a mistake in the command line; the flag package has
// already printed what was wrong.
var errUsage = errors.New("usage")

// parse parses a sub-command's flags, mapping their errors to errUsage.
func parse(fs *flag.FlagSet, e *env, args []string) error {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "unexpected arguments: %q\n", fs.Args())
		return errUsage
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "titledesk-server %s\n\nusage: titledesk-server <command> [flags]   (each command takes -h)\n\n", version)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.about)
	}
}

// newLogger logs JSON unless w is a terminal, where people read text.
func newLogger(w *os.File) *slog.Logger {
	if fi, err := w.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
