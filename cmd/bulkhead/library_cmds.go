package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// libraryCommands are the CLI commands of requirement libraries and compliance assessments (issue 5).
func libraryCommands() []command {
	return []command{
		{"library list", "list requirement libraries with coverage and provenance", cmdLibraryList},
		{"library import", "import a library: library import FILE (CISO Assistant YAML or OSCAL JSON; --dry-run previews)", cmdLibraryImport},
		{"library sheet", "complete or replace a catalog from CSV/XLSX: library sheet --id ID FILE", cmdLibrarySheet},
		{"library export", "export a library: library export --format ciso-assistant|oscal ID [-o FILE]", cmdLibraryExport},
		{"assessment list", "list compliance assessments with readiness", cmdAssessmentList},
		{"assessment soa", "statement of applicability as CSV: assessment soa ID [-o FILE]", cmdAssessmentSoA},
	}
}

// libraryBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func libraryBenches() map[string]benchFunc {
	return map[string]benchFunc{"library": benchLibrary}
}

// libParseArgs parses flags that may come before or after positional
// arguments (library export --format oscal ID -o out.json) and returns the
// positional ones.
func libParseArgs(e *env, fs *flag.FlagSet, args []string, want int, what string) ([]string, error) {
	var pos, flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if f := fs.Lookup(name); f != nil && !strings.Contains(a, "=") {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
					if i+1 < len(args) {
						i++
						flags = append(flags, args[i])
					}
				}
			}
		default:
			pos = append(pos, a)
		}
	}
	if err := parse(e, fs, flags); err != nil {
		return nil, err
	}
	if len(pos) != want {
		return nil, &usageError{fmt.Sprintf("want %s", what)}
	}
	return pos, nil
}

func cmdLibraryList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "library list")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	libs, err := service.New(st, nil).Libraries(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tVERSION\tSOURCE\tREQUIREMENTS\tVERIFIED\tHARMONIZED\tSECONDARY\tMAPPINGS")
	for _, l := range libs {
		src := "imported"
		if l.Builtin {
			src = "built-in"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t%d\n", l.ID, l.Name, l.Version, src, l.AssessableCount, l.Verified, l.Harmonized, l.Secondary, l.MappingCount)
	}
	return tw.Flush()
}

// libReadInput reads a file, or stdin for "-", refusing more than limit bytes.
func libReadInput(e *env, name string, limit int64) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	return data, nil
}

func libPrintPreview(e *env, p *service.ImportPreview) {
	from := "new library"
	if p.OldVersion > 0 {
		from = fmt.Sprintf("replaces version %d", p.OldVersion)
	}
	fmt.Fprintf(e.stdout, "%s %s version %d (%s): %d added, %d changed, %d removed, %d mappings\n", p.URN, p.Name, p.Version, from, len(p.Added), len(p.Changed), len(p.Removed), p.Mappings)
	for _, x := range []struct {
		label string
		refs  []string
	}{{"added", p.Added}, {"changed", p.Changed}, {"removed", p.Removed}} {
		if len(x.refs) > 0 {
			fmt.Fprintf(e.stdout, "  %s: %s\n", x.label, strings.Join(x.refs, " "))
		}
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(e.stderr, "warning: unknown key kept: %s\n", w)
	}
}

func cmdLibraryImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "library import")
	var u asUser
	u.register(fs, "as", "e-mail of the importing user (required; admin or security manager)")
	dry := fs.Bool("dry-run", false, "only show what would change")
	pos, err := libParseArgs(e, fs, args, 1, "one FILE (or - for stdin)")
	if err != nil {
		return err
	}
	data, err := libReadInput(e, pos[0], 4<<20)
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	file := filepath.Base(pos[0])
	p, err := svc.PreviewLibraryImport(ctx, a, file, data)
	if err != nil {
		return err
	}
	libPrintPreview(e, p)
	if *dry {
		return nil
	}
	l, err := svc.ImportLibrary(ctx, a, file, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s\n", l.ID)
	return nil
}

func cmdLibrarySheet(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "library sheet")
	var u asUser
	u.register(fs, "as", "e-mail of the importing user (required; admin or security manager)")
	id := fs.String("id", "", "ID of the library to complete or replace (required)")
	replace := fs.Bool("replace", false, "drop requirements missing from the sheet (default: complete the catalog)")
	dry := fs.Bool("dry-run", false, "only show what would change")
	pos, err := libParseArgs(e, fs, args, 1, "one FILE (.csv or .xlsx)")
	if err != nil {
		return err
	}
	data, err := libReadInput(e, pos[0], 4<<20)
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	in := service.SpreadsheetImport{LibraryID: *id, Replace: *replace, File: filepath.Base(pos[0]), Data: data}
	p, err := svc.PreviewSpreadsheetImport(ctx, a, in)
	if err != nil {
		return err
	}
	libPrintPreview(e, p)
	if *dry {
		return nil
	}
	l, err := svc.ImportSpreadsheet(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s\n", l.ID)
	return nil
}

// libWriteOutput writes data to the file named by out, or stdout for "".
func libWriteOutput(e *env, out string, data []byte) error {
	if out == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

func cmdLibraryExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "library export")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	format := fs.String("format", "ciso-assistant", "ciso-assistant (YAML) or oscal (OSCAL catalog JSON)")
	out := fs.String("o", "", "write to this file instead of stdout")
	pos, err := libParseArgs(e, fs, args, 1, "one library ID")
	if err != nil {
		return err
	}
	if *format != "ciso-assistant" && *format != "oscal" {
		return &usageError{"--format must be ciso-assistant or oscal"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	var data []byte
	if *format == "oscal" {
		_, data, err = svc.ExportLibraryOSCAL(ctx, a, pos[0])
	} else {
		_, data, err = svc.ExportLibrary(ctx, a, pos[0])
	}
	if err != nil {
		return err
	}
	return libWriteOutput(e, *out, data)
}

func cmdAssessmentList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "assessment list")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	xs, err := service.New(st, nil).Assessments(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCATALOG\tSTATUS\tASSESSED\tCOMPLIANT\tGAPS\tTO REVIEW")
	for _, x := range xs {
		r := x.Readiness
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d%%\t%d%%\t%d\t%d\n", x.ID, x.Name, x.Library.Name, x.Status, r.PctAssessed(), r.PctCompliant(), r.Gaps, r.Inferred)
	}
	return tw.Flush()
}

func cmdAssessmentSoA(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "assessment soa")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	out := fs.String("o", "", "write to this file instead of stdout")
	pos, err := libParseArgs(e, fs, args, 1, "one assessment ID")
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	_, rows, err := service.New(st, nil).StatementOfApplicability(ctx, a, pos[0])
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := service.WriteSoACSV(&b, rows); err != nil {
		return err
	}
	return libWriteOutput(e, *out, []byte(b.String()))
}

// benchLibrary measures importing a large generated library, the
// readiness view of a large assessment and the harmonized-structure
// counterparts of ISO 28000.
func benchLibrary(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench library")
	db := benchDBFlag(fs)
	n := fs.Int("n", 2000, "requirements in the imported library")
	m := fs.Int("assess", 1000, "requirements in the assessed library (all answered)")
	reqs := fs.Int("requests", 200, "readiness views to time")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	fmt.Fprintf(e.stdout, "bench library on %s\n", b.engine)
	if err := b.svc.LoadBuiltinLibraries(ctx); err != nil {
		return err
	}
	data := benchLibraryYAML("big", *n)
	start := time.Now()
	if _, err := b.svc.ImportLibrary(ctx, b.actor, "big.yaml", data); err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Fprintf(e.stdout, "import: %d requirements (%d KiB) in %s (target < 2 s)\n", *n, len(data)>>10, d.Round(time.Millisecond))

	lib, err := b.svc.ImportLibrary(ctx, b.actor, "assess.yaml", benchLibraryYAML("assess", *m))
	if err != nil {
		return err
	}
	x, err := b.svc.CreateAssessment(ctx, b.actor, service.AssessmentInput{LibraryID: &lib.ID, Name: sp("Bench assessment")})
	if err != nil {
		return err
	}
	statuses := []bulkhead.ResultStatus{bulkhead.ResultCompliant, bulkhead.ResultPartial, bulkhead.ResultNonCompliant, bulkhead.ResultNotAssessed}
	err = b.st.Write(ctx, func(tx bulkhead.Tx) error {
		for i := range *m {
			r := &bulkhead.AssessmentResult{OrgID: b.org.ID, AssessmentID: x.ID, NodeURN: fmt.Sprintf("urn:bench:risk:req_node:assess:%d.%d", i/10+1, i%10+1),
				Status: statuses[i%len(statuses)], Notes: "bench", UpdatedAt: bulkhead.Now(), UpdatedBy: b.actor.UserID}
			if err := tx.PutAssessmentResult(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	times := make([]time.Duration, *reqs)
	for i := range times {
		t0 := time.Now()
		v, err := b.svc.Assessment(ctx, b.actor, x.ID)
		if err != nil {
			return err
		}
		times[i] = time.Since(t0)
		if i == 0 && v.Readiness.Assessed == 0 {
			return fmt.Errorf("bench: readiness counted nothing")
		}
	}
	slices.Sort(times)
	p := func(q float64) time.Duration { return times[min(len(times)-1, int(q*float64(len(times))))] }
	fmt.Fprintf(e.stdout, "readiness view: %d requirements, %d views: p50 %s, p99 %s (target p99 < 100 ms)\n", *m, *reqs, p(0.50).Round(time.Microsecond), p(0.99).Round(time.Microsecond))

	// Harmonized-structure counterparts of ISO 28000 (shown on its catalog
	// and assessment pages), read from every mapping set.
	const isoFW = "urn:bulkhead:risk:framework:iso28000-2022"
	for i := range times {
		t0 := time.Now()
		cs, err := b.svc.HarmonizedCounterparts(ctx, b.actor, isoFW)
		if err != nil {
			return err
		}
		times[i] = time.Since(t0)
		if i == 0 && len(cs) == 0 {
			return fmt.Errorf("bench: ISO 28000 has no harmonized-structure counterparts")
		}
	}
	slices.Sort(times)
	fmt.Fprintf(e.stdout, "harmonized counterparts of ISO 28000: %d reads: p50 %s, p99 %s\n", *reqs, p(0.50).Round(time.Microsecond), p(0.99).Round(time.Microsecond))
	return nil
}

// benchLibraryYAML writes a library of n assessable requirements under
// n/10 headings.
func benchLibraryYAML(key string, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "urn: urn:bench:risk:library:%s\nlocale: en\nref_id: %s\nname: Bench %s\ndescription: Generated.\nversion: 1\nprovider: bench\npackager: bench\nobjects:\n  framework:\n    urn: urn:bench:risk:framework:%s\n    ref_id: %s\n    name: Bench %s\n    requirement_nodes:\n", key, key, key, key, key, key)
	for h := 1; (h-1)*10 < n; h++ {
		fmt.Fprintf(&b, "    - urn: urn:bench:risk:req_node:%s:%d\n      assessable: false\n      depth: 1\n      ref_id: \"%d\"\n      name: Heading %d\n", key, h, h, h)
		for k := 1; k <= 10 && (h-1)*10+k <= n; k++ {
			fmt.Fprintf(&b, "    - urn: urn:bench:risk:req_node:%s:%d.%d\n      assessable: true\n      depth: 2\n      parent_urn: urn:bench:risk:req_node:%s:%d\n      ref_id: \"%d.%d\"\n      name: Requirement %d.%d\n      description: Keep the generated control %d.%d in place and check it every quarter.\n      annotation: \"[bulkhead:provenance=verified]\"\n      importance: mandatory\n",
				key, h, k, key, h, h, k, h, k, h, k)
		}
	}
	return []byte(b.String())
}
