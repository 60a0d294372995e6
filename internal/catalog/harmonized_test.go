package catalog

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// hsFrameworks are the shipped harmonized-structure frameworks by fact-table key.
var hsFrameworks = map[string]string{
	"iso9001-2015":  "urn:bulkhead:risk:framework:iso9001-2015-hs",
	"iso14001-2015": "urn:bulkhead:risk:framework:iso14001-2015-hs",
	"iso45001-2018": "urn:bulkhead:risk:framework:iso45001-2018-hs",
	"iso27001-2022": "urn:bulkhead:risk:framework:iso27001-2022-hs",
	"iso22301-2019": "urn:bulkhead:risk:framework:iso22301-2019-hs",
}

type hsFact struct {
	title, parent, hs string
	asksMore          bool // the clause covers more than the harmonized purpose
}

// hsFacts reads the harmonized-structure fact table: standard → clause → row.
func hsFacts(t *testing.T) map[string]map[string]hsFact {
	t.Helper()
	f, err := os.Open("gen/facts/harmonized-structure.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "standard,clause_id,title,parent_id,hs_clause,also_covers,note" {
		t.Fatalf("CSV header = %q", got)
	}
	out := map[string]map[string]hsFact{}
	for _, r := range rows[1:] {
		if out[r[0]] == nil {
			out[r[0]] = map[string]hsFact{}
		}
		out[r[0]][r[1]] = hsFact{r[2], r[3], r[4], r[5] != ""}
	}
	return out
}

// TestHarmonizedFrameworks checks each shipped harmonized-structure
// framework against the fact table: the same clauses, titles and parents
// and nothing else, provenance harmonized-structure on every node, leaves
// assessable, and a description that says what the framework is not.
func TestHarmonizedFrameworks(t *testing.T) {
	libs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	byFW := map[string]*Library{}
	for _, l := range libs {
		if l.Objects.Framework != nil {
			byFW[l.Objects.Framework.URN] = l
		}
	}
	facts := hsFacts(t)
	if len(facts) != len(hsFrameworks) {
		t.Fatalf("fact table has %d standards", len(facts))
	}
	for key, urn := range hsFrameworks {
		l := byFW[urn]
		if l == nil {
			t.Errorf("%s: framework %s not shipped", key, urn)
			continue
		}
		fw := l.Objects.Framework
		for _, want := range []string{"Only the clauses", "harmonized structure", "integrated management system", "left out"} {
			if !strings.Contains(l.Description, want) {
				t.Errorf("%s: description lacks %q", key, want)
			}
		}
		rows := facts[key]
		if len(fw.RequirementNodes) != len(rows) {
			t.Errorf("%s: %d nodes, fact table %d", key, len(fw.RequirementNodes), len(rows))
		}
		prefix := "urn:bulkhead:risk:req_node:" + key + "-hs:"
		parents := map[string]bool{}
		for _, n := range fw.RequirementNodes {
			parents[n.ParentURN] = true
		}
		for _, n := range fw.RequirementNodes {
			r, ok := rows[n.RefID]
			if !ok {
				t.Errorf("%s %s: not in the fact table", key, n.RefID)
				continue
			}
			if n.URN != prefix+n.RefID || n.Name != r.title {
				t.Errorf("%s %s: URN %s, name %q; fact table %q", key, n.RefID, n.URN, n.Name, r.title)
			}
			if (r.parent == "") != (n.ParentURN == "") || (r.parent != "" && n.ParentURN != prefix+r.parent) {
				t.Errorf("%s %s: parent %q, fact table %q", key, n.RefID, n.ParentURN, r.parent)
			}
			if n.Provenance != ProvenanceHarmonized {
				t.Errorf("%s %s: provenance %q", key, n.RefID, n.Provenance)
			}
			if want := n.ParentURN != "" && !parents[n.URN]; n.Assessable != want {
				t.Errorf("%s %s: assessable %v, want %v", key, n.RefID, n.Assessable, want)
			}
			if n.Description == "" || (n.Assessable && n.TypicalEvidence == "") {
				t.Errorf("%s %s: summary or evidence missing", key, n.RefID)
			}
		}
	}
	// Edition-specific numbering that the frameworks must keep.
	for _, c := range []struct{ key, ref, title string }{
		{"iso9001-2015", "10.3", "Continual improvement"},
		{"iso14001-2015", "10.2", "Nonconformity and corrective action"},
		{"iso45001-2018", "10.2", "Incident, nonconformity and corrective action"},
		{"iso27001-2022", "10.1", "Continual improvement"},
		{"iso22301-2019", "10.1", "Nonconformity and corrective action"},
		{"iso22301-2019", "10.2", "Continual improvement"},
	} {
		if got := facts[c.key][c.ref].title; got != c.title {
			t.Errorf("%s %s = %q, want %q", c.key, c.ref, got, c.title)
		}
	}
	for _, key := range []string{"iso14001-2015", "iso45001-2018"} {
		if _, ok := facts[key]["6.3"]; ok {
			t.Errorf("%s has no clause 6.3 (planning of changes)", key)
		}
	}
}

// TestHarmonizedMappings checks the five mapping sets ISO 28000:2022 →
// harmonized-structure framework: every mapping joins clauses with the same
// harmonized purpose (equal) or a part of it (subset), and clause 10 is
// matched by purpose where the editions number it differently.
func TestHarmonizedMappings(t *testing.T) {
	libs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	facts := hsFacts(t)
	const iso = "urn:bulkhead:risk:req_node:iso28000-2022:"
	got := map[string]map[string]string{} // standard → ISO 28000 ref → target ref
	for _, l := range libs {
		for _, s := range l.Objects.RequirementMappingSets {
			var key string
			for k, urn := range hsFrameworks {
				if s.TargetFrameworkURN == urn {
					key = k
				}
			}
			if key == "" {
				continue
			}
			if s.SourceFrameworkURN != "urn:bulkhead:risk:framework:iso28000-2022" {
				t.Errorf("%s: source %s", s.URN, s.SourceFrameworkURN)
			}
			got[key] = map[string]string{}
			prefix := "urn:bulkhead:risk:req_node:" + key + "-hs:"
			for _, m := range s.RequirementMappings {
				src := strings.TrimPrefix(m.SourceRequirementURN, iso)
				dst := strings.TrimPrefix(m.TargetRequirementURN, prefix)
				hs := facts[key][dst].hs
				got[key][src] = dst
				switch m.Relationship {
				case RelationshipEqual:
					if hs != src || facts[key][dst].asksMore {
						t.Errorf("%s: %s equal to %s (harmonized %s, asks more: %v)", key, src, dst, hs, facts[key][dst].asksMore)
					}
				case RelationshipSubset:
					// ISO 28000 splits the harmonized clause, or the other
					// edition's clause asks for more.
					if !strings.HasPrefix(src, hs+".") && !(hs == src && facts[key][dst].asksMore) {
						t.Errorf("%s: %s subset of %s (harmonized %s)", key, src, dst, hs)
					}
				default:
					t.Errorf("%s: %s → %s: relationship %s", key, src, dst, m.Relationship)
				}
				if m.StrengthOfRelationship == nil || m.Rationale == "" {
					t.Errorf("%s: %s → %s: strength or rationale missing", key, src, dst)
				}
			}
		}
	}
	if len(got) != len(hsFrameworks) {
		t.Fatalf("%d harmonized mapping sets, want %d", len(got), len(hsFrameworks))
	}
	for _, c := range []struct{ key, src, dst string }{
		{"iso9001-2015", "10.1", "10.3"}, {"iso9001-2015", "10.2", "10.2"}, {"iso9001-2015", "9.2.1", "9.2"},
		{"iso14001-2015", "10.1", "10.3"}, {"iso45001-2018", "10.2", "10.2"},
		{"iso27001-2022", "10.1", "10.1"}, {"iso27001-2022", "9.2.1", "9.2.1"}, {"iso27001-2022", "4.1", "4.1"},
		{"iso22301-2019", "10.1", "10.2"}, {"iso22301-2019", "10.2", "10.1"}, {"iso22301-2019", "6.3", "6.3"},
		{"iso14001-2015", "6.3", ""}, {"iso45001-2018", "6.3", ""},
	} {
		if d := got[c.key][c.src]; d != c.dst {
			t.Errorf("%s: ISO 28000 %s → %q, want %q", c.key, c.src, d, c.dst)
		}
	}
	// The ISO 28000 outline no longer lists the counterparts in free text.
	isoLib := embeddedISO(t, libs)
	if isoLib.Version < 3 {
		t.Errorf("ISO 28000 outline version %d; the annotation change needs a new version", isoLib.Version)
	}
	for _, n := range isoLib.Objects.Framework.RequirementNodes {
		if strings.Contains(n.Annotation, "same purpose as") {
			t.Errorf("ISO 28000 %s still lists counterparts in its annotation", n.RefID)
		}
	}
}
