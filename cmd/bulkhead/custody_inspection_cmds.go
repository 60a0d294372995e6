package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

func cmdChecklistList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection template list")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	archived := fs.Bool("archived", false, "list archived checklists too")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := service.New(st, nil).InspectionTemplates(ctx, a, *archived)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKEY\tNAME\tKIND\tVERSION\tPOINTS\tSTATUS")
	for _, c := range list {
		name := c.Name
		if c.Builtin {
			name = "(built-in)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", c.ID, c.Key, name, c.Kind, c.Version, len(c.Points), c.Status)
	}
	return tw.Flush()
}

func cmdChecklistShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection template show")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	ref := fs.String("template", "", "checklist key or version ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *ref == "" {
		return &usageError{"--template is required"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, versions, err := service.New(st, nil).InspectionTemplate(ctx, a, *ref)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\tversion %d\t%s\t%s\n", c.Key, c.Name, c.Version, c.Kind, c.Status)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tKEY\tLABEL\tPHOTO ON FAIL\tGUIDANCE")
	for i, p := range c.Points {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%s\n", i+1, p.Key, p.Label, p.PhotoOnFail, p.Guidance)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !c.Builtin {
		for _, v := range versions {
			fmt.Fprintf(e.stdout, "version %d\t%s\t%s\t%s\t%s\n", v.Version, v.ID, v.Status, v.CreatedAt.Format("2006-01-02 15:04"), v.CreatedBy)
		}
	}
	return nil
}

// readChecklistFile reads a checklist file: a JSON array of points, or an
// object {key, name, kind, points}. Unknown fields are refused.
func readChecklistFile(path string) (bulkhead.ChecklistInput, error) {
	var in bulkhead.ChecklistInput
	b, err := os.ReadFile(path)
	if err != nil {
		return in, err
	}
	b = bytes.TrimSpace(b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if bytes.HasPrefix(b, []byte("[")) {
		err = dec.Decode(&in.Points)
	} else {
		err = dec.Decode(&in)
	}
	if err != nil {
		return in, &usageError{fmt.Sprintf("%s: %v", path, err)}
	}
	return in, nil
}

// checklistFlags are the flags that create and version share.
type checklistFlags struct {
	file, key, name, kind string
}

func (f *checklistFlags) register(fs interface {
	StringVar(p *string, name, value, usage string)
}, withKey bool) {
	fs.StringVar(&f.file, "file", "", "JSON `file` of points (or {key,name,kind,points})")
	fs.StringVar(&f.name, "name", "", "checklist name (overrides the file's)")
	fs.StringVar(&f.kind, "kind", "", "container, truck_trailer or other (overrides the file's)")
	if withKey {
		fs.StringVar(&f.key, "key", "", "checklist key (overrides the file's; made from the name when empty)")
	}
}

func (f *checklistFlags) input() (bulkhead.ChecklistInput, error) {
	var in bulkhead.ChecklistInput
	if f.file != "" {
		var err error
		if in, err = readChecklistFile(f.file); err != nil {
			return in, err
		}
	}
	if f.key != "" {
		in.Key = &f.key
	}
	if f.name != "" {
		in.Name = &f.name
	}
	if f.kind != "" {
		k := bulkhead.EquipmentKind(f.kind)
		in.Kind = &k
	}
	return in, nil
}

func printChecklist(e *env, c *bulkhead.Checklist) {
	fmt.Fprintf(e.stdout, "%s\t%s\tversion %d\t%d points\n", c.ID, c.Key, c.Version, len(c.Points))
}

func cmdChecklistCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection template create")
	var u asUser
	u.register(fs, "as", "e-mail of a security manager or admin (required)")
	var cf checklistFlags
	cf.register(fs, true)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if cf.file == "" {
		return &usageError{"--file is required"}
	}
	in, err := cf.input()
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := service.New(st, nil).CreateInspectionTemplate(ctx, a, in)
	if err != nil {
		return err
	}
	printChecklist(e, c)
	return nil
}

func cmdChecklistVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection template version")
	var u asUser
	u.register(fs, "as", "e-mail of a security manager or admin (required)")
	ref := fs.String("template", "", "checklist key or version ID (required)")
	var cf checklistFlags
	cf.register(fs, false)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *ref == "" {
		return &usageError{"--template is required"}
	}
	in, err := cf.input()
	if err != nil {
		return err
	}
	if in.Key != nil {
		return &usageError{"a checklist's key cannot change"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := service.New(st, nil).NewInspectionTemplateVersion(ctx, a, *ref, in)
	if err != nil {
		return err
	}
	printChecklist(e, c)
	return nil
}

func cmdChecklistArchive(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection template archive")
	var u asUser
	u.register(fs, "as", "e-mail of a security manager or admin (required)")
	ref := fs.String("template", "", "checklist key or version ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *ref == "" {
		return &usageError{"--template is required"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := service.New(st, nil).ArchiveInspectionTemplate(ctx, a, *ref)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\tversion %d\t%s\n", c.ID, c.Key, c.Version, c.Status)
	return nil
}

// readPhotoFlags reads --photo POINT=FILE values.
func readPhotoFlags(values []string) ([]bulkhead.PhotoUpload, error) {
	var out []bulkhead.PhotoUpload
	for _, v := range values {
		point, file, ok := strings.Cut(v, "=")
		if !ok || point == "" || file == "" {
			return nil, &usageError{fmt.Sprintf("--photo %q: want POINT=FILE", v)}
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		out = append(out, bulkhead.PhotoUpload{Point: point, Data: b})
	}
	return out, nil
}
