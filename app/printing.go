package app

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"

	"titledesk/data"
	"titledesk/forms"
	"titledesk/printing"
)

// Printout is a rendered document, kept under printed/ from the moment it
// is rendered, so a print that fails loses nothing.
type Printout struct {
	Path        string
	Paper       string // a data.Papers name: its printer and its title
	Payload     string
	Unprintable []forms.Unprintable // fields the clerk must complete by hand

	applicationID string // "" for the 日结报表
	kind          data.Document
	printed       forms.Printed
}

// Pages draws the printout's pages at dpi, as they print.
func (p *Printout) Pages(dpi float64) ([]*image.Gray, error) { return p.printed.Pages(dpi) }

// PDF is the printout's PDF, as kept.
func (p *Printout) PDF() []byte { return p.printed.PDF }

// keep writes a rendered document under printed/.
func (d *Desk) keep(p forms.Printed, paper, applicationID string, kind data.Document, name string) (*Printout, error) {
	path := filepath.Join(d.Dir, "printed", name)
	if err := os.WriteFile(path, p.PDF, 0o600); err != nil {
		return nil, err
	}
	return &Printout{Path: path, Paper: paper, Payload: p.Payload, Unprintable: p.Unprintable,
		applicationID: applicationID, kind: kind, printed: p}, nil
}

// Printers lists the system's printers and its default one.
func (d *Desk) Printers(ctx context.Context) ([]string, string, error) {
	return d.spooler().Printers(ctx)
}

// PrinterChoices are where each paper prints (设置).
func (d *Desk) PrinterChoices(ctx context.Context) (map[string]data.PrinterChoice, error) {
	return d.Store.PrinterChoices(ctx)
}

// SetPrinterChoice sets where paper prints.
func (d *Desk) SetPrinterChoice(ctx context.Context, paper string, c data.PrinterChoice) error {
	return d.Store.SetPrinterChoice(ctx, paper, c)
}

func (d *Desk) spooler() printing.Spooler {
	if d.Spooler != nil {
		return d.Spooler
	}
	return printing.System()
}

// Sent is a printout the spooler accepted.
type Sent struct {
	Paper, Printer string
	Job            string // the spooler's name for the job
	Copies         int
}

func (s Sent) String() string {
	return fmt.Sprintf("%s已发送到打印机“%s”（%d 份）", s.Paper, s.Printer, s.Copies)
}

// SendToPrinter hands a printout to the printer chosen for its paper and,
// once the spooler has accepted it, records the print in the
// application's history (who, when, which printer). A refusal says why;
// the PDF stays where it was kept.
func (d *Desk) SendToPrinter(ctx context.Context, p *Printout) (*Sent, error) {
	choices, err := d.Store.PrinterChoices(ctx)
	if err != nil {
		return nil, err
	}
	c := choices[p.Paper]
	took, err := d.spooler().Print(ctx, printing.Job{Printer: c.Printer, Title: p.Paper, Copies: c.Copies, PDF: p.printed.PDF, Pages: p.printed.Pages})
	if err != nil {
		d.Log.Warn("print refused", "paper", p.Paper, "printer", c.Printer, "file", p.Path, "err", err)
		return nil, err
	}
	sent := &Sent{Paper: p.Paper, Printer: took.Printer, Job: took.Job, Copies: c.Copies}
	d.Log.Info("printed", "paper", p.Paper, "printer", sent.Printer, "job", sent.Job, "copies", c.Copies, "file", p.Path)
	if p.applicationID != "" {
		if _, err := d.Do(ctx, data.Command{Action: data.ActionPrint, ApplicationID: p.applicationID, Document: p.kind,
			Note: fmt.Sprintf("打印机：%s，%d 份", sent.Printer, c.Copies)}); err != nil {
			return sent, err
		}
	}
	return sent, nil
}
