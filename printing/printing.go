// Package printing hands the desk's documents to the system's print
// spooler: CUPS on Linux (through its lp and lpstat commands), the Windows
// print spooler on Windows. A job counts as printed once the spooler has
// accepted it; every refusal comes back as a data.Error a clerk can act on.
package printing

import (
	"context"
	"image"
)

// Job is one document to print.
type Job struct {
	Printer string // "" prints to the system's default printer
	Title   string // the job's name in the printer's queue
	Copies  int    // 0 means 1
	PDF     []byte
	// Pages draws the same pages as images, for spoolers that take
	// pictures rather than PDF (forms.Printed.Pages).
	Pages func(dpi float64) ([]*image.Gray, error)
}

// Spooler is a system's print service.
type Spooler interface {
	// Printers lists the printers the system knows and its default ("" when
	// it has none).
	Printers(ctx context.Context) (names []string, def string, err error)
	// Print hands a job over and says where it went.
	Print(ctx context.Context, j Job) (Accepted, error)
}

// Accepted is a job the spooler took: the printer it went to (the default
// one for a job that named none) and the spooler's name for it.
type Accepted struct {
	Printer, Job string
}
