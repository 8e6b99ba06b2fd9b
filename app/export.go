package app

import (
	"encoding/csv"
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

// Export writes tables to path: an Excel workbook (.xlsx) with a sheet per
// table, or CSV (.csv) with the first. Every export of the workstation
// goes through here.
func Export(path string, sheets ...Sheet) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return exportCSV(path, sheets[0].Rows)
	case ".xlsx":
		return exportXLSX(path, sheets)
	}
	return data.Errorf(data.EINVALID, "只能导出为 .xlsx 或 .csv 文件")
}

func exportCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	// A BOM makes Excel on Windows read the CSV as UTF-8.
	if _, err := f.WriteString("\uFEFF"); err != nil {
		f.Close()
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func exportXLSX(path string, sheets []Sheet) error {
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
	return x.SaveAs(path)
}
