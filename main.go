// Command titledesk is the liaison-point and bureau workstation.
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2/app"

	tdapp "titledesk/app"
	"titledesk/ui"
)

func main() {
	a := app.NewWithID("cn.titledesk.workstation")
	dataDir := flag.String("data", a.Storage().RootURI().Path(), "data folder (local database, scans, printed documents)")
	flag.Parse()
	desk, err := tdapp.Open(*dataDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "titledesk:", err)
		os.Exit(1)
	}
	defer desk.Close()
	host, _ := os.Hostname()
	// The role comes from the enrolled device, not from a flag.
	ui.Run(a, ui.Config{Desk: desk, Hostname: host})
}
