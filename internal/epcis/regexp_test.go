package epcis

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dlclark/regexp2/v2"
)

// schemaPatterns returns the patterns of the EPCIS schema.
func schemaPatterns(t testing.TB) []string {
	var doc any
	if err := json.Unmarshal(schemaJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any, inProps bool)
	walk = func(v any, inProps bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if p, ok := x.(string); ok && k == "pattern" && !inProps && !slices.Contains(out, p) {
					out = append(out, p)
				}
				walk(x, !inProps && (k == "properties" || k == "definitions"))
			}
		case []any:
			for _, x := range v {
				walk(x, false)
			}
		}
	}
	walk(doc, false)
	slices.Sort(out)
	return out
}

// ecmaMatch matches s against pattern with regexp2, as ECMAScript.
func ecmaMatch(t testing.TB, pattern, s string) bool {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := re.MatchString(s)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// regexpSamples returns strings to match patterns against: the string
// values and member names of the GS1 examples, the mutation values, odd
// strings (line ends, non-ASCII digits, invalid UTF-8) and, for each
// pattern, random strings of its own characters and a few others.
func regexpSamples(t testing.TB, patterns []string) []string {
	out := []string{"", "\n", "OBSERVE", "OBSERVE\n", "\nOBSERVE", "OBSERVE\r", "ADD", "DELETE", "add", "ADDD",
		"1", "1.2", "1.2.3", "1.", ".1", "1..2", "١", "1.٢", "+01:00", "+14:00", "+14:01", "-13:59", "+1:00", "+01:00\n",
		"KGM", "KG", "KGMS", "kgm", "K1", "ABCDEF0123456789", "abcdef", "0x1", "\xff", "A\xffB", "\xe2A",
		"urn:epcglobal:cbv:bizstep:shipping", "urn:epcglobal:cbv", "urn:epcglobal:cb", "https://ns.gs1.org/cbv/x",
		"http://ns.gs1.org/cbv/", "https://ns.gs1.org/cbv", "https://ns.gs1xorg/cbv/", "httpss://ns.gs1.org/cbv/",
		"https://gs1.org/voc/x", "http://www.gs1.org/voc/", "https://www.gs1.org/vocx", " https://gs1.org/voc/",
		"example:x", "https://example.com/x"}
	for _, v := range mutationValues {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	out = append(out, mutationNames...)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for k, x := range v {
				out = append(out, k)
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, data := range readGS1JSON(t) {
		v, err := decodeValue(data)
		if err != nil {
			t.Fatal(err)
		}
		walk(v)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, p := range patterns {
		alphabet := []rune(p + "\n\r é٣\u2028")
		alphabet = append(alphabet, 0xfffd)
		for range 3000 {
			var b strings.Builder
			for range rnd.IntN(24) {
				b.WriteRune(alphabet[rnd.IntN(len(alphabet))])
			}
			out = append(out, b.String())
		}
	}
	return out
}

// TestRE2Equivalents: every pattern of the EPCIS schema is matched with Go's
// regexp package, and as regexp2 matches it (as ECMAScript) on strings
// from the examples, odd strings and random strings of the pattern's own
// characters.
func TestRE2Equivalents(t *testing.T) {
	patterns := schemaPatterns(t)
	if len(patterns) < 9 {
		t.Fatalf("%d patterns in the schema, want at least 9", len(patterns))
	}
	samples := regexpSamples(t, patterns)
	for _, p := range patterns {
		q := compileRE2Equivalent(p)
		if q == nil {
			t.Errorf("pattern %s is left to regexp2", p)
			continue
		}
		if q.String() != p {
			t.Errorf("pattern %s reads back as %s", p, q)
		}
		re := regexp2.MustCompile(p, regexp2.ECMAScript)
		matched := 0
		for _, s := range samples {
			want, err := re.MatchString(s)
			if err != nil {
				t.Fatal(err)
			}
			if want {
				matched++
			}
			if got := q.MatchString(s); got != want {
				t.Errorf("pattern %s, %q: Go's regexp says %v, regexp2 %v", p, s, got, want)
			}
		}
		if matched == 0 || matched == len(samples) {
			t.Errorf("pattern %s matches %d of %d samples: they test nothing", p, matched, len(samples))
		}
	}
}

// TestCompileRE2Equivalent: patterns that use what the two engines read
// differently stay with regexp2; the others agree on samples.
func TestCompileRE2Equivalent(t *testing.T) {
	for _, p := range []string{`a.b`, `\w+`, `\s`, `\bx`, `(?=a)`, `(?:a)`, `^(?!a)b`, `^(?!a)|(b)`, `^(?!a)(b)`,
		`[^a]`, `[]a]`, `[[]`, `a$b`, `a^b`, `é`, `\u0041`, `\x41`, `\1`, `(a)\1`, `\D`, `a{,2}`, `a{2`, `(a`, `a)`,
		`[a`, `\`, `^^a`, `a$$`, `\ca`, `\0`, `^*a`, `(*a)`, `a|*b`, `a**`, `a+?+`, `a{1,2,3}`, `^{2}`, `({2})`, `a{}`} {
		if q := compileRE2Equivalent(p); q != nil {
			t.Errorf("pattern %s is given to Go's regexp", p)
		}
	}
	samples := []string{"", "a", "aa", "ab", "b", "a\n", "x-y", "x/y", "2024", "AZ", "a{2}", "é", "\xff", "a+", "a|b", "(a)", "$", "^"}
	for _, p := range []string{`^a$`, `a`, `a+b*`, `^(a|b)$`, `[a-z]{2}`, `^\d{4}$`, `x\-y`, `x\/y`, `^(?!(a|b))`,
		`^[A-Z]{1,2}$`, `a{2,}`, `a+?`, `^(a|)$`, `[+*?()|{}$]`, `\+`, `\|`, `\(a\)`, `\^`} {
		q := compileRE2Equivalent(p)
		if q == nil {
			t.Errorf("pattern %s is left to regexp2", p)
			continue
		}
		for _, s := range samples {
			if got, want := q.MatchString(s), ecmaMatch(t, p, s); got != want {
				t.Errorf("pattern %s, %q: Go's regexp says %v, regexp2 %v", p, s, got, want)
			}
		}
	}
}

func FuzzRE2Equivalents(f *testing.F) {
	patterns := schemaPatterns(f)
	for i, s := range regexpSamples(f, patterns)[:200] {
		f.Add(uint8(i), s)
	}
	res := make([]*regexp2.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp2.MustCompile(p, regexp2.ECMAScript)
	}
	f.Fuzz(func(t *testing.T, i uint8, s string) {
		p := patterns[int(i)%len(patterns)]
		q := compileRE2Equivalent(p)
		want, err := res[int(i)%len(patterns)].MatchString(s)
		if err != nil {
			t.Skip(err)
		}
		if got := q.MatchString(s); got != want {
			t.Errorf("pattern %s, %q: Go's regexp says %v, regexp2 %v", p, s, got, want)
		}
	})
}
