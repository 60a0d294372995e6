// Command gen writes the catalogs Bulkhead ships (library/*.yaml) from
// the project's fact tables (gen/facts/*.csv: IDs, official headings, must/should
// flags, applicability and our own short topics) and from the tables in this
// file (summaries, guidance and mappings written by the Bulkhead project).
// No text of the standards is used. Run it with go generate ./internal/catalog.
//
// The ISO 28000:2022 outline (library/iso28000-2022.yaml) is authored by hand;
// gen only sets its version and the pointer from its harmonized-structure
// clauses to the mapping sets that harmonized.go writes.
package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

func main() {
	if err := run("gen/facts", "library"); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(facts, out string) error {
	iso, err := readLibrary(filepath.Join(out, "iso28000-2022.yaml"))
	if err != nil {
		return err
	}
	addHarmonized(iso)
	libs := []genFile{
		{"iso28000-2022.yaml", func() (*catalog.Library, error) { return iso, nil }},
		{"ctpat-msc.yaml", func() (*catalog.Library, error) { return ctpat(facts) }},
		{"aeo-saq-security.yaml", func() (*catalog.Library, error) { return aeo(facts) }},
		{"isps-code-part-a.yaml", func() (*catalog.Library, error) { return isps(facts) }},
		{"tapa-fsr-2023.yaml", func() (*catalog.Library, error) { return tapaFSR(facts) }},
		{"tapa-tsr-2023.yaml", func() (*catalog.Library, error) { return tapaTSR(facts) }},
		{"mapping-ctpat-msc-iso28000.yaml", func() (*catalog.Library, error) { return mappingLib(ctpatISO) }},
		{"mapping-aeo-iso28000.yaml", func() (*catalog.Library, error) { return mappingLib(aeoISO) }},
		{"mapping-ctpat-msc-aeo.yaml", func() (*catalog.Library, error) { return mappingLib(ctpatAEO) }},
	}
	libs = append(libs, hsFiles(facts)...)
	for _, l := range libs {
		lib, err := l.make()
		if err != nil {
			return fmt.Errorf("%s: %w", l.file, err)
		}
		if err := lib.Validate(); err != nil {
			return fmt.Errorf("%s: %w", l.file, err)
		}
		var buf bytes.Buffer
		if err := catalog.Write(&buf, lib); err != nil {
			return fmt.Errorf("%s: %w", l.file, err)
		}
		if err := os.WriteFile(filepath.Join(out, l.file), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// genFile is one generated library file.
type genFile struct {
	file string
	make func() (*catalog.Library, error)
}

func readLibrary(path string) (*catalog.Library, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return catalog.ParseBytes(data)
}

// readCSV returns the rows of a fact table as maps keyed by header.
func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = strings.TrimSpace(r[i])
		}
		out = append(out, m)
	}
	return out, nil
}

const bulkheadProvider = "Bulkhead project"

func newLibrary(ref, name, description, copyright, provider string, version int) *catalog.Library {
	return &catalog.Library{
		URN: "urn:bulkhead:risk:library:" + ref, Locale: "en", RefID: ref, Name: name, Description: description,
		Copyright: copyright, Version: version, Provider: provider, Packager: "bulkhead",
	}
}

func nodeURN(fw, ref string) string { return "urn:bulkhead:risk:req_node:" + fw + ":" + ref }

// tree adds nodes, deriving depth from the parent.
type tree struct {
	fw    *catalog.Framework
	key   string
	depth map[string]int
}

func newTree(l *catalog.Library, key, name, description string, groups []catalog.ImplementationGroup) *tree {
	l.Objects.Framework = &catalog.Framework{URN: "urn:bulkhead:risk:framework:" + key, RefID: l.RefID, Name: name, Description: description, ImplementationGroupsDefinition: groups}
	return &tree{fw: l.Objects.Framework, key: key, depth: map[string]int{}}
}

func (t *tree) add(n catalog.RequirementNode) *catalog.RequirementNode {
	n.Depth = 1
	if n.ParentURN != "" {
		d, ok := t.depth[n.ParentURN]
		if !ok {
			panic("parent not added yet: " + n.ParentURN)
		}
		n.Depth = d + 1
	}
	t.depth[n.URN] = n.Depth
	t.fw.RequirementNodes = append(t.fw.RequirementNodes, n)
	return &t.fw.RequirementNodes[len(t.fw.RequirementNodes)-1]
}

// ---- ISO 28000 harmonized structure

// harmonizedPrefix starts the line of an ISO 28000 clause's annotation that
// points to its harmonized-structure counterparts. Version 2 listed them in
// free text; since version 3 the mapping sets written by hsMappings carry
// them, and the annotation only points there.
const harmonizedPrefix = "Harmonized structure: "

const harmonizedPointer = harmonizedPrefix + "the clauses with the same purpose in ISO 9001, ISO 14001, ISO 45001, ISO/IEC 27001 and ISO 22301 are in the harmonized-structure mapping sets."

func addHarmonized(iso *catalog.Library) {
	iso.Version = 3
	for i := range iso.Objects.Framework.RequirementNodes {
		n := &iso.Objects.Framework.RequirementNodes[i]
		var kept []string
		for _, line := range strings.Split(n.Annotation, "\n") {
			if line != "" && !strings.HasPrefix(line, harmonizedPrefix) {
				kept = append(kept, line)
			}
		}
		if h, ok := iso28000HS[n.RefID]; ok && !h.split {
			kept = append(kept, harmonizedPointer)
		}
		n.Annotation = strings.Join(kept, "\n")
	}
}

// ---- C-TPAT

var ctpatGroups = []struct{ ref, name string }{
	{"importer", "U.S. importer"}, {"exporter", "U.S. exporter"}, {"foreign_manufacturer", "Foreign manufacturer"},
	{"highway_carrier", "Highway carrier"}, {"mexican_long_haul", "Mexican long-haul highway carrier"}, {"rail_carrier", "Rail carrier"},
	{"sea_carrier", "Sea carrier"}, {"air_carrier", "Air carrier"}, {"customs_broker", "Customs broker"},
	{"consolidator_oti_nvocc", "Consolidator, OTI or NVOCC"}, {"third_party_logistics", "Third-party logistics provider (3PL)"},
	{"marine_port_terminal", "Marine port authority or terminal operator"},
}

var ctpatFocus = []struct{ slug, name, summary string }{
	{"corporate-security", "Corporate Security", "Management support, risk assessment, business partners and cybersecurity."},
	{"transportation-security", "Transportation Security", "Conveyances, seals, procedures and agricultural security."},
	{"people-physical-security", "People and Physical Security", "Premises, access control, personnel and training."},
}

// ctpatCategories: number, focus area, name, our summary, our evidence examples.
var ctpatCategories = []struct{ ref, focus, name, summary, evidence string }{
	{"1", "corporate-security", "Security Vision & Responsibility", "Management backs the security programme, staffs it and reviews it.", "Signed statement of support; security team roster; programme review records."},
	{"2", "corporate-security", "Risk Assessment", "Know the threats along your supply chain and review them regularly.", "Risk assessment with a map of cargo flows; record of the yearly review."},
	{"3", "corporate-security", "Business Partners", "Choose and monitor partners by risk and fix their security weaknesses.", "Partner screening files; security questionnaires; CTPAT or AEO certificates."},
	{"4", "corporate-security", "Cybersecurity", "Protect IT systems and data that support the supply chain.", "IT security policy; access reviews; test reports; backup logs."},
	{"5", "transportation-security", "Conveyance and Instruments of International Traffic Security", "Store, inspect and track conveyances and containers.", "Inspection checklists; storage-area controls; tracking records."},
	{"6", "transportation-security", "Seal Security", "Control high-security seals from issue to verification.", "Seal procedure; seal log; ISO 17712 certificates; seal audit records."},
	{"7", "transportation-security", "Procedural Security", "Handle cargo, documents and incidents under written procedures.", "Procedures; document checks; incident reports; investigation files."},
	{"8", "transportation-security", "Agricultural Security", "Keep pests out of cargo and packaging.", "Pest-prevention procedure; ISPM 15 marks; cleaning records."},
	{"9", "people-physical-security", "Physical Security", "Protect cargo areas with barriers, lighting and monitoring.", "Site plan; fence and lighting checks; camera coverage; footage reviews."},
	{"10", "people-physical-security", "Physical Access Controls", "Control who and what enters the premises.", "Badge records; visitor and driver logs; guard instructions."},
	{"11", "people-physical-security", "Personnel Security", "Screen staff and set expected conduct.", "Screening procedure; background-check records; signed code of conduct."},
	{"12", "people-physical-security", "Education, Training and Awareness", "Train staff for their security role and check it works.", "Training plan; attendance records; effectiveness checks."},
}

func importance(flag string) catalog.Importance {
	switch flag {
	case "must", "mixed":
		return catalog.ImportanceMandatory
	case "should":
		return catalog.ImportanceRecommended
	}
	return ""
}

func ctpat(facts string) (*catalog.Library, error) {
	primary, err := readCSV(filepath.Join(facts, "ctpat-msc.csv"))
	if err != nil {
		return nil, err
	}
	secondary, err := readCSV(filepath.Join(facts, "ctpat-msc-secondary-ids.csv"))
	if err != nil {
		return nil, err
	}
	type crit struct {
		row      map[string]string
		verified bool
	}
	byID := map[string]*crit{}
	var ids []string
	for _, r := range secondary {
		byID[r["criterion_id"]] = &crit{row: r}
		ids = append(ids, r["criterion_id"])
	}
	for _, r := range primary {
		if _, ok := byID[r["criterion_id"]]; !ok {
			ids = append(ids, r["criterion_id"])
		}
		byID[r["criterion_id"]] = &crit{row: r, verified: true}
	}
	slices.SortFunc(ids, compareRefs)
	verified := 0
	for _, c := range byID {
		if c.verified {
			verified++
		}
	}
	l := newLibrary("ctpat-msc", "CTPAT Minimum Security Criteria (criteria IDs)",
		fmt.Sprintf("Criterion IDs, categories, must/should flags and business-entity applicability of the CTPAT Minimum Security Criteria (2019 edition), with short summaries written by the Bulkhead project. Coverage: %d criteria, %d confirmed against CBP sources; the others come from a secondary source and are marked as such. Members holding CBP's MSC documents can complete this catalog by spreadsheet import.", len(ids), verified),
		"CTPAT criteria are a work of U.S. Customs and Border Protection (public domain). Summaries are by the Bulkhead project.", "U.S. Customs and Border Protection", 1)
	var groups []catalog.ImplementationGroup
	for _, g := range ctpatGroups {
		groups = append(groups, catalog.ImplementationGroup{RefID: g.ref, Name: g.name})
	}
	t := newTree(l, "ctpat-msc", "CTPAT Minimum Security Criteria", "Minimum Security Criteria of the Customs Trade Partnership Against Terrorism, by focus area and category. Implementation groups are CTPAT business-entity types.", groups)
	focusURN := map[string]string{}
	for _, f := range ctpatFocus {
		u := nodeURN("ctpat-msc", f.slug)
		focusURN[f.slug] = u
		t.add(catalog.RequirementNode{URN: u, Name: f.name, Description: f.summary, Provenance: catalog.ProvenanceSecondary,
			Annotation: "Focus-area name as reported by secondary sources; CBP documents confirm there are three focus areas."})
	}
	for _, c := range ctpatCategories {
		var rows []string
		for _, id := range ids {
			if strings.SplitN(id, ".", 2)[0] == c.ref {
				rows = append(rows, id)
			}
		}
		if len(rows) == 0 {
			continue
		}
		cu := nodeURN("ctpat-msc", c.ref)
		prov := catalog.ProvenanceSecondary
		note := "Category name as reported by secondary sources; verify the exact wording."
		if c.ref == "1" || c.ref == "8" || c.ref == "6" {
			prov, note = catalog.ProvenanceVerified, "Category name seen in CBP documents."
		}
		t.add(catalog.RequirementNode{URN: cu, ParentURN: focusURN[c.focus], RefID: c.ref, Name: c.name, Description: c.summary, Provenance: prov, Annotation: note})
		for _, id := range rows {
			cr := byID[id]
			r := cr.row
			n := catalog.RequirementNode{URN: nodeURN("ctpat-msc", id), ParentURN: cu, RefID: id, Name: r["topic"], Description: r["topic"] + ".",
				Assessable: true, Importance: importance(r["must_or_should"]), TypicalEvidence: c.evidence}
			if g := r["entity_types"]; g != "" {
				n.ImplementationGroups = strings.Split(g, ";")
			}
			var notes []string
			if cr.verified {
				n.Provenance = catalog.ProvenanceVerified
				notes = append(notes, "Criterion ID, flag and business types confirmed in CBP documents.")
			} else {
				n.Provenance = catalog.ProvenanceSecondary
				notes = append(notes, "Criterion ID and must/should flag come from a secondary source, not a CBP document; business types not stated. Check against CBP's criteria for your business type.")
			}
			switch r["must_or_should"] {
			case "mixed":
				notes = append(notes, "The source marks parts of this criterion as must and others as should.")
			case "unknown":
				notes = append(notes, "Must/should flag not readable in the source.")
			}
			n.Annotation = strings.Join(notes, " ")
			t.add(n)
		}
	}
	return l, nil
}

// compareRefs orders dotted IDs numerically ("4.10" after "4.9").
func compareRefs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var x, y int
		_, errX := fmt.Sscan(pa[i], &x)
		_, errY := fmt.Sscan(pb[i], &y)
		switch {
		case errX == nil && errY == nil && x != y:
			return x - y
		case (errX != nil || errY != nil) && pa[i] != pb[i]:
			return strings.Compare(pa[i], pb[i])
		}
	}
	return len(pa) - len(pb)
}

// ---- EU AEO

func aeo(facts string) (*catalog.Library, error) {
	rows, err := readCSV(filepath.Join(facts, "aeo-saq-security.csv"))
	if err != nil {
		return nil, err
	}
	title := map[string]string{}
	for _, r := range rows {
		title[r["question_id"]] = r["title_or_topic"]
	}
	for _, id := range []string{"6", "6.1.2", "6.2", "6.2.1", "6.2.2", "2.V.2", "2.V.3", "2.V.8"} {
		if title[id] == "" {
			return nil, fmt.Errorf("fact table lacks %s", id)
		}
	}
	l := newLibrary("aeo-saq-security", "EU AEO self-assessment: security and safety",
		"Security and safety part of the EU Authorised Economic Operator self-assessment questionnaire (SAQ section 6) and the matching criterion sections of the AEO Guidelines (Part 2, Section V), with summaries by the Bulkhead project. Coverage: only the questions and sections seen in public sources; subsections 6.1 and 6.3 onwards and Guidelines sections 2.V.1 and 2.V.4 to 2.V.7 are missing and can be added by spreadsheet import.",
		"EU AEO SAQ and Guidelines: European Commission and national customs documents, reusable with attribution. Summaries are by the Bulkhead project.", "European Commission (DG TAXUD)", 1)
	t := newTree(l, "aeo-saq-security", "EU AEO SAQ: security and safety", "AEOS criterion (UCC Art. 39(e), UCC-IA Art. 28): SAQ section 6 and Guidelines Part 2 Section V.", nil)
	v := catalog.ProvenanceVerified
	s6 := nodeURN("aeo-saq-security", "6")
	t.add(catalog.RequirementNode{URN: s6, RefID: "6", Name: "Security and safety requirements", Description: "Questions an applicant for AEO security and safety status answers about its security measures.", Provenance: v,
		Annotation: "Section heading seen in the SAQ and in the Spanish Tax Agency's guidance."})
	t.add(catalog.RequirementNode{URN: nodeURN("aeo-saq-security", "6.1.2"), ParentURN: s6, RefID: "6.1.2", Name: "Document describing security measures",
		Description: "Keep a document that describes your security measures; later answers refer to it.", Assessable: true, Importance: catalog.ImportanceMandatory, Provenance: v,
		TypicalEvidence: "Security plan or manual covering premises, access, cargo and staff.", Annotation: "The title of subsection 6.1 was not seen, so 6.1.2 sits directly under section 6."})
	s62 := nodeURN("aeo-saq-security", "6.2")
	t.add(catalog.RequirementNode{URN: s62, ParentURN: s6, RefID: "6.2", Name: "Building security", Description: "Questions on securing buildings and sites.", Provenance: v})
	t.add(catalog.RequirementNode{URN: nodeURN("aeo-saq-security", "6.2.1"), ParentURN: s62, RefID: "6.2.1", Name: "Securing boundaries and buildings",
		Description: "Secure site boundaries, buildings, windows, doors and gates; check them and act on incidents.", Assessable: true, Importance: catalog.ImportanceMandatory, Provenance: v,
		TypicalEvidence: "Site plan; inspection rounds; incident records.", Annotation: "Parts a to c in the questionnaire."})
	t.add(catalog.RequirementNode{URN: nodeURN("aeo-saq-security", "6.2.2"), ParentURN: s62, RefID: "6.2.2", Name: "Access points, access control and CCTV",
		Description: "Show every access point on the site plan and how access control and cameras are used.", Assessable: true, Importance: catalog.ImportanceMandatory, Provenance: v,
		TypicalEvidence: "Annotated site plan; access-control and camera procedures.", Annotation: "Parts a and b in the questionnaire."})
	g := nodeURN("aeo-saq-security", "2.V")
	t.add(catalog.RequirementNode{URN: g, RefID: "2.V", Name: "AEO Guidelines, Part 2, Section V: security and safety criteria", Description: "Criterion guidance the customs authority applies when assessing the answers (not SAQ questions).", Provenance: v})
	for _, x := range []struct{ ref, summary, evidence string }{
		{"2.V.2", "Buildings are built and kept to resist unlawful entry, and are checked.", "Building maintenance and inspection records."},
		{"2.V.3", "Only authorised people, vehicles and goods get into sensitive areas.", "Access-control procedure; badge and visitor records."},
		{"2.V.8", "Staff know the security rules and how to report concerns.", "Awareness sessions; attendance records; reporting channel."},
	} {
		t.add(catalog.RequirementNode{URN: nodeURN("aeo-saq-security", x.ref), ParentURN: g, RefID: x.ref, Name: title[x.ref], Description: x.summary,
			Assessable: true, Importance: catalog.ImportanceMandatory, Provenance: v, TypicalEvidence: x.evidence})
	}
	return l, nil
}

// ---- ISPS Code Part A

// ispsSections: our summary of each Part A section and the side it binds.
var ispsSections = map[string]struct{ summary, side string }{
	"1":  {"Purpose of the Code and what it sets out to achieve.", ""},
	"2":  {"Terms used throughout the Code.", ""},
	"3":  {"Which ships and port facilities the Code covers.", ""},
	"4":  {"What governments must do: set security levels and give guidance.", ""},
	"5":  {"When and how ships and port facilities agree a Declaration of Security.", "both"},
	"6":  {"What the shipping company must provide and ensure for ship security.", "ship"},
	"7":  {"What a ship does at each security level.", "ship"},
	"8":  {"Assess each ship's security before writing its plan.", "ship"},
	"9":  {"Keep an approved security plan on board for each ship.", "ship"},
	"10": {"Keep records of security activities on board.", "ship"},
	"11": {"Appoint company security officers and set their duties.", "ship"},
	"12": {"Appoint a security officer on each ship.", "ship"},
	"13": {"Train ship and company staff and run drills and exercises.", "ship"},
	"14": {"What a port facility does at each security level.", "port_facility"},
	"15": {"Assess each port facility's security.", "port_facility"},
	"16": {"Keep an approved security plan for each port facility.", "port_facility"},
	"17": {"Appoint port facility security officers and set their duties.", "port_facility"},
	"18": {"Train port facility staff and run drills and exercises.", "port_facility"},
	"19": {"Verify ships and issue their security certificates.", "ship"},
}

// ispsNotAssessable are paragraphs that bind governments or only permit
// something: shown for context, not answered.
var ispsNotAssessable = []string{"1.3", "4.1", "5.1", "9.1.1", "9.2", "9.2.1", "15.2", "15.2.1", "16.1.1", "16.2", "19.1.2", "19.2", "19.3"}

// ispsSide overrides the section's side for some paragraphs.
var ispsSide = map[string]string{"5.2": "ship", "5.6": "port_facility", "5.7": "ship"}

// ispsSecondary are titles not seen verbatim in a stored source.
var ispsSecondary = map[string]string{
	"1":  "Standard section title; not seen verbatim in a stored source.",
	"2":  "Standard section title; not seen verbatim in a stored source.",
	"3":  "Standard section title; not seen verbatim in a stored source.",
	"18": "Title taken from the matching Part B heading.",
}

func isps(facts string) (*catalog.Library, error) {
	rows, err := readCSV(filepath.Join(facts, "isps-code-part-a.csv"))
	if err != nil {
		return nil, err
	}
	l := newLibrary("isps-code-part-a", "ISPS Code Part A (structure)",
		"Section numbers and headings of the mandatory Part A of the International Ship and Port Facility Security Code, with short descriptions of sub-paragraphs written by the Bulkhead project. Implementation groups separate the ship (company) side from the port facility side. Coverage: all 19 sections; sub-paragraphs only where a public source showed them.",
		"Section numbers and headings of the ISPS Code are (c) IMO. Descriptions are by the Bulkhead project. The Code text is reusable from Regulation (EC) No 725/2004, Annex II.", "International Maritime Organization", 1)
	t := newTree(l, "isps-code-part-a", "ISPS Code Part A", "Mandatory requirements of the ISPS Code (SOLAS chapter XI-2).", []catalog.ImplementationGroup{
		{RefID: "ship", Name: "Ship and company"}, {RefID: "port_facility", Name: "Port facility"},
	})
	present := map[string]bool{}
	hasChild := map[string]bool{}
	for _, r := range rows {
		id := r["section_id"]
		if strings.HasPrefix(id, "B-") {
			continue // Part B guidance is not part of this catalog
		}
		present[id] = true
		if i := strings.LastIndex(id, "."); i > 0 {
			hasChild[id[:i]] = true
		}
	}
	for _, r := range rows {
		id := r["section_id"]
		if !present[id] {
			continue
		}
		sec := strings.SplitN(id, ".", 2)[0]
		info, ok := ispsSections[sec]
		if !ok {
			return nil, fmt.Errorf("no summary for section %s", sec)
		}
		n := catalog.RequirementNode{URN: nodeURN("isps-code-part-a", id), RefID: id, Name: r["title"], Provenance: catalog.ProvenanceVerified}
		if i := strings.LastIndex(id, "."); i > 0 {
			parent := id[:i]
			if !present[parent] {
				return nil, fmt.Errorf("%s: parent %s missing", id, parent)
			}
			n.ParentURN = nodeURN("isps-code-part-a", parent)
			n.Description = r["title"] + "."
		} else {
			n.Description = info.summary
		}
		if note, ok := ispsSecondary[id]; ok {
			n.Provenance, n.Annotation = catalog.ProvenanceSecondary, note
		}
		side := info.side
		if s, ok := ispsSide[id]; ok {
			side = s
		}
		n.Assessable = side != "" && !hasChild[id] && !slices.Contains(ispsNotAssessable, id)
		if n.Assessable {
			n.Importance = catalog.ImportanceMandatory
			if side != "both" {
				n.ImplementationGroups = []string{side}
			}
		}
		t.add(n)
	}
	return l, nil
}

// ---- TAPA

const tapaNote = "TAPA standards are distributed to TAPA members under licence. This catalog holds only the structure and IDs seen in public sources, with summaries by the Bulkhead project. A licensee can import the full requirements by spreadsheet (one row per requirement) to complete it."

func tapaRows(facts, standard string) ([]map[string]string, error) {
	rows, err := readCSV(filepath.Join(facts, "tapa.csv"))
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for _, r := range rows {
		if r["standard"] == standard {
			out = append(out, r)
		}
	}
	return out, nil
}

func tapaFSR(facts string) (*catalog.Library, error) {
	rows, err := tapaRows(facts, "FSR2023")
	if err != nil {
		return nil, err
	}
	l := newLibrary("tapa-fsr-2023", "TAPA FSR 2023 (structure and IDs only)", "Facility Security Requirements 2023 of the Transported Asset Protection Association: security levels A, B and C and the requirement IDs seen in public sources. "+tapaNote,
		"TAPA FSR is (c) TAPA. Only IDs and our own summaries are included.", "TAPA", 1)
	t := newTree(l, "tapa-fsr-2023", "TAPA FSR 2023", "Facility security levels A (highest), B and C. "+tapaNote, []catalog.ImplementationGroup{
		{RefID: "A", Name: "Level A"}, {RefID: "B", Name: "Level B"}, {RefID: "C", Name: "Level C"},
	})
	summaries := map[string]string{
		"7.0.2": "Name an on-site owner of facility security and someone who monitors the FSR programme.",
		"7.0.3": "Run and document internal audits and self-assessments and close corrective actions.",
		"7.0.4": "Control physical and electronic keys with a procedure, a log and a key plan.",
		"7.0.5": "Assess security risks of the facility and update the assessment at least yearly.",
	}
	n := 0
	for _, r := range rows {
		id := r["section_id"]
		if id == "" {
			continue
		}
		s, ok := summaries[id]
		if !ok {
			return nil, fmt.Errorf("no summary for FSR %s", id)
		}
		t.add(catalog.RequirementNode{URN: nodeURN("tapa-fsr-2023", id), RefID: id, Name: r["title"], Description: s, Assessable: true,
			Importance: catalog.ImportanceMandatory, ImplementationGroups: strings.Split(r["levels_or_categories"], ";"), Provenance: catalog.ProvenanceVerified,
			Annotation: "ID seen in a 2023 FSR audit form; the requirement text needs a TAPA licence."})
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("no FSR 2023 requirements")
	}
	return l, nil
}

func tapaTSR(facts string) (*catalog.Library, error) {
	rows, err := tapaRows(facts, "TSR2023")
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no TSR 2023 rows")
	}
	l := newLibrary("tapa-tsr-2023", "TAPA TSR 2023 (structure only)", "Trucking Security Requirements 2023 of the Transported Asset Protection Association: security levels 1 to 3 and the four road-transport modes. No requirement IDs were seen in public sources. "+tapaNote,
		"TAPA TSR is (c) TAPA. Only structure and our own summaries are included.", "TAPA", 1)
	t := newTree(l, "tapa-tsr-2023", "TAPA TSR 2023", "Trucking security levels 1 (highest) to 3; level 3 is open to self-certification. "+tapaNote, []catalog.ImplementationGroup{
		{RefID: "1", Name: "Level 1"}, {RefID: "2", Name: "Level 2"}, {RefID: "3", Name: "Level 3"},
	})
	t.add(catalog.RequirementNode{URN: nodeURN("tapa-tsr-2023", "modes"), Name: "Road transport modes",
		Description: "The standard covers hard-sided and soft-sided trucks and trailers, rigid vans or fixed-body trucks, and sea-container road transport.",
		Provenance:  catalog.ProvenanceVerified, Annotation: "Modes listed on TAPA APAC's public page. Import the licensed requirements to assess against them."})
	return l, nil
}

// ---- mappings

type mapping struct {
	src, dst  string // ref IDs
	rel       catalog.Relationship
	strength  int // 1 weak … 3 strong
	rationale string
}

type mappingSpec struct {
	ref, name, description string
	srcKey, dstKey         string
	srcLib, dstLib         string
	mappings               []mapping
}

func mappingLib(spec mappingSpec) (*catalog.Library, error) {
	l := newLibrary(spec.ref, spec.name, spec.description+" Relationships say how the source requirement relates to the target (equal, subset, superset, intersect); strength runs from 1 (weak) to 3 (strong). Every mapping carries the Bulkhead project's rationale; review them for your own use.",
		"Mappings and rationales by the Bulkhead project.", bulkheadProvider, 1)
	l.Dependencies = []string{"urn:bulkhead:risk:library:" + spec.srcLib, "urn:bulkhead:risk:library:" + spec.dstLib}
	set := catalog.RequirementMappingSet{URN: "urn:bulkhead:risk:req_mapping_set:" + spec.ref, RefID: spec.ref, Name: spec.name,
		SourceFrameworkURN: "urn:bulkhead:risk:framework:" + spec.srcKey, TargetFrameworkURN: "urn:bulkhead:risk:framework:" + spec.dstKey}
	for _, m := range spec.mappings {
		st := m.strength
		set.RequirementMappings = append(set.RequirementMappings, catalog.RequirementMapping{
			SourceRequirementURN: nodeURN(spec.srcKey, m.src), TargetRequirementURN: nodeURN(spec.dstKey, m.dst),
			Relationship: m.rel, Rationale: m.rationale, StrengthOfRelationship: &st,
		})
	}
	l.Objects.RequirementMappingSets = []catalog.RequirementMappingSet{set}
	return l, nil
}

const (
	eq = catalog.RelationshipEqual
	sb = catalog.RelationshipSubset
	sp = catalog.RelationshipSuperset
	in = catalog.RelationshipIntersect
)

var ctpatISO = mappingSpec{
	ref: "mapping-ctpat-msc-iso28000", name: "CTPAT MSC → ISO 28000:2022",
	description: "Maps CTPAT Minimum Security Criteria to the ISO 28000:2022 clauses that ask for the same management activity.",
	srcKey:      "ctpat-msc", dstKey: "iso28000-2022", srcLib: "ctpat-msc", dstLib: "iso28000-2022",
	mappings: []mapping{
		{"1.1", "5.1", sb, 2, "A signed statement of support is one visible part of top management's commitment."},
		{"1.1", "5.2.1", in, 1, "The statement of support and the security policy both declare management's intent, but the policy covers more."},
		{"1.2", "5.3", in, 2, "A cross-functional team assigns security roles across departments, as the roles clause does for the whole system."},
		{"1.3", "9.2.2", sb, 2, "A written review of the security programme is a narrower form of the internal audit programme."},
		{"1.4", "5.3", sb, 2, "Named CTPAT contacts who report to management are one instance of assigned responsibility and reporting."},
		{"1.4", "9.3.2", in, 1, "Progress reports to management feed the same decisions as management review."},
		{"2.1", "6.1.2", sb, 3, "A supply-chain threat and vulnerability assessment is a security risk assessment limited to the supply chain."},
		{"2.1", "8.3", sb, 2, "The documented risk assessment is an input to operational risk assessment and treatment."},
		{"2.2", "4.1", in, 1, "Mapping cargo flows and partners helps understand the organisation's context, but only for the supply chain."},
		{"2.2", "8.2", sb, 2, "Mapping the cargo movement identifies the processes and activities to secure."},
		{"2.3", "6.1.2", sb, 2, "A yearly review keeps the risk assessment current; ISO 28000 asks for review without fixing the interval."},
		{"2.4", "8.6.4", sb, 2, "Crisis, continuity and recovery procedures are part of what security plans contain."},
		{"2.4", "8.6.5", in, 2, "Recovery procedures overlap the recovery part of security plans."},
		{"3.1", "8.1", sb, 1, "Partner screening is one operational control over externally provided processes."},
		{"3.5", "8.1", sb, 1, "Checking that contracted partners meet the criteria is control of outsourced processes."},
		{"3.6", "10.2", in, 1, "Fixing partner weaknesses with evidence resembles corrective action, applied to partners."},
		{"4.1", "7.5.3", in, 1, "Written cybersecurity policies are documented information, but about IT only."},
		{"4.1", "8.4", sb, 1, "Cybersecurity policies are one family of security controls."},
		{"4.6", "9.3.2", in, 1, "The yearly policy review overlaps management review of the system's suitability."},
		{"5.3", "8.4", sb, 2, "Inspecting conveyances before loading is an operational security control."},
		{"6.1", "8.4", sb, 2, "Written seal procedures are a specific security control."},
		{"6.1", "7.5.3", in, 1, "The seal procedure is documented information kept under control."},
		{"6.2", "8.4", sb, 2, "Affixing high-security seals is a specific security control."},
		{"6.6", "9.1", sb, 2, "Seal audits are monitoring of one control's effectiveness."},
		{"7.23", "8.6.3", in, 2, "Incident escalation and contact lists overlap warning and communication in security plans."},
		{"7.37", "10.2", in, 2, "Investigating a breach overlaps the reaction to a nonconformity and the search for its cause."},
		{"9.1", "8.4", sb, 1, "Physical barriers are one kind of security control."},
		{"10.1", "8.4", sb, 1, "Access-control procedures are one kind of security control."},
		{"11.1", "7.2", in, 1, "Screening applicants supports placing suitable people in security roles."},
		{"11.5", "7.3", in, 1, "A code of conduct acknowledged by staff supports awareness of expected behaviour."},
		{"12.1", "7.2", sb, 2, "A role-based security training programme is one way to ensure competence."},
		{"12.1", "7.3", sb, 2, "Training new hires on security builds awareness of the policy and their part in it."},
		{"12.4", "7.2", sb, 2, "Checking that training worked matches evaluating the effectiveness of actions taken for competence."},
		{"12.10", "7.3", sb, 2, "Knowing how to report incidents is part of staff awareness."},
	},
}

var aeoISO = mappingSpec{
	ref: "mapping-aeo-iso28000", name: "EU AEO security and safety → ISO 28000:2022",
	description: "Maps the security and safety questions and criteria of the EU AEO programme to ISO 28000:2022 clauses.",
	srcKey:      "aeo-saq-security", dstKey: "iso28000-2022", srcLib: "aeo-saq-security", dstLib: "iso28000-2022",
	mappings: []mapping{
		{"6.1.2", "7.5.2", sb, 2, "The document describing security measures is documented information required by the system."},
		{"6.1.2", "8.6.4", in, 2, "A description of security measures overlaps the content of security plans."},
		{"6.2.1", "8.4", sb, 2, "Securing boundaries and buildings is a set of physical security controls."},
		{"6.2.2", "8.4", sb, 2, "Access control and cameras are physical and technical security controls."},
		{"2.V.2", "8.4", sb, 2, "Building security is one area of security controls."},
		{"2.V.3", "8.4", sb, 2, "Access control is one area of security controls."},
		{"2.V.8", "7.3", sb, 3, "A security awareness programme serves the awareness clause directly."},
		{"2.V.8", "7.2", in, 1, "Awareness programmes contribute to, but do not replace, competence for security roles."},
	},
}

var ctpatAEO = mappingSpec{
	ref: "mapping-ctpat-msc-aeo", name: "CTPAT MSC → EU AEO security and safety",
	description: "Maps CTPAT Minimum Security Criteria to the EU AEO security and safety questions and criteria (the two programmes are recognised under mutual recognition arrangements).",
	srcKey:      "ctpat-msc", dstKey: "aeo-saq-security", srcLib: "ctpat-msc", dstLib: "aeo-saq-security",
	mappings: []mapping{
		{"9.1", "6.2.1", in, 2, "Both ask for barriers around the premises; AEO also covers buildings, windows and doors."},
		{"9.2", "6.2.1", sb, 2, "Inspecting and repairing fencing is part of securing boundaries and checking them."},
		{"9.1", "2.V.2", in, 2, "Physical barriers and building security overlap."},
		{"9.6", "2.V.2", sb, 1, "Lighting is one measure of building and site security."},
		{"9.7", "6.2.2", in, 1, "Security technology includes the cameras AEO asks about."},
		{"9.12", "6.2.2", in, 2, "Camera and alarm monitoring overlaps AEO's question on CCTV use."},
		{"10.1", "2.V.3", eq, 3, "Both ask for procedures and identification that keep unauthorised people out of sensitive areas."},
		{"10.1", "6.2.2", in, 2, "Access-device procedures overlap the listing of access points and their control."},
		{"10.2", "2.V.3", sb, 2, "Visitor identification and escorts are part of appropriate access controls."},
		{"10.3", "2.V.3", sb, 2, "Identifying drivers is part of access control for vehicles and people."},
		{"12.1", "2.V.8", in, 2, "Both ask for security training or awareness; CTPAT sets it by role and for new hires."},
		{"12.10", "2.V.8", sb, 2, "Training staff to report incidents is part of a security awareness programme."},
	},
}
