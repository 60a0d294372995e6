package epcis

import (
	"net/url"
	"strings"
)

// This file turns GS1 identifiers into the one form the event hash uses: the
// constrained canonical GS1 Digital Link URI (CBV 2.0 event hash rules 17
// and 18). EPC URNs (GS1 Tag Data Standard 2.0) are converted; Digital Link
// URIs on any domain are moved to https://id.gs1.org, stripped of their
// query string and cut down to the finest level of identification. Anything
// that is not recognisably one of those is returned unchanged, so an
// unusual identifier still counts in the hash, as written.

// canonicalDLBase is the domain of a canonical GS1 Digital Link URI.
const canonicalDLBase = "https://id.gs1.org/"

// normaliseIdentifier returns the canonical form of an identifier value: a
// canonical Digital Link for EPC URNs and Digital Link URIs, the CBV Web URI
// for a CBV 1.x vocabulary URN, else s unchanged.
func normaliseIdentifier(s string) string {
	switch {
	case strings.HasPrefix(s, "urn:epc:"):
		if dl, ok := epcURNToDL(s); ok {
			return dl
		}
	case strings.HasPrefix(s, "urn:epcglobal:cbv:"):
		if u, ok := cbvURNToWebURI(s); ok {
			return u
		}
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		if dl, ok := canonicalDigitalLink(s); ok {
			return dl
		}
	}
	return s
}

// appendIdentifier appends normaliseIdentifier(s), without making a
// string of the Digital Link of an EPC URN or of another Digital Link.
func appendIdentifier(b []byte, s string) []byte {
	switch {
	case strings.HasPrefix(s, "urn:epc:"):
		if dl, ok := appendEPCURNToDL(b, s); ok {
			return dl
		}
		return append(b, s...)
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		if dl, ok := appendCanonicalDigitalLink(b, s); ok {
			return dl
		}
		return append(b, s...)
	}
	return append(b, normaliseIdentifier(s)...)
}

// gs1Key describes a GS1 primary key as an application identifier (AI).
type gs1Key struct {
	valid      func(string) bool
	pad14      bool     // a GTIN: left-pad to 14 digits
	qualifiers []string // finest first: the first one present is kept
	allowed    []string // every qualifier AI a Digital Link may carry
}

// primaryKeys are the GS1 keys a canonical Digital Link may start with, and
// which key qualifiers survive the "most fine-granular level" rule: 01 21,
// 01 235, 01 10, 414 254, 8006 21, 8006 10, 8010 8011.
var primaryKeys = map[string]gs1Key{
	"00":   {valid: digitsN(18)},
	"01":   {valid: gtinDigits, pad14: true, qualifiers: []string{"21", "235", "10"}, allowed: []string{"22", "10", "21", "235"}},
	"253":  {valid: digitsThenAlnum(13, 17)},
	"255":  {valid: digitsThenDigits(13, 12)},
	"401":  {valid: alnum(30)},
	"402":  {valid: digitsN(17)},
	"414":  {valid: digitsN(13), qualifiers: []string{"254"}, allowed: []string{"254", "7040"}},
	"417":  {valid: digitsN(13), allowed: []string{"7040"}},
	"8003": {valid: digitsThenAlnum(14, 16)},
	"8004": {valid: alnum(30), allowed: []string{"7040"}},
	"8006": {valid: digitsN(18), qualifiers: []string{"21", "10"}, allowed: []string{"22", "10", "21"}},
	"8010": {valid: alnum(30), qualifiers: []string{"8011"}, allowed: []string{"8011"}},
	"8017": {valid: digitsN(18), allowed: []string{"8019"}},
	"8018": {valid: digitsN(18), allowed: []string{"8019"}},
}

// dlAliases are the short names GS1 Digital Link 1.1 allowed in place of
// numeric AIs.
var dlAliases = map[string]string{
	"sscc": "00", "gtin": "01", "gdti": "253", "gcn": "255", "ginc": "401", "gsin": "402",
	"gln": "414", "party": "417", "grai": "8003", "giai": "8004", "itip": "8006", "cpid": "8010",
	"gsrnp": "8017", "gsrn": "8018", "cpv": "22", "lot": "10", "ser": "21", "tpx": "235",
	"glnx": "254", "cpsn": "8011", "srin": "8019",
}

// canonicalDigitalLink recognises a GS1 Digital Link URI on any domain and
// returns its constrained canonical form. The path may have any prefix; it
// must end with a primary key and zero or more of that key's qualifiers.
func canonicalDigitalLink(s string) (string, bool) {
	var buf [128]byte
	b, ok := appendCanonicalDigitalLink(buf[:0], s)
	if !ok {
		return "", false
	}
	return string(b), true
}

// appendCanonicalDigitalLink appends what canonicalDigitalLink returns to
// dst; dst unchanged and false if s is not a Digital Link.
func appendCanonicalDigitalLink(dst []byte, s string) ([]byte, bool) {
	path, ok := plainURLPath(s)
	if !ok {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.Opaque != "" {
			return dst, false
		}
		path = u.EscapedPath()
	}
	var buf [16]string
	segs := buf[:0]
	for seg := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		segs = append(segs, seg)
	}
	for i := range segs {
		if (len(segs)-i)%2 != 0 {
			continue
		}
		if b, ok := appendDigitalLinkFrom(dst, segs[i:]); ok {
			return b, true
		}
	}
	return dst, false
}

// plainURLPath returns the path of an http or https URL whose text needs
// none of url.Parse's care: a host of letters, digits, dots and hyphens (no
// port, no user), a path of letters, digits and - . _ ~ /, and maybe a query
// of those and = & (no fragment, no escapes). url.Parse would give the same
// host and path; anything else is left to it.
func plainURLPath(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return "", false
		}
	}
	rest, query, hasQuery := strings.Cut(rest, "?")
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	if host == "" {
		return "", false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !isAlnum(c) && c != '.' && c != '-' {
			return "", false
		}
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; !isAlnum(c) && c != '-' && c != '.' && c != '_' && c != '~' && c != '/' {
			return "", false
		}
	}
	if hasQuery {
		for i := 0; i < len(query); i++ {
			if c := query[i]; !isAlnum(c) && c != '-' && c != '.' && c != '_' && c != '~' && c != '=' && c != '&' {
				return "", false
			}
		}
	}
	return path, true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// appendDigitalLinkFrom reads segs as AI/value pairs starting with a
// primary key and appends the canonical Digital Link to dst.
func appendDigitalLinkFrom(dst []byte, segs []string) ([]byte, bool) {
	ai := dlAI(segs[0])
	key, ok := primaryKeys[ai]
	if !ok {
		return dst, false
	}
	value, err := url.PathUnescape(segs[1])
	if err != nil || !key.valid(value) {
		return dst, false
	}
	type qualifier struct{ ai, value string }
	var qbuf [4]qualifier
	quals := qbuf[:0]
	for j := 2; j < len(segs); j += 2 {
		q := dlAI(segs[j])
		if !contains(key.allowed, q) {
			return dst, false
		}
		for _, x := range quals {
			if x.ai == q {
				return dst, false
			}
		}
		v, err := url.PathUnescape(segs[j+1])
		if err != nil || v == "" {
			return dst, false
		}
		quals = append(quals, qualifier{q, v})
	}
	b := append(dst, canonicalDLBase...)
	b = append(b, ai...)
	b = append(b, '/')
	if key.pad14 {
		for range 14 - len(value) {
			b = append(b, '0')
		}
	}
	b = appendDLEscape(b, value)
	for _, q := range key.qualifiers {
		for _, x := range quals {
			if x.ai == q {
				b = append(b, '/')
				b = append(b, q...)
				b = append(b, '/')
				return appendDLEscape(b, x.value), true
			}
		}
	}
	return b, true
}

func dlAI(seg string) string {
	if ai, ok := dlAliases[seg]; ok {
		return ai
	}
	return seg
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// appendDLEscape appends s percent-encoded as a Digital Link path value:
// everything except letters, digits and - . _ ~ ' is written as %XX with
// upper-case hex.
func appendDLEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDLSafe(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}

func isDLSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '\''
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func digitsN(n int) func(string) bool {
	return func(s string) bool { return len(s) == n && isDigits(s) }
}

func gtinDigits(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
		return isDigits(s)
	}
	return false
}

func digitsThenAlnum(n, max int) func(string) bool {
	return func(s string) bool { return len(s) >= n && len(s) <= n+max && isDigits(s[:n]) }
}

func digitsThenDigits(n, max int) func(string) bool {
	return func(s string) bool { return len(s) >= n && len(s) <= n+max && isDigits(s) }
}

func alnum(max int) func(string) bool {
	return func(s string) bool { return len(s) >= 1 && len(s) <= max }
}

// checkDigit returns the GS1 modulo-10 check digit of digits.
func checkDigit(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// epcURNToDL converts an EPC pure-identity URN (urn:epc:id:…), an EPC class
// URN (urn:epc:class:lgtin:…) or a GTIN-level pattern
// (urn:epc:idpat:sgtin:CP.IR.*) to a canonical Digital Link URI.
func epcURNToDL(s string) (string, bool) {
	var buf [128]byte
	b, ok := appendEPCURNToDL(buf[:0], s)
	if !ok {
		return "", false
	}
	return string(b), true
}

// appendEPCURNToDL appends what epcURNToDL returns to dst; dst unchanged
// and false if s cannot be converted.
func appendEPCURNToDL(dst []byte, s string) ([]byte, bool) {
	rest := strings.TrimPrefix(s, "urn:epc:")
	kind, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return dst, false
	}
	scheme, body, ok := strings.Cut(rest, ":")
	if !ok {
		return dst, false
	}
	// No scheme has more than five components.
	var buf [5]string
	n := 0
	for {
		if n == len(buf) {
			return dst, false
		}
		part, more, found := strings.Cut(body, ".")
		dec, ok := urnUnescape(part)
		if !ok {
			return dst, false
		}
		buf[n] = dec
		n++
		if !found {
			break
		}
		body = more
	}
	parts := buf[:n]
	b := append(dst, canonicalDLBase...)
	switch kind {
	case "id":
		b, ok = appendEPCIDToDL(b, scheme, parts)
	case "class":
		if ok = scheme == "lgtin" && len(parts) == 3 && parts[2] != ""; ok {
			b = append(b, "01/"...)
			if b, ok = appendGTIN(b, parts[0], parts[1]); ok {
				b = append(b, "/10/"...)
				b = appendDLEscape(b, parts[2])
			}
		}
	case "idpat":
		if ok = scheme == "sgtin" && len(parts) == 3 && parts[2] == "*"; ok {
			b = append(b, "01/"...)
			b, ok = appendGTIN(b, parts[0], parts[1])
		}
	default:
		ok = false
	}
	if !ok {
		return dst, false
	}
	return b, true
}

// appendEPCIDToDL appends to b (the canonical Digital Link base) the path of
// an EPC pure identity of scheme with components p.
func appendEPCIDToDL(b []byte, scheme string, p []string) ([]byte, bool) {
	ok := true
	switch scheme {
	case "sgtin", "upui":
		if len(p) != 3 || p[2] == "" {
			return b, false
		}
		b = append(b, "01/"...)
		if b, ok = appendGTIN(b, p[0], p[1]); !ok {
			return b, false
		}
		if scheme == "upui" {
			b = append(b, "/235/"...)
		} else {
			b = append(b, "/21/"...)
		}
		return appendDLEscape(b, p[2]), true
	case "sscc":
		if len(p) != 2 || !companyPrefix(p[0]) || !isDigits(p[1]) || len(p[0])+len(p[1]) != 17 {
			return b, false
		}
		b = append(b, "00/"...)
		at := len(b)
		b = append(b, p[1][:1]...)
		b = append(b, p[0]...)
		b = append(b, p[1][1:]...)
		return append(b, checkDigit(string(b[at:]))), true
	case "sgln":
		if len(p) != 3 || p[2] == "" {
			return b, false
		}
		b = append(b, "414/"...)
		if b, ok = appendKey13(b, p[0], p[1]); !ok {
			return b, false
		}
		if p[2] != "0" {
			b = append(b, "/254/"...)
			b = appendDLEscape(b, p[2])
		}
		return b, true
	case "pgln":
		if len(p) != 2 {
			return b, false
		}
		b = append(b, "417/"...)
		return appendKey13(b, p[0], p[1])
	case "grai":
		if len(p) != 3 || p[2] == "" {
			return b, false
		}
		b = append(b, "8003/0"...)
		if b, ok = appendKey13(b, p[0], p[1]); !ok {
			return b, false
		}
		return appendDLEscape(b, p[2]), true
	case "giai":
		if len(p) != 2 || !companyPrefix(p[0]) || p[1] == "" {
			return b, false
		}
		b = append(b, "8004/"...)
		b = append(b, p[0]...)
		return appendDLEscape(b, p[1]), true
	case "gsrn", "gsrnp":
		if len(p) != 2 || !companyPrefix(p[0]) || !isDigits(p[1]) || len(p[0])+len(p[1]) != 17 {
			return b, false
		}
		if scheme == "gsrnp" {
			b = append(b, "8017/"...)
		} else {
			b = append(b, "8018/"...)
		}
		at := len(b)
		b = append(b, p[0]...)
		b = append(b, p[1]...)
		return append(b, checkDigit(string(b[at:]))), true
	case "gdti", "sgcn":
		if len(p) != 3 {
			return b, false
		}
		if scheme == "sgcn" {
			if !isDigits(p[2]) {
				return b, false
			}
			b = append(b, "255/"...)
		} else {
			b = append(b, "253/"...)
		}
		if b, ok = appendKey13(b, p[0], p[1]); !ok {
			return b, false
		}
		return appendDLEscape(b, p[2]), true
	case "cpi":
		if len(p) != 3 || !companyPrefix(p[0]) || p[1] == "" || p[2] == "" {
			return b, false
		}
		b = append(b, "8010/"...)
		b = appendDLEscape(b, p[0])
		b = appendDLEscape(b, p[1])
		b = append(b, "/8011/"...)
		return appendDLEscape(b, p[2]), true
	case "ginc":
		if len(p) != 2 || !companyPrefix(p[0]) || p[1] == "" {
			return b, false
		}
		b = append(b, "401/"...)
		b = appendDLEscape(b, p[0])
		return appendDLEscape(b, p[1]), true
	case "gsin":
		if len(p) != 2 || !companyPrefix(p[0]) || !isDigits(p[1]) || len(p[0])+len(p[1]) != 16 {
			return b, false
		}
		b = append(b, "402/"...)
		at := len(b)
		b = append(b, p[0]...)
		b = append(b, p[1]...)
		return append(b, checkDigit(string(b[at:]))), true
	case "itip":
		if len(p) != 5 || p[4] == "" || len(p[2]) != 2 || len(p[3]) != 2 || !isDigits(p[2]+p[3]) {
			return b, false
		}
		b = append(b, "8006/"...)
		if b, ok = appendGTIN(b, p[0], p[1]); !ok {
			return b, false
		}
		b = append(b, p[2]...)
		b = append(b, p[3]...)
		b = append(b, "/21/"...)
		return appendDLEscape(b, p[4]), true
	}
	return b, false
}

// companyPrefix reports whether s can be a GS1 Company Prefix in an EPC URN.
func companyPrefix(s string) bool { return len(s) >= 6 && len(s) <= 12 && isDigits(s) }

// appendGTIN appends a GTIN-14 built from an EPC company prefix and item
// reference (whose first digit is the indicator digit).
func appendGTIN(b []byte, cp, ir string) ([]byte, bool) {
	if !companyPrefix(cp) || !isDigits(ir) || len(cp)+len(ir) != 13 {
		return b, false
	}
	at := len(b)
	b = append(b, ir[:1]...)
	b = append(b, cp...)
	b = append(b, ir[1:]...)
	return append(b, checkDigit(string(b[at:]))), true
}

// appendKey13 appends a 13-digit GS1 key (GLN, GRAI, GDTI, GCN without
// serial) built from a company prefix and a reference that add up to 12
// digits.
func appendKey13(b []byte, cp, ref string) ([]byte, bool) {
	if !companyPrefix(cp) || !isDigits(ref) || len(cp)+len(ref) != 12 {
		return b, false
	}
	at := len(b)
	b = append(b, cp...)
	b = append(b, ref...)
	return append(b, checkDigit(string(b[at:]))), true
}

// urnUnescape decodes the %XX escapes of an EPC URN component.
func urnUnescape(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
		i += 2
	}
	return b.String(), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
