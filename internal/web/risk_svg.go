package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/fair"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
)

// The risk pages draw their charts as SVG on the server: html/template
// escapes every label, colours come from validated #rrggbb values, and no
// script runs.

// riskHeatCell is one cell of a heatmap.
type riskHeatCell struct {
	X, Y, W, H   int
	TX, TY       int // the count's position
	Colour       string
	Count        int
	Likelihood   int
	Consequence  int
	Title        string // tooltip: likelihood × consequence = level: n
	Dark         bool   // a dark fill: white text
	LevelName    string
	CellID       string // "L-C", for tests and links
	FilterHref   string
	LabelledText string
}

// riskAxisLabel is a label along an axis.
type riskAxisLabel struct {
	X, Y int
	Text string
}

// riskHeatmap is a likelihood × consequence grid with the number of
// scenarios in each cell.
type riskHeatmap struct {
	Kind     string // "inherent" or "residual"
	Title    string
	Width    int
	Height   int
	Cells    []riskHeatCell
	Rows     []riskAxisLabel // likelihood, highest at the top
	Cols     []riskAxisLabel
	XTitle   riskAxisLabel
	YTitle   riskAxisLabel
	Total    int
	Unrated  int
	Legend   []riskLegend
	AriaText string
}

// riskLegend is one risk level with its colour.
type riskLegend struct {
	Name   string
	Colour string
}

const (
	heatCell   = 56
	heatLeft   = 120
	heatTop    = 10
	heatBottom = 60
)

// darkColour reports whether white text reads better on the colour.
func riskDark(hex string) bool {
	if len(hex) != 7 {
		return false
	}
	r, _ := strconv.ParseUint(hex[1:3], 16, 8)
	g, _ := strconv.ParseUint(hex[3:5], 16, 8)
	b, _ := strconv.ParseUint(hex[5:7], 16, 8)
	return 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 150
}

// buildHeatmap counts scenarios per cell of m for the rating pick chooses.
func (c *call) riskHeatmapOf(kind, title string, m *bulkhead.RiskMatrix, scs []*bulkhead.Scenario, pick func(*bulkhead.Scenario) bulkhead.Rating) *riskHeatmap {
	nl, nc := len(m.Likelihood), len(m.Consequence)
	h := &riskHeatmap{Kind: kind, Title: title, Width: heatLeft + nc*heatCell + 10, Height: heatTop + nl*heatCell + heatBottom}
	counts := map[bulkhead.Rating]int{}
	for _, x := range scs {
		r := pick(x)
		if !r.Rated() {
			h.Unrated++
			continue
		}
		counts[r]++
		h.Total++
	}
	for l := nl; l >= 1; l-- {
		y := heatTop + (nl-l)*heatCell
		h.Rows = append(h.Rows, riskAxisLabel{X: heatLeft - 6, Y: y + heatCell/2 + 4, Text: m.Likelihood[l-1].Name})
		for k := 1; k <= nc; k++ {
			x := heatLeft + (k-1)*heatCell
			r := bulkhead.Rating{Likelihood: l, Consequence: k}
			lv := m.Level(r)
			colour := m.Levels[lv].Colour
			n := counts[r]
			h.Cells = append(h.Cells, riskHeatCell{X: x, Y: y, W: heatCell - 2, H: heatCell - 2, TX: x + heatCell/2 - 1, TY: y + heatCell/2 + 5,
				Colour: colour, Count: n, Likelihood: l, Consequence: k, Dark: riskDark(colour), LevelName: m.Levels[lv].Name,
				CellID: strconv.Itoa(l) + "-" + strconv.Itoa(k),
				Title:  c.T("risk.heat_cell", m.Likelihood[l-1].Name, m.Consequence[k-1].Name, m.Levels[lv].Name, n)})
		}
	}
	for k := 1; k <= nc; k++ {
		h.Cols = append(h.Cols, riskAxisLabel{X: heatLeft + (k-1)*heatCell + heatCell/2, Y: heatTop + nl*heatCell + 16, Text: m.Consequence[k-1].Name})
	}
	h.XTitle = riskAxisLabel{X: heatLeft + nc*heatCell/2, Y: heatTop + nl*heatCell + 44, Text: c.T("risk.consequence")}
	h.YTitle = riskAxisLabel{X: 12, Y: heatTop + nl*heatCell/2, Text: c.T("risk.likelihood")}
	for _, lv := range m.Levels {
		h.Legend = append(h.Legend, riskLegend{Name: lv.Name, Colour: lv.Colour})
	}
	h.AriaText = c.T("risk.heat_aria", title, h.Total)
	return h
}

// riskCurve is one loss exceedance curve of a chart.
type riskCurve struct {
	Name   string
	Points string // SVG polyline points
	Class  string
}

// riskLEC is a loss exceedance chart: probability of exceeding a loss.
type riskLEC struct {
	Width, Height int
	Curves        []riskCurve
	XTicks        []riskAxisLabel
	YTicks        []riskAxisLabel
	Tolerance     *riskAxisLabel // a vertical line at the tolerance
	TolX          int
	PlotTop       int
	PlotBottom    int
	PlotLeft      int
	PlotRight     int
	AriaText      string
}

const (
	lecW, lecH                         = 640, 320
	lecLeft, lecRight, lecTop, lecBott = 70, 20, 14, 40
)

// buildLEC draws the curves of summaries (name → LEC) on one linear chart.
func (c *call) riskLECOf(names []string, sums []*fair.Summary, tolerance *float64) *riskLEC {
	ch := &riskLEC{Width: lecW, Height: lecH, PlotTop: lecTop, PlotBottom: lecH - lecBott, PlotLeft: lecLeft, PlotRight: lecW - lecRight}
	maxLoss := 0.0
	for _, s := range sums {
		for _, p := range s.LEC {
			maxLoss = math.Max(maxLoss, p.Loss)
		}
	}
	if tolerance != nil {
		maxLoss = math.Max(maxLoss, *tolerance)
	}
	if maxLoss <= 0 {
		maxLoss = 1
	}
	maxLoss = riskNiceCeil(maxLoss)
	px := func(loss float64) float64 { return lecLeft + loss/maxLoss*float64(lecW-lecLeft-lecRight) }
	py := func(p float64) float64 { return lecTop + (1-p)*float64(lecH-lecTop-lecBott) }
	for i, s := range sums {
		var b strings.Builder
		for j, p := range s.LEC {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.FormatFloat(px(p.Loss), 'f', 1, 64))
			b.WriteByte(',')
			b.WriteString(strconv.FormatFloat(py(p.Probability), 'f', 1, 64))
		}
		ch.Curves = append(ch.Curves, riskCurve{Name: names[i], Points: b.String(), Class: "lec-" + strconv.Itoa(i%4)})
	}
	for i := 0; i <= 4; i++ {
		loss := maxLoss * float64(i) / 4
		ch.XTicks = append(ch.XTicks, riskAxisLabel{X: int(px(loss)), Y: lecH - lecBott + 16, Text: i18n.Number(c.lang, int64(math.Round(loss)))})
		p := float64(i) / 4
		ch.YTicks = append(ch.YTicks, riskAxisLabel{X: lecLeft - 6, Y: int(py(p)) + 4, Text: strconv.Itoa(int(p*100)) + " %"})
	}
	if tolerance != nil {
		ch.TolX = int(px(*tolerance))
		ch.Tolerance = &riskAxisLabel{X: ch.TolX + 4, Y: lecTop + 12, Text: c.T("risk.tolerance_label", i18n.Number(c.lang, int64(math.Round(*tolerance))))}
	}
	ch.AriaText = c.T("risk.lec_aria")
	return ch
}

// niceCeil rounds x up to 1, 2 or 5 times a power of ten.
func riskNiceCeil(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}
