package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// maxFormBytes bounds a posted form.
const maxFormBytes = 1 << 20

// selectOption is one choice of a select.
type selectOption struct {
	Value    string
	Label    string
	Selected bool
}

// formField is one labelled form control with its value and error, ready for the
// "field" partial, which ties label, hint and error to the control with
// for/id and aria-describedby.
type formField struct {
	Name           string
	IDPrefix       string // keeps ids unique when a page has several forms
	Label          string
	Hint           string
	Error          string // translated message, shown at the field
	Value          string
	Kind           string // input (default), select, textarea
	Type           string // input type: text, email, password, number
	Options        []selectOption
	Required       bool
	Autocomplete   string
	List           string // id of a <datalist>
	MaxLength      int
	InputMode      string
	Autocapitalize string
	Min, Max       string
}

// ID is the control's element id.
func (f *formField) ID() string { return "f-" + f.IDPrefix + f.Name }

// HintID is the hint's element id.
func (f *formField) HintID() string { return f.ID() + "-hint" }

// ErrorID is the error message's element id.
func (f *formField) ErrorID() string { return f.ID() + "-error" }

// DescribedBy lists the ids that describe the control.
func (f *formField) DescribedBy() string {
	var ids []string
	if f.Error != "" {
		ids = append(ids, f.ErrorID())
	}
	if f.Hint != "" {
		ids = append(ids, f.HintID())
	}
	return strings.Join(ids, " ")
}

// formError is one entry of a form's error summary, linking to its field.
type formError struct {
	Href    string
	Message string
}

// form is a set of fields with their errors.
type form struct {
	idPrefix string
	Fields   map[string]*formField
	order    []string
	Errors   []formError // summary, in field order
	Heading  string      // the summary's heading
}

func newForm() *form { return &form{Fields: map[string]*formField{}} }

// add appends a field.
func (f *form) add(fl *formField) *formField {
	fl.IDPrefix = f.idPrefix
	if fl.Kind == "" {
		fl.Kind = "input"
	}
	if fl.Kind == "input" && fl.Type == "" {
		fl.Type = "text"
	}
	f.Fields[fl.Name] = fl
	f.order = append(f.order, fl.Name)
	return fl
}

// HasErrors reports whether the form has any error.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 }

// setErrors puts field error codes at their fields and builds the summary
// (in form order, then fields the form does not show, by name).
func (f *form) setErrors(c *call, codes map[string]string) {
	f.Errors = nil
	f.Heading = c.T("form.errors_title")
	var extra []string
	for name := range codes {
		if f.Fields[name] == nil {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range f.order {
		code, ok := codes[name]
		if !ok {
			continue
		}
		fl := f.Fields[name]
		fl.Error = c.T("form.field_error", fl.Label, c.errMessage(code))
		f.Errors = append(f.Errors, formError{Href: "#" + fl.ID(), Message: fl.Error})
	}
	for _, name := range extra {
		f.Errors = append(f.Errors, formError{Message: c.T("form.field_error", c.fieldLabel(name), c.errMessage(codes[name]))})
	}
}

// options builds select options, marking the selected value.
func options(selected string, pairs ...string) []selectOption {
	out := make([]selectOption, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, selectOption{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == selected})
	}
	return out
}

// parseForm reads a posted form, bounded in size.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return bulkhead.Errorf(bulkhead.EINVALID, "The form could not be read.")
	}
	return nil
}

// commonTimeZones fill the time-zone <datalist>: zones where supply-chain
// operators commonly have sites. Any IANA name is accepted.
var commonTimeZones = []string{
	"UTC",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Dublin",
	"Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid",
	"Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Zurich",
	"Africa/Cairo", "Africa/Casablanca", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Bogota", "America/Argentina/Buenos_Aires", "America/Chicago", "America/Denver", "America/Guatemala",
	"America/Lima", "America/Los_Angeles", "America/Matamoros", "America/Mexico_City", "America/Monterrey",
	"America/New_York", "America/Panama", "America/Santiago", "America/Sao_Paulo", "America/Tijuana",
	"America/Toronto", "America/Vancouver",
	"Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Karachi", "Asia/Kolkata", "Asia/Kuala_Lumpur",
	"Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo",
	"Australia/Melbourne", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland",
}
