package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/google/go-cmp/cmp"
)

// templateKeyRE finds translations in templates: {{.T "key"}}, {{$.T "key" …}}.
var templateKeyRE = regexp.MustCompile(`\bT\s+"([^"]+)"`)

// keyCalls are the functions of package web whose argument at the given
// index is a catalog key.
var keyCalls = map[string]int{"T": 0, "base": 0, "redirect": 1, "item": 1}

// usedKeys returns every catalog key the package uses, with where it is used.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	// Templates.
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range templateKeyRE.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Go code: literal keys passed to T/base/redirect and fields named …Key.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		lit := func(e ast.Expr) (string, bool) {
			b, ok := e.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(b.Value)
			return s, err == nil && s != ""
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				if i, ok := keyCalls[fn]; ok && i < len(n.Args) {
					if s, ok := lit(n.Args[i]); ok {
						keys[s] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && strings.HasSuffix(id.Name, "Key") {
					if s, ok := lit(n.Value); ok {
						keys[s] = fset.Position(n.Pos()).String()
					}
				}
			}
			return true
		})
	}
	// Keys built at run time from enums and codes.
	dyn := func(k string) { keys[k] = "dynamic" }
	for _, st := range bulkhead.SiteTypes {
		dyn(siteTypeKey(st))
	}
	for _, r := range bulkhead.Roles {
		dyn(roleKey(r))
	}
	for _, code := range bulkhead.AuditBreakCodes {
		dyn(breakKey(code))
	}
	for _, a := range knownActions {
		dyn(actionKey(a))
	}
	for _, o := range auditObjectTypes {
		dyn(objectKey(o))
	}
	for _, s := range []string{bulkhead.StatusActive, bulkhead.StatusArchived, bulkhead.StatusAll} {
		dyn(statusKey(s))
	}
	for _, l := range bulkhead.Languages {
		dyn(langKey(l))
	}
	for _, f := range changeFields {
		dyn(fieldKey(f))
	}
	for _, code := range []string{bulkhead.FieldRequired, bulkhead.FieldTooLong, bulkhead.FieldInvalid, bulkhead.FieldChoice,
		bulkhead.FieldUNLOCODE, bulkhead.FieldCountry, bulkhead.FieldTimeZone, bulkhead.FieldEmail, bulkhead.FieldTaken,
		bulkhead.FieldUnknown, bulkhead.FieldShort, bulkhead.FieldMismatch, "confirm_mismatch"} {
		dyn(errKey(code))
	}
	for m := 1; m <= 12; m++ {
		dyn("month." + strconv.Itoa(m))
	}
	return keys
}

func TestCatalogHasEveryUsedKey(t *testing.T) {
	t.Parallel()
	keys := usedKeys(t)
	if len(keys) < 100 {
		t.Fatalf("found only %d keys; is the extraction broken?", len(keys))
	}
	for _, lang := range i18n.Languages() {
		var missing []string
		for k, where := range keys {
			if !i18n.Has(lang, k) {
				missing = append(missing, k+" ("+where+")")
			}
		}
		sort.Strings(missing)
		for _, m := range missing {
			t.Errorf("catalog %s lacks key %s", lang, m)
		}
	}
	if os.Getenv("BULKHEAD_LIST_UNUSED_KEYS") != "" {
		for _, k := range i18n.Keys(i18n.Default) {
			if _, ok := keys[k]; !ok && !strings.HasPrefix(k, "err.") {
				t.Logf("unused: %s", k)
			}
		}
	}
}

func TestCatalogsHaveIdenticalKeys(t *testing.T) {
	t.Parallel()
	langs := i18n.Languages()
	if len(langs) < 2 {
		t.Fatalf("languages = %v, want at least en and es", langs)
	}
	want := i18n.Keys(i18n.Default)
	for _, lang := range langs {
		if diff := cmp.Diff(want, i18n.Keys(lang)); diff != "" {
			t.Errorf("catalog %s keys differ from %s (-%s +%s):\n%s", lang, i18n.Default, i18n.Default, lang, diff)
		}
	}
}

// TestCatalogFormatVerbs checks that a message and its translations take the
// same arguments, so that a translation cannot print %!s(MISSING).
func TestCatalogFormatVerbs(t *testing.T) {
	t.Parallel()
	verbRE := regexp.MustCompile(`%(\[\d+\])?[sdvq]`)
	for _, k := range i18n.Keys(i18n.Default) {
		want := len(verbRE.FindAllString(i18n.T(i18n.Default, k), -1))
		for _, lang := range i18n.Languages() {
			if got := len(verbRE.FindAllString(i18n.T(lang, k), -1)); got != want {
				t.Errorf("%s %q has %d format verbs, %s has %d", lang, k, got, i18n.Default, want)
			}
		}
	}
}
