// Command titledesk-idcard reads the identity card on a reader through the
// vendor's termb.dll and prints it as one line of JSON (idcard.Reply), for
// the workstation (idcard.Termb), which runs it once per read. It is built
// for 64-bit Windows and, as titledesk-idcard-x86.exe, for 32-bit Windows,
// so that either kind of vendor DLL can be loaded.
package main

import (
	"encoding/json"
	"flag"
	"os"
)

func main() {
	dll := flag.String("dll", "termb.dll", "the reader's termb.dll")
	port := flag.Int("port", 0, "1001–1016 USB, 1–16 serial; 0 tries the USB ports")
	flag.Parse()
	r := read(*dll, *port)
	json.NewEncoder(os.Stdout).Encode(r)
	if r.Failed != "" {
		os.Exit(1)
	}
}
