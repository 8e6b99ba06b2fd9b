// Command titledesk is the liaison-point and bureau workstation.
package main

import (
	"flag"

	"fyne.io/fyne/v2/app"

	"titledesk/ui"
)

func main() {
	a := app.NewWithID("cn.titledesk.workstation")
	dataDir := flag.String("data", a.Storage().RootURI().Path(), "data folder (local database, scans, printed documents)")
	bureau := flag.Bool("bureau", false, "show the bureau reviewer's tasks")
	flag.Parse()
	role := ui.RoleClerk
	if *bureau {
		role = ui.RoleBureau
	}
	ui.Run(a, ui.Config{DataDir: *dataDir, Role: role})
}
