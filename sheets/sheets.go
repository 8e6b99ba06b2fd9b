// Package sheets writes tables of text, as the screens show them, to Excel
// workbooks (github.com/xuri/excelize/v2) and CSV files: every export of
// the workstation and of the web console goes through here.
package sheets

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"titledesk/data"
)

// Sheet is a table of text, header first, as the screens show it.
type Sheet struct {
	Name string
	Rows [][]string
}

// Save writes tables to path: an Excel workbook (.xlsx) with a sheet per
// table, or CSV (.csv) with the first.
func Save(path string, sheets ...Sheet) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Write(f, strings.ToLower(filepath.Ext(path)), sheets...); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// Write writes tables to w as kind: ".xlsx" or ".csv".
func Write(w io.Writer, kind string, sheets ...Sheet) error {
	switch kind {
	case ".csv":
		return writeCSV(w, sheets[0].Rows)
	case ".xlsx":
		return writeXLSX(w, sheets)
	}
	return data.Errorf(data.EINVALID, "只能导出为 .xlsx 或 .csv 文件")
}

func writeCSV(w io.Writer, rows [][]string) error {
	// A BOM makes Excel on Windows read the CSV as UTF-8.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	return cw.WriteAll(rows)
}

func writeXLSX(w io.Writer, sheets []Sheet) error {
	x := excelize.NewFile()
	defer x.Close()
	for i, sheet := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sheet.Name); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(sheet.Name); err != nil {
			return err
		}
		for r, row := range sheet.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var val any = v
				// Counts and amounts as numbers, so Excel can sum them;
				// numbers that are names (application, certificate, identity
				// numbers) keep their digits as text.
				if n, err := strconv.ParseFloat(v, 64); err == nil && r > 0 && len(v) < 10 && !strings.HasPrefix(v, "0") {
					val = n
				}
				if err := x.SetCellValue(sheet.Name, cell, val); err != nil {
					return err
				}
			}
		}
		if err := x.SetColWidth(sheet.Name, "A", "Z", 16); err != nil {
			return err
		}
	}
	return x.Write(w)
}
