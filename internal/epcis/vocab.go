package epcis

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Standard namespaces: the CURIE prefixes of the EPCIS 2.0 JSON-LD context
// (https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld).
const (
	nsCBV   = "https://ref.gs1.org/cbv/"
	nsGS1   = "https://gs1.org/voc/"
	nsEPCIS = "https://ref.gs1.org/epcis/"
	nsRDFS  = "http://www.w3.org/2000/01/rdf-schema#"
)

// vocab says how a field holding a vocabulary value is written in the
// pre-hash: a bare term gets base+prefix in front of it (CBV 2.0 event hash
// rule 16).
type vocab struct {
	base, prefix string
	urn          string // the CBV 1.x URN prefix of the same values, if any
}

var (
	vocBizStep   = vocab{nsCBV, "BizStep-", "urn:epcglobal:cbv:bizstep:"}
	vocDisp      = vocab{nsCBV, "Disp-", "urn:epcglobal:cbv:disp:"}
	vocBTT       = vocab{nsCBV, "BTT-", "urn:epcglobal:cbv:btt:"}
	vocSDT       = vocab{nsCBV, "SDT-", "urn:epcglobal:cbv:sdt:"}
	vocComponent = vocab{nsCBV, "Comp-", ""}
	vocGS1       = vocab{nsGS1, "", ""} // sensorReport type and exception
)

// cbvURNs maps CBV 1.x vocabulary URN prefixes to their CBV 2.0 Web URI
// prefixes (event hash rule 14).
var cbvURNs = []struct{ urn, web string }{
	{"urn:epcglobal:cbv:bizstep:", nsCBV + "BizStep-"},
	{"urn:epcglobal:cbv:disp:", nsCBV + "Disp-"},
	{"urn:epcglobal:cbv:btt:", nsCBV + "BTT-"},
	{"urn:epcglobal:cbv:sdt:", nsCBV + "SDT-"},
	{"urn:epcglobal:cbv:er:", nsCBV + "ER-"},
}

// cbvURNToWebURI converts a CBV 1.x vocabulary URN (not an identifier such
// as urn:epcglobal:cbv:bt:…) to its Web URI.
func cbvURNToWebURI(s string) (string, bool) {
	for _, m := range cbvURNs {
		if term, ok := strings.CutPrefix(s, m.urn); ok && term != "" {
			return m.web + term, true
		}
	}
	return "", false
}

// standardPrefixes are the CURIE prefixes expanded inside vocabulary values
// (event hash rule 15). User prefixes in values (example:x) are left as
// written, as the reference vectors do.
var standardPrefixes = map[string]string{"cbv": nsCBV, "gs1": nsGS1, "epcis": nsEPCIS}

// normalise returns the canonical form of a vocabulary value.
func (v vocab) normalise(s string) string {
	if s == "" {
		return s
	}
	return string(v.appendNormalised(nil, s))
}

// appendNormalised appends the canonical form of a vocabulary value.
func (v vocab) appendNormalised(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	if !strings.Contains(s, ":") {
		b = append(b, v.base...)
		b = append(b, v.prefix...)
		return append(b, s...)
	}
	if p, local, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(local, "//") {
		if ns, ok := standardPrefixes[p]; ok {
			return append(append(b, ns...), local...)
		}
	}
	return append(b, normaliseIdentifier(s)...)
}

// errNoZone and errBadTime describe unusable timestamps.
var (
	errNoZone  = errors.New("timestamp has no time zone offset")
	errBadTime = errors.New("not an RFC 3339 timestamp")
)

// canonicalTime writes an xsd:dateTime in UTC with exactly three fractional
// digits, rounding half up at the fourth (event hash rules 8 and 9).
func canonicalTime(s string) (string, error) {
	b, err := appendCanonicalTime(nil, s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// appendCanonicalTime appends the canonical form of a timestamp, as
// canonicalTime writes it.
func appendCanonicalTime(b []byte, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 11 && (s[10] == 't') {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if _, err2 := time.Parse("2006-01-02T15:04:05.999999999", s); err2 == nil {
			return b, errNoZone
		}
		return b, errBadTime
	}
	return t.UTC().Round(time.Millisecond).AppendFormat(b, "2006-01-02T15:04:05.000Z"), nil
}

// maxDecimalLen bounds the length of a number written out in full, so that
// 1e999999999 cannot make the hasher allocate gigabytes.
const maxDecimalLen = 1024

// canonicalDecimal writes a decimal number literal (as JSON or xsd:decimal
// and xsd:double allow) without exponent, leading zeros or trailing zeros
// (event hash rule 6): "452.0" → "452", "1.50E2" → "150", "-0" → "0".
func canonicalDecimal(s string) (string, bool) {
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > maxDecimalLen || e < -maxDecimalLen {
			return "", false
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !isDigits(intPart) || !isDigits(frac) {
		return "", false
	}
	digits := intPart + frac
	point := len(intPart) + exp // position of the decimal point in digits
	if point < 0 {
		digits = strings.Repeat("0", -point) + digits
		point = 0
	}
	if point > len(digits) {
		digits += strings.Repeat("0", point-len(digits))
	}
	ip := strings.TrimLeft(digits[:point], "0")
	fp := strings.TrimRight(digits[point:], "0")
	if ip == "" {
		ip = "0"
	}
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, true
}

// formatFloat writes a float64 the way canonicalDecimal writes its literal.
func formatFloat(f float64) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	return canonicalDecimal(strconv.FormatFloat(f, 'g', -1, 64))
}
