// Command titledesk-server is the bureau server: the authoritative store,
// the sync API, the applicant and unit portal, SMS delivery and admin commands.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// planned lists the sub-commands still to be built, so that nobody mistakes
// this binary for a working server yet.
var planned = []struct{ name, about string }{
	{"init", "create the database, the bureau sealing key and a TLS certificate"},
	{"serve", "serve the portal, the sync API and blobs over HTTPS"},
	{"admin", "liaison points, clerks, enrollment codes, units, fees, calendar, audit, backup"},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "version" || args[0] == "-version") {
		fmt.Fprintln(stdout, "titledesk-server", version)
		return 0
	}
	usage(stderr)
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		return 0
	}
	fmt.Fprintf(stderr, "\nunknown or not yet available sub-command %q\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "titledesk-server %s\n\nusage: titledesk-server <command> [flags]\n\n  version   print the version\n\nnot yet available:\n", version)
	for _, c := range planned {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.about)
	}
}
