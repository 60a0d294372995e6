package catalog

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// isoStatus maps the fact table's status column to Provenance.
var isoStatus = map[string]Provenance{
	"verified-toc":         ProvenanceVerified,
	"harmonized-structure": ProvenanceHarmonized,
	"secondary-source":     ProvenanceSecondary,
}

func TestEmbedded(t *testing.T) {
	libs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) != 19 || embeddedISO(t, libs) == nil {
		t.Fatalf("Embedded() = %d libraries", len(libs))
	}
	again, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if embeddedISO(t, again) == embeddedISO(t, libs) || embeddedISO(t, again).Objects.Framework == embeddedISO(t, libs).Objects.Framework {
		t.Error("Embedded() returned shared values")
	}
}

// TestISO28000MatchesFacts checks the embedded ISO 28000 outline against
// the project's fact table (a copy of
// shared/design/catalog-facts/iso28000-2022-outline.csv): every clause is
// there with its title, parent and provenance, and nothing else is.
func TestISO28000MatchesFacts(t *testing.T) {
	f, err := os.Open("testdata/iso28000-2022-outline.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "clause_id,title,parent_id,status,source_url" {
		t.Fatalf("CSV header = %q", got)
	}
	rows = rows[1:]

	libs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fw := embeddedISO(t, libs).Objects.Framework
	const prefix = "urn:bulkhead:risk:req_node:iso28000-2022:"
	byRef := make(map[string]*RequirementNode)
	for i := range fw.RequirementNodes {
		n := &fw.RequirementNodes[i]
		byRef[n.RefID] = n
		if n.URN != prefix+n.RefID {
			t.Errorf("%s: URN %s does not follow %s<ref_id>", n.RefID, n.URN, prefix)
		}
	}
	if len(fw.RequirementNodes) != len(rows) {
		t.Errorf("catalog has %d nodes, the fact table %d rows", len(fw.RequirementNodes), len(rows))
	}
	counts := make(map[Provenance]int)
	for i, r := range rows {
		id, title, parent, status := r[0], r[1], r[2], r[3]
		n := byRef[id]
		if n == nil {
			t.Errorf("clause %s of the fact table is missing", id)
			continue
		}
		if fw.RequirementNodes[i].RefID != id {
			t.Errorf("node %d is %s; the fact table has %s there", i, fw.RequirementNodes[i].RefID, id)
		}
		if n.Name != title {
			t.Errorf("%s: name %q, fact table %q", id, n.Name, title)
		}
		wantParent := ""
		if parent != "" {
			wantParent = prefix + parent
		}
		if n.ParentURN != wantParent {
			t.Errorf("%s: parent %q, want %q", id, n.ParentURN, wantParent)
		}
		if p, ok := isoStatus[status]; !ok || n.Provenance != p {
			t.Errorf("%s: provenance %q, fact table status %q", id, n.Provenance, status)
		}
		counts[n.Provenance]++

		if words := len(strings.Fields(n.Description)); words == 0 || words > 25 {
			t.Errorf("%s: summary has %d words; want 1 to 25", id, words)
		}
		clause := strings.SplitN(id, ".", 2)[0]
		top := clause == id
		wantAssessable := !top && clause != "1" && clause != "2" && clause != "3" && id != "4.2.3.3" &&
			(id == "4.2.3" || !hasChild(rows, id))
		if n.Assessable != wantAssessable {
			t.Errorf("%s: assessable = %v, want %v", id, n.Assessable, wantAssessable)
		}
		if n.Assessable != (n.Importance == ImportanceMandatory) || n.Assessable != (n.TypicalEvidence != "") {
			t.Errorf("%s: assessable nodes (only) carry importance mandatory and typical evidence", id)
		}
	}
	t.Logf("ISO 28000:2022 outline: %d nodes, %d assessable; provenance %v", len(rows), countAssessable(fw), counts)
}

func hasChild(rows [][]string, id string) bool {
	for _, r := range rows {
		if r[2] == id {
			return true
		}
	}
	return false
}

func countAssessable(fw *Framework) int {
	n := 0
	for _, r := range fw.RequirementNodes {
		if r.Assessable {
			n++
		}
	}
	return n
}

// TestEmbeddedMappings checks that every mapping of the shipped mapping
// sets joins two requirements that exist in the shipped frameworks, that
// every mapping has a rationale, and that no shipped node lacks provenance.
func TestEmbeddedMappings(t *testing.T) {
	libs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]bool{}
	frameworks := map[string]bool{}
	for _, l := range libs {
		if fw := l.Objects.Framework; fw != nil {
			frameworks[fw.URN] = true
			for _, n := range fw.RequirementNodes {
				nodes[n.URN] = true
				if n.Provenance == "" {
					t.Errorf("%s: no provenance", n.URN)
				}
			}
		}
	}
	sets := 0
	for _, l := range libs {
		for _, s := range l.Objects.RequirementMappingSets {
			sets++
			if !frameworks[s.SourceFrameworkURN] || !frameworks[s.TargetFrameworkURN] {
				t.Errorf("%s: framework missing", s.URN)
			}
			for _, m := range s.RequirementMappings {
				if !nodes[m.SourceRequirementURN] || !nodes[m.TargetRequirementURN] {
					t.Errorf("%s: %s → %s: requirement missing", s.URN, m.SourceRequirementURN, m.TargetRequirementURN)
				}
				if m.Rationale == "" {
					t.Errorf("%s: %s → %s: no rationale", s.URN, m.SourceRequirementURN, m.TargetRequirementURN)
				}
			}
		}
	}
	if sets != 8 {
		t.Errorf("%d mapping sets, want 8", sets)
	}
}

// embeddedISO returns the shipped ISO 28000 outline.
func embeddedISO(t *testing.T, libs []*Library) *Library {
	t.Helper()
	for _, l := range libs {
		if l.URN == "urn:bulkhead:risk:library:iso28000-2022" {
			return l
		}
	}
	t.Fatal("ISO 28000 outline not embedded")
	return nil
}
