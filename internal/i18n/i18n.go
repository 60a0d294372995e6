// Package i18n holds Bulkhead's message catalogs (English and Spanish) and
// formats dates and numbers for a user's language. Every string the UI shows
// goes through a catalog; a test fails when a key used by a template is
// missing from any catalog.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// A language's catalog is catalogs/LANG.json plus any catalogs/LANG/*.json,
// one per area of the product; a key defined twice fails start-up.
//
//go:embed catalogs
var catalogFS embed.FS

// Default is the fallback language.
const Default = "en"

var (
	catalogs = map[string]map[string]string{}
	matcher  language.Matcher
	printers = map[string]*message.Printer{}
)

func init() {
	files, err := catalogFS.ReadDir("catalogs")
	if err != nil {
		panic(err)
	}
	var tags []language.Tag
	for _, f := range files {
		if f.IsDir() {
			continue
		}
		lang := strings.TrimSuffix(f.Name(), ".json")
		m := map[string]string{}
		parts, _ := fs.Glob(catalogFS, path.Join("catalogs", lang, "*.json"))
		for _, p := range append([]string{path.Join("catalogs", f.Name())}, parts...) {
			b, err := catalogFS.ReadFile(p)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("i18n: catalog %s: %v", p, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("i18n: catalog %s: key %q is defined twice", p, k))
				}
				m[k] = v
			}
		}
		catalogs[lang] = m
		printers[lang] = message.NewPrinter(language.MustParse(lang))
		if lang == Default {
			tags = append([]language.Tag{language.MustParse(lang)}, tags...)
		} else {
			tags = append(tags, language.MustParse(lang))
		}
	}
	matcher = language.NewMatcher(tags)
}

// Languages returns the languages that have a catalog, sorted.
func Languages() []string {
	out := make([]string, 0, len(catalogs))
	for l := range catalogs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Keys returns every key of a language's catalog, sorted.
func Keys(lang string) []string {
	out := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang's catalog has key.
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Match picks the best supported language for an Accept-Language header.
func Match(acceptLanguage string) string {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, _ := matcher.Match(tags...)
	// The matcher's index follows the order tags were given at init.
	return orderedLangs()[i]
}

func orderedLangs() []string {
	out := []string{Default}
	files, _ := catalogFS.ReadDir("catalogs")
	for _, f := range files {
		if l := strings.TrimSuffix(f.Name(), ".json"); !f.IsDir() && l != Default {
			out = append(out, l)
		}
	}
	return out
}

// T returns the message for key in lang, formatted with args (fmt verbs),
// falling back to English and then to the key itself.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Number formats an integer with the language's digit grouping.
func Number(lang string, n int64) string {
	p, ok := printers[lang]
	if !ok {
		p = printers[Default]
	}
	return p.Sprintf("%d", n)
}

// DateTime formats t in loc for lang, e.g. "27 Nov 2026, 16:14" or
// "27 nov 2026, 16:14".
func DateTime(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return fmt.Sprintf("%s, %s", Date(lang, t, loc), t.Format("15:04"))
}

// Date formats t's date in loc for lang.
func Date(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return fmt.Sprintf("%d %s %d", t.Day(), T(lang, fmt.Sprintf("month.%d", int(t.Month()))), t.Year())
}
