package oscal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

type inPart struct {
	Name  string   `json:"name"`
	Prose string   `json:"prose"`
	Parts []inPart `json:"parts"`
}

type inProp struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type inControl struct {
	ID       string      `json:"id"`
	Title    string      `json:"title"`
	Class    string      `json:"class"`
	Props    []inProp    `json:"props"`
	Parts    []inPart    `json:"parts"`
	Controls []inControl `json:"controls"`
	Groups   []inControl `json:"groups"` // groups share the shape that matters here
}

type inCatalog struct {
	Catalog *struct {
		UUID     string `json:"uuid"`
		Metadata struct {
			Title   string `json:"title"`
			Version string `json:"version"`
			Remarks string `json:"remarks"`
		} `json:"metadata"`
		Groups   []inControl `json:"groups"`
		Controls []inControl `json:"controls"`
	} `json:"catalog"`
}

// ReadCatalog converts an OSCAL catalog (JSON) into a requirement library
// with packager "oscal": groups become headings, controls assessable
// requirements, labels ref IDs, statement prose the description and
// guidance prose the annotation. The library version is the catalog's
// version when it is a positive whole number, else 1. The result is
// validated; problems name the control.
func ReadCatalog(data []byte) (*catalog.Library, error) {
	var doc inCatalog
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not an OSCAL catalog: %w", err)
	}
	if doc.Catalog == nil || doc.Catalog.UUID == "" {
		return nil, fmt.Errorf("not an OSCAL catalog: no catalog object with a uuid")
	}
	c := doc.Catalog
	key := "oscal-" + strings.ToLower(c.UUID)
	version := 1
	if v, err := strconv.Atoi(strings.TrimSpace(c.Metadata.Version)); err == nil && v > 0 {
		version = v
	}
	lib := &catalog.Library{URN: "urn:oscal:risk:library:" + key, Locale: "en", RefID: key, Name: c.Metadata.Title, Description: c.Metadata.Remarks,
		Version: version, Provider: "OSCAL catalog", Packager: "oscal"}
	if lib.Description == "" {
		lib.Description = "Imported from an OSCAL catalog."
	}
	fw := &catalog.Framework{URN: "urn:oscal:risk:framework:" + key, RefID: key, Name: c.Metadata.Title}
	lib.Objects.Framework = fw
	var walk func(xs []inControl, parent string, depth int, assessable bool) error
	walk = func(xs []inControl, parent string, depth int, assessable bool) error {
		if depth > 32 {
			return fmt.Errorf("catalog nested deeper than 32 levels")
		}
		for i, x := range xs {
			id := x.ID
			if id == "" {
				id = fmt.Sprintf("%s-g%d", strings.TrimPrefix(parent, "urn:oscal:risk:req_node:"+key+":"), i+1)
			}
			n := catalog.RequirementNode{URN: "urn:oscal:risk:req_node:" + key + ":" + id, ParentURN: parent, Depth: depth, Name: x.Title,
				Assessable: assessable && x.Class != "heading", RefID: id}
			for _, p := range x.Props {
				if p.Name == "label" && p.Value != "" {
					n.RefID = p.Value
				}
			}
			var stmt, guide []string
			for _, p := range x.Parts {
				switch p.Name {
				case "statement", "overview":
					stmt = append(stmt, prose(p))
				case "guidance":
					guide = append(guide, prose(p))
				}
			}
			n.Description = strings.TrimSpace(strings.Join(stmt, "\n\n"))
			n.Annotation = strings.TrimSpace(strings.Join(guide, "\n\n"))
			fw.RequirementNodes = append(fw.RequirementNodes, n)
			if err := walk(x.Groups, n.URN, depth+1, false); err != nil {
				return err
			}
			if err := walk(x.Controls, n.URN, depth+1, true); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(c.Groups, "", 1, false); err != nil {
		return nil, err
	}
	if err := walk(c.Controls, "", 1, true); err != nil {
		return nil, err
	}
	// Ref IDs must be unique; labels may repeat across groups, IDs cannot.
	seen := map[string]bool{}
	for i := range fw.RequirementNodes {
		n := &fw.RequirementNodes[i]
		if seen[n.RefID] {
			n.RefID = n.URN[strings.LastIndex(n.URN, ":")+1:]
		}
		seen[n.RefID] = true
	}
	if err := lib.Validate(); err != nil {
		return nil, err
	}
	return lib, nil
}

func prose(p inPart) string {
	out := p.Prose
	for _, k := range p.Parts {
		if s := prose(k); s != "" {
			if out != "" {
				out += "\n\n"
			}
			out += s
		}
	}
	return out
}
