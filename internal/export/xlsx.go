package export

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// XLSX writes rows to one worksheet of an Excel workbook, streaming them so
// that large registers export in bounded memory. Cells are written as text
// (never as formulas); the first row is the header, in bold and frozen.
type XLSX struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	bold int
}

// NewXLSX starts a workbook whose only sheet is named sheet (at most 31
// characters, as Excel requires).
func NewXLSX(sheet string) (*XLSX, error) {
	if len([]rune(sheet)) > 31 {
		sheet = string([]rune(sheet)[:31])
	}
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	return &XLSX{f: f, sw: sw, bold: bold}, nil
}

// Write adds one row of text cells. The first row written is the header.
func (x *XLSX) Write(cells ...string) error {
	x.row++
	row := make([]any, len(cells))
	for i, c := range cells {
		if x.row == 1 {
			row[i] = excelize.Cell{StyleID: x.bold, Value: c}
		} else {
			row[i] = c
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	if err := x.sw.SetRow(cell, row); err != nil {
		return fmt.Errorf("xlsx row %d: %w", x.row, err)
	}
	return nil
}

// WriteTo finishes the workbook and writes it to w. The XLSX cannot be used
// afterwards.
func (x *XLSX) WriteTo(w io.Writer) (int64, error) {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return 0, err
	}
	return x.f.WriteTo(w)
}
