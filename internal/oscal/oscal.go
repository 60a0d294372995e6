// Package oscal writes requirement catalogs and compliance assessments as
// NIST OSCAL 1.1.2 JSON (catalog, assessment-results, plan-of-action-and-
// milestones) and reads OSCAL catalogs into requirement libraries. It is
// pure: no database, no network.
package oscal

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

// Version is the OSCAL version written.
const Version = "1.1.2"

// NS is the namespace of Bulkhead's own props and parts.
const NS = "https://bulkhead-sms.org/ns/oscal"

// UUID returns a name-based UUID (version 5 layout, SHA-256) for the
// parts, so that exporting the same record twice gives the same UUIDs.
func UUID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

type prop struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	NS    string `json:"ns,omitempty"`
}

type part struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Title string `json:"title,omitempty"`
	Prose string `json:"prose,omitempty"`
	Parts []part `json:"parts,omitempty"`
}

type metadata struct {
	Title        string `json:"title"`
	LastModified string `json:"last-modified"`
	Version      string `json:"version"`
	OSCALVersion string `json:"oscal-version"`
	Remarks      string `json:"remarks,omitempty"`
}

func meta(title, version, remarks string, now time.Time) metadata {
	return metadata{Title: title, LastModified: now.UTC().Format(time.RFC3339), Version: version, OSCALVersion: Version, Remarks: remarks}
}

type control struct {
	ID       string    `json:"id"`
	Class    string    `json:"class,omitempty"`
	Title    string    `json:"title"`
	Props    []prop    `json:"props,omitempty"`
	Parts    []part    `json:"parts,omitempty"`
	Controls []control `json:"controls,omitempty"`
}

type group struct {
	ID       string    `json:"id,omitempty"`
	Title    string    `json:"title"`
	Props    []prop    `json:"props,omitempty"`
	Parts    []part    `json:"parts,omitempty"`
	Groups   []group   `json:"groups,omitempty"`
	Controls []control `json:"controls,omitempty"`
}

type catalogDoc struct {
	Catalog struct {
		UUID     string    `json:"uuid"`
		Metadata metadata  `json:"metadata"`
		Groups   []group   `json:"groups,omitempty"`
		Controls []control `json:"controls,omitempty"`
	} `json:"catalog"`
}

// ControlIDs gives each requirement node of a framework an OSCAL token:
// "req-" and the ref ID (or the URN's last part), with characters a token
// cannot hold replaced by "_", made unique with a suffix.
func ControlIDs(fw *catalog.Framework) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	for _, n := range fw.RequirementNodes {
		base := n.RefID
		if base == "" {
			base = n.URN[strings.LastIndex(n.URN, ":")+1:]
		}
		var b strings.Builder
		b.WriteString("req-")
		for _, r := range base {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		id := b.String()
		for k := 2; used[id]; k++ {
			id = fmt.Sprintf("%s-%d", b.String(), k)
		}
		used[id] = true
		out[n.URN] = id
	}
	return out
}

func nodeTitle(n *catalog.RequirementNode) string {
	switch {
	case n.Name != "":
		return n.Name
	case n.RefID != "":
		return n.RefID
	}
	return n.URN
}

// Catalog writes the framework of lib as an OSCAL catalog: top-level
// headings become groups, assessable requirements controls; ref IDs,
// provenance, importance and implementation groups are props; summaries,
// guidance and typical evidence are parts.
func Catalog(lib *catalog.Library, now time.Time) ([]byte, error) {
	fw := lib.Objects.Framework
	if fw == nil {
		return nil, fmt.Errorf("oscal: library %s has no framework", lib.URN)
	}
	ids := ControlIDs(fw)
	children := map[string][]*catalog.RequirementNode{}
	var roots []*catalog.RequirementNode
	for i := range fw.RequirementNodes {
		n := &fw.RequirementNodes[i]
		if n.ParentURN == "" {
			roots = append(roots, n)
		} else {
			children[n.ParentURN] = append(children[n.ParentURN], n)
		}
	}
	var doc catalogDoc
	doc.Catalog.UUID = UUID("catalog", lib.URN, fmt.Sprint(lib.Version))
	remarks := lib.Description
	if lib.Copyright != "" {
		remarks += "\n\n" + lib.Copyright
	}
	doc.Catalog.Metadata = meta(fw.Name, fmt.Sprint(lib.Version), remarks, now)
	var toControl func(n *catalog.RequirementNode, depth int) control
	toControl = func(n *catalog.RequirementNode, depth int) control {
		c := control{ID: ids[n.URN], Title: nodeTitle(n), Props: nodeProps(n), Parts: nodeParts(n, ids[n.URN])}
		if !n.Assessable {
			c.Class = "heading"
		}
		if depth < 32 {
			for _, k := range children[n.URN] {
				c.Controls = append(c.Controls, toControl(k, depth+1))
			}
		}
		return c
	}
	var toGroup func(n *catalog.RequirementNode, depth int) group
	toGroup = func(n *catalog.RequirementNode, depth int) group {
		g := group{ID: ids[n.URN], Title: nodeTitle(n), Props: nodeProps(n), Parts: nodeParts(n, ids[n.URN])}
		for _, k := range children[n.URN] {
			if !k.Assessable && len(children[k.URN]) > 0 && depth < 32 {
				g.Groups = append(g.Groups, toGroup(k, depth+1))
			} else {
				g.Controls = append(g.Controls, toControl(k, depth+1))
			}
		}
		return g
	}
	for _, n := range roots {
		if n.Assessable || len(children[n.URN]) == 0 {
			doc.Catalog.Controls = append(doc.Catalog.Controls, toControl(n, 0))
		} else {
			doc.Catalog.Groups = append(doc.Catalog.Groups, toGroup(n, 0))
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func nodeProps(n *catalog.RequirementNode) []prop {
	var ps []prop
	if n.RefID != "" {
		ps = append(ps, prop{Name: "label", Value: n.RefID})
	}
	if n.Provenance != "" {
		ps = append(ps, prop{Name: "provenance", Value: string(n.Provenance), NS: NS})
	}
	if n.Importance != "" {
		ps = append(ps, prop{Name: "importance", Value: string(n.Importance), NS: NS})
	}
	for _, g := range n.ImplementationGroups {
		ps = append(ps, prop{Name: "implementation-group", Value: g, NS: NS})
	}
	ps = append(ps, prop{Name: "urn", Value: n.URN, NS: NS})
	return ps
}

func nodeParts(n *catalog.RequirementNode, id string) []part {
	var ps []part
	if n.Description != "" {
		ps = append(ps, part{ID: id + "_smt", Name: "statement", Prose: n.Description})
	}
	if n.Annotation != "" {
		ps = append(ps, part{ID: id + "_gdn", Name: "guidance", Prose: n.Annotation})
	}
	if n.TypicalEvidence != "" {
		ps = append(ps, part{ID: id + "_evd", Name: "typical-evidence", NS: NS, Prose: n.TypicalEvidence})
	}
	return ps
}
