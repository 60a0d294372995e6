package web

import (
	"fmt"
	"html"
	"strings"
)

// node is an element or text of a parsed page. The parser below is strict on
// purpose: our templates close every element they open, so an unclosed or
// mis-nested tag is a template bug.
type node struct {
	tag      string // "" for text
	attrs    map[string]string
	order    []string // attribute names in document order
	text     string
	parent   *node
	children []*node
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// blockElements may not sit inside a <p>.
var blockElements = map[string]bool{"div": true, "p": true, "ul": true, "ol": true, "dl": true, "table": true, "form": true,
	"section": true, "header": true, "footer": true, "nav": true, "h1": true, "h2": true, "h3": true, "h4": true, "aside": true, "main": true}

// rawElements hold text up to their end tag.
var rawElements = map[string]bool{"script": true, "style": true, "textarea": true, "title": true}

// parseHTML parses a page into a tree rooted at a document node.
func parseHTML(src string) (*node, error) {
	doc := &node{tag: "#document"}
	cur := doc
	i := 0
	line := func() int { return strings.Count(src[:i], "\n") + 1 }
	for i < len(src) {
		if src[i] != '<' {
			j := strings.IndexByte(src[i:], '<')
			if j < 0 {
				j = len(src) - i
			}
			cur.children = append(cur.children, &node{text: html.UnescapeString(src[i : i+j]), parent: cur})
			i += j
			continue
		}
		switch {
		case strings.HasPrefix(src[i:], "<!--"):
			j := strings.Index(src[i:], "-->")
			if j < 0 {
				return nil, fmt.Errorf("line %d: unclosed comment", line())
			}
			i += j + 3
		case strings.HasPrefix(src[i:], "<!"):
			j := strings.IndexByte(src[i:], '>')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unclosed doctype", line())
			}
			i += j + 1
		case strings.HasPrefix(src[i:], "</"):
			j := strings.IndexByte(src[i:], '>')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unclosed end tag", line())
			}
			name := strings.ToLower(strings.TrimSpace(src[i+2 : i+j]))
			if cur.tag != name {
				return nil, fmt.Errorf("line %d: </%s> closes <%s>", line(), name, cur.tag)
			}
			cur = cur.parent
			i += j + 1
		default:
			n, end, err := parseStartTag(src, i)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line(), err)
			}
			i = end
			n.parent = cur
			cur.children = append(cur.children, n)
			switch {
			case voidElements[n.tag]:
			case rawElements[n.tag]:
				closing := "</" + n.tag + ">"
				j := strings.Index(strings.ToLower(src[i:]), closing)
				if j < 0 {
					return nil, fmt.Errorf("line %d: <%s> not closed", line(), n.tag)
				}
				n.children = append(n.children, &node{text: html.UnescapeString(src[i : i+j]), parent: n})
				i += j + len(closing)
			default:
				cur = n
			}
		}
	}
	if cur != doc {
		return nil, fmt.Errorf("<%s> not closed at end of document", cur.tag)
	}
	return doc, nil
}

// parseStartTag reads "<tag attr=…>" at src[i:].
func parseStartTag(src string, i int) (*node, int, error) {
	i++ // <
	start := i
	for i < len(src) && (isAlnum(src[i]) || src[i] == '-') {
		i++
	}
	n := &node{tag: strings.ToLower(src[start:i]), attrs: map[string]string{}}
	if n.tag == "" {
		return nil, 0, fmt.Errorf("stray '<'")
	}
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return nil, 0, fmt.Errorf("<%s> not terminated", n.tag)
		}
		if src[i] == '>' {
			return n, i + 1, nil
		}
		if src[i] == '/' && i+1 < len(src) && src[i+1] == '>' {
			return n, i + 2, nil
		}
		as := i
		for i < len(src) && !isSpace(src[i]) && src[i] != '=' && src[i] != '>' {
			i++
		}
		name := strings.ToLower(src[as:i])
		val := ""
		if i < len(src) && src[i] == '=' {
			i++
			if i >= len(src) {
				return nil, 0, fmt.Errorf("attribute %s unterminated", name)
			}
			if q := src[i]; q == '"' || q == '\'' {
				j := strings.IndexByte(src[i+1:], q)
				if j < 0 {
					return nil, 0, fmt.Errorf("attribute %s: unclosed quote", name)
				}
				val = src[i+1 : i+1+j]
				i += j + 2
			} else {
				vs := i
				for i < len(src) && !isSpace(src[i]) && src[i] != '>' {
					i++
				}
				val = src[vs:i]
			}
		}
		if _, dup := n.attrs[name]; dup {
			return nil, 0, fmt.Errorf("<%s> repeats attribute %s", n.tag, name)
		}
		n.attrs[name] = html.UnescapeString(val)
		n.order = append(n.order, name)
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

// walk calls fn for n and every node below it, depth first.
func (n *node) walk(fn func(*node)) {
	fn(n)
	for _, c := range n.children {
		c.walk(fn)
	}
}

// find returns every element below n for which match is true.
func (n *node) find(match func(*node) bool) []*node {
	var out []*node
	n.walk(func(x *node) {
		if x.tag != "" && match(x) {
			out = append(out, x)
		}
	})
	return out
}

// byID returns the element with the given id, or nil.
func (n *node) byID(id string) *node {
	for _, x := range n.find(func(x *node) bool { return x.attrs["id"] == id }) {
		return x
	}
	return nil
}

// tags returns every element with a tag name.
func (n *node) tags(tag string) []*node {
	return n.find(func(x *node) bool { return x.tag == tag })
}

// textContent returns the text below n with runs of space collapsed.
func (n *node) textContent() string {
	var b strings.Builder
	n.walk(func(x *node) {
		if x.tag == "" {
			b.WriteString(x.text)
			b.WriteByte(' ')
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// closest returns the nearest ancestor (or n itself) matching.
func (n *node) closest(match func(*node) bool) *node {
	for x := n; x != nil; x = x.parent {
		if x.tag != "" && match(x) {
			return x
		}
	}
	return nil
}

// hasClass reports whether the element has a class.
func (n *node) hasClass(c string) bool {
	for _, x := range strings.Fields(n.attrs["class"]) {
		if x == c {
			return true
		}
	}
	return false
}

// checkPage applies the rules every page must follow: strict CSP (no inline
// script or style, no event handlers), unique ids, a language, one h1, a
// label for every control, and references to existing ids.
func checkPage(doc *node) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	htmls := doc.tags("html")
	if len(htmls) != 1 || htmls[0].attrs["lang"] == "" {
		add("<html lang> missing")
	}
	if text := doc.textContent(); strings.Contains(text, "%!") {
		add("a message was formatted with the wrong arguments: %q", text[strings.Index(text, "%!"):min(len(text), strings.Index(text, "%!")+40)])
	}
	if n := len(doc.tags("h1")); n != 1 {
		add("%d <h1> elements, want 1", n)
	}
	ids := map[string]bool{}
	labels := map[string]bool{}
	doc.walk(func(x *node) {
		if x.tag == "" {
			return
		}
		for _, a := range x.order {
			if a == "style" || strings.HasPrefix(a, "on") {
				add("<%s> has inline %s attribute", x.tag, a)
			}
		}
		if id, ok := x.attrs["id"]; ok {
			if ids[id] {
				add("duplicate id %q", id)
			}
			ids[id] = true
		}
		if x.tag == "label" && x.attrs["for"] != "" {
			labels[x.attrs["for"]] = true
		}
		if x.tag == "style" {
			add("inline <style> element")
		}
		if x.tag == "script" && (x.attrs["src"] == "" || strings.TrimSpace(x.textContent()) != "") {
			add("inline <script>")
		}
		if x.tag == "p" {
			// A browser closes a <p> at the first block element.
			for _, b := range x.find(func(y *node) bool { return blockElements[y.tag] && y != x }) {
				add("<p> contains block element <%s>", b.tag)
			}
		}
		if href := x.attrs["href"]; strings.HasPrefix(strings.ToLower(href), "javascript:") {
			add("javascript: link")
		}
	})
	doc.walk(func(x *node) {
		switch x.tag {
		case "input", "select", "textarea":
			if t := x.attrs["type"]; t == "hidden" || t == "submit" || t == "button" {
				return
			}
			if !labels[x.attrs["id"]] && x.attrs["aria-label"] == "" {
				add("<%s name=%q> has no label", x.tag, x.attrs["name"])
			}
		}
		for _, attr := range []string{"aria-describedby", "aria-labelledby", "aria-controls", "for", "list"} {
			for _, id := range strings.Fields(x.attrs[attr]) {
				if !ids[id] {
					add("<%s %s=%q> refers to a missing id", x.tag, attr, id)
				}
			}
		}
		if x.tag == "form" && strings.EqualFold(x.attrs["method"], "post") {
			tok := x.find(func(y *node) bool { return y.tag == "input" && y.attrs["name"] == csrfField && y.attrs["value"] != "" })
			if len(tok) != 1 {
				add("POST form %q carries no CSRF token", x.attrs["action"])
			}
		}
	})
	return problems
}
