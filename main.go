// Command titledesk is the liaison-point and bureau workstation.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/app"

	tdapp "titledesk/app"
	"titledesk/data"
	"titledesk/ui"
)

func main() {
	a := app.NewWithID("cn.titledesk.workstation")
	dataDir := flag.String("data", a.Storage().RootURI().Path(), "data folder (local database, scans, printed documents)")
	// Scripted set-up (IT roll-out, the demo): enroll and log in without
	// typing. Interactive use needs none of these.
	server := flag.String("server", "", "enroll at this bureau server on first run (with -code and -fingerprint)")
	code := flag.String("code", "", "one-time enrollment code")
	fingerprint := flag.String("fingerprint", "", "SHA-256 fingerprint of the server certificate")
	user := flag.String("user", "", "log this clerk in at start (with -password-file)")
	passwordFile := flag.String("password-file", "", "file holding the clerk's password")
	flag.Parse()
	desk, err := tdapp.Open(*dataDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "titledesk:", err)
		os.Exit(1)
	}
	defer desk.Close()
	host, _ := os.Hostname()
	if err := setUp(desk, host, *server, *code, *fingerprint, *user, *passwordFile); err != nil {
		// The window still opens, at the enrollment or login screen.
		fmt.Fprintln(os.Stderr, "titledesk:", data.ErrorMessage(err), err)
	}
	// The role comes from the enrolled device, not from a flag.
	ui.Run(a, ui.Config{Desk: desk, Hostname: host})
}

func setUp(desk *tdapp.Desk, host, server, code, fingerprint, user, passwordFile string) error {
	ctx := context.Background()
	if server != "" && !desk.Enrolled() {
		if err := desk.Enroll(ctx, server, code, fingerprint, host); err != nil {
			return err
		}
	}
	if user == "" || passwordFile == "" {
		return nil
	}
	pw, err := os.ReadFile(passwordFile)
	if err != nil {
		return err
	}
	_, err = desk.Login(ctx, user, strings.TrimRight(string(pw), "\r\n"))
	return err
}
