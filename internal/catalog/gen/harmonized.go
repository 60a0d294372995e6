package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

// ---- Harmonized structure (Annex SL / ISO Directives Part 1, Appendix 2)
//
// For each of five management-system standards, gen writes a small
// framework holding only the clauses that follow the harmonized structure
// (numbers and titles from gen/facts/harmonized-structure.csv, summaries
// generic to each clause's purpose, written by the Bulkhead project), and a
// mapping set from ISO 28000:2022 to it. The fact table's hs_clause column
// names the clause of the 2021 harmonized structure with the same purpose,
// which is how clause 10 is matched where editions number it differently.

// hsStandard is one standard that follows the harmonized structure.
type hsStandard struct {
	key, name, system, title string
	notes                    string // what differs in this edition, for the description
}

var hsStandards = []hsStandard{
	{"iso9001-2015", "ISO 9001:2015", "quality", "Quality management systems - Requirements",
		"This edition follows the 2012 Annex SL: clause 10 starts with a clause of its own (10.1 General, left out), so nonconformity and corrective action is 10.2 and continual improvement 10.3. Its 6.3 Planning of changes is the origin of the harmonized 6.3. Sub-clauses 9.2.1 and 9.2.2 have no titles and are not listed."},
	{"iso14001-2015", "ISO 14001:2015", "environmental", "Environmental management systems - Requirements with guidance for use",
		"This edition follows the 2012 Annex SL: clause 10 starts with a clause of its own (10.1 General, left out), so nonconformity and corrective action is 10.2 and continual improvement 10.3. It has no clause on planning of changes (6.3)."},
	{"iso45001-2018", "ISO 45001:2018", "OH&S", "Occupational health and safety management systems - Requirements with guidance for use",
		"This edition follows the 2012 Annex SL: clause 10 starts with a clause of its own (10.1 General, left out), so incident, nonconformity and corrective action is 10.2 and continual improvement 10.3. It has no clause on planning of changes (6.3); its own clause 5.4 on worker consultation is left out."},
	{"iso27001-2022", "ISO/IEC 27001:2022", "information security", "Information security, cybersecurity and privacy protection - Information security management systems - Requirements",
		"This edition follows the 2021 harmonized structure: 10.1 is continual improvement and 10.2 nonconformity and corrective action. Annex A controls are not part of the harmonized structure and are left out."},
	{"iso22301-2019", "ISO 22301:2019", "business continuity", "Security and resilience - Business continuity management systems - Requirements",
		"This edition keeps the 2012 Annex SL order in clause 10: 10.1 is nonconformity and corrective action and 10.2 continual improvement. The sub-clauses of 9.2 and 9.3 were not all confirmed in the sources and are left out rather than guessed."},
}

// hsClause is a clause of the 2021 harmonized structure: its title and our
// own summary of its purpose, and evidence examples for assessable clauses.
type hsClause struct{ title, summary, evidence string }

var hsClauses = map[string]hsClause{
	"4":     {"Context of the organization", "Groups the clauses on the organization's context, its interested parties, the scope and the management system itself.", ""},
	"4.1":   {"Understanding the organization and its context", "Work out the internal and external issues that bear on the management system's purpose and intended results, and keep them under review.", "Context analysis (issues register or similar) reviewed by management."},
	"4.2":   {"Understanding the needs and expectations of interested parties", "Identify the parties that matter to the management system, what they need and expect, and which of those needs the system will address.", "Register of interested parties and of the needs the system addresses."},
	"4.3":   {"Determining the scope of the management system", "Decide and document where the management system applies, taking the context and the interested parties into account.", "Documented scope statement with its boundaries."},
	"4.4":   {"Management system", "Set up, run, maintain and keep improving the management system and the processes it needs, with their interactions.", "Process map of the management system."},
	"5":     {"Leadership", "Groups the clauses on top management's role, the policy, and the assignment of roles and authorities.", ""},
	"5.1":   {"Leadership and commitment", "Top management takes ownership of the system: sets direction, provides resources, builds it into business processes and supports others in their roles.", "Management meeting minutes, resource decisions, messages from top management."},
	"5.2":   {"Policy", "Top management sets a policy that fits the organization, frames the objectives and commits to meeting requirements and improving; it is documented and communicated.", "Approved policy and records of its communication."},
	"5.3":   {"Roles, responsibilities and authorities", "Assign and communicate responsibilities and authorities for the system, including who reports on its performance to top management.", "Organization chart, role descriptions, appointment records."},
	"6":     {"Planning", "Groups the clauses on risks and opportunities, objectives and planned change.", ""},
	"6.1":   {"Actions to address risks and opportunities", "When planning, decide which risks and opportunities the system must address, plan actions for them, build the actions into the system and check that they work.", "Register of risks and opportunities with planned actions."},
	"6.2":   {"Objectives and planning to achieve them", "Set measurable objectives in line with the policy and plan what will be done, with which resources, by whom, by when and how results are judged.", "Objectives with measures, owners, resources and deadlines."},
	"6.3":   {"Planning of changes", "When the management system needs to change, make the change in a planned way.", "Change records for the management system."},
	"7":     {"Support", "Groups the clauses on resources, competence, awareness, communication and documented information.", ""},
	"7.1":   {"Resources", "Find and provide the resources the management system needs.", "Budgets, resource plans and staffing records."},
	"7.2":   {"Competence", "Decide what competence the work needs, make sure people have it through education, training or experience, close gaps and keep proof.", "Competence matrix and training records."},
	"7.3":   {"Awareness", "Make sure people doing the work know the policy, their contribution to the system and what happens if they do not follow it.", "Induction material and awareness records."},
	"7.4":   {"Communication", "Decide what to communicate about the system, when, with whom and how, inside and outside the organization.", "Communication plan and records of communication."},
	"7.5":   {"Documented information", "Groups the clauses on which documents and records the system needs and how they are created and controlled.", ""},
	"7.5.1": {"General", "Keep the documented information the standard asks for and what the organization judges necessary for the system to work.", "Master list of documented information."},
	"7.5.2": {"Creating and updating documented information", "Give documents suitable identification, format and medium, and review and approve them before use.", "Documents showing identification, version and approval."},
	"7.5.3": {"Control of documented information", "Keep documents available where needed and protected, and control their distribution, storage, changes, retention and disposal.", "Document control procedure; access, retention and disposal records."},
	"8":     {"Operation", "Groups the operational clauses; of these only operational planning and control belongs to the harmonized structure.", ""},
	"8.1":   {"Operational planning and control", "Plan, run and control the processes needed to meet requirements, including outsourced ones, and control planned changes to them.", "Operating procedures and records of process control."},
	"9":     {"Performance evaluation", "Groups the clauses on monitoring and measurement, internal audit and management review.", ""},
	"9.1":   {"Monitoring, measurement, analysis and evaluation", "Decide what to monitor and measure, how and when, analyse and evaluate the results, and judge the system's performance and effectiveness.", "Monitoring plan, measurement results and performance evaluations."},
	"9.2":   {"Internal audit", "Audit the management system at planned intervals under an audit programme, to learn whether it conforms and is effectively implemented and maintained.", "Audit programme, audit plans and reports."},
	"9.2.1": {"General", "Audit the management system at planned intervals to learn whether it conforms to the organization's and the standard's requirements and works in practice.", "Internal audit reports."},
	"9.2.2": {"Internal audit programme", "Plan and run an audit programme with frequency, methods, criteria and scope, objective auditors, and reporting of results to management.", "Audit programme with criteria, scope and auditor assignments."},
	"9.3":   {"Management review", "Top management reviews the system at planned intervals, considering set inputs, and decides on improvements and changes.", "Management review minutes with inputs and decisions."},
	"9.3.1": {"General", "Top management reviews the management system at planned intervals to confirm that it stays suitable, adequate and effective.", "Management review schedule and minutes."},
	"9.3.2": {"Management review inputs", "Feed the review with the status of earlier actions, changes in issues and needs, performance trends, audit results and improvement opportunities.", "Management review input pack."},
	"9.3.3": {"Management review results", "Record the review's decisions on improvement opportunities and on changes needed to the system.", "Management review decisions and actions."},
	"10":    {"Improvement", "Groups the clauses on continual improvement and on nonconformity and corrective action.", ""},
	"10.1":  {"Continual improvement", "Keep improving the suitability, adequacy and effectiveness of the management system.", "Improvement log and records of improvements made."},
	"10.2":  {"Nonconformity and corrective action", "When a nonconformity occurs, deal with it, find and remove its causes, check that the actions worked, update the system and keep records.", "Nonconformity and corrective action records."},
}

// iso28000HS says which clause of the harmonized structure each ISO 28000
// clause serves. Clauses that ISO 28000 splits below a harmonized clause
// (e.g. 5.2.1 under 5.2) are parts of it: they map as subsets.
var iso28000HS = map[string]struct {
	hs    string
	split bool
}{
	"4.1": {"4.1", false}, "4.2": {"4.2", false}, "4.2.1": {"4.2", true}, "4.3": {"4.3", false}, "4.4": {"4.4", false},
	"5.1": {"5.1", false}, "5.2": {"5.2", false}, "5.2.1": {"5.2", true}, "5.2.2": {"5.2", true}, "5.3": {"5.3", false},
	"6.1": {"6.1", false}, "6.1.1": {"6.1", true}, "6.2": {"6.2", false}, "6.2.1": {"6.2", true}, "6.2.2": {"6.2", true}, "6.3": {"6.3", false},
	"7.1": {"7.1", false}, "7.2": {"7.2", false}, "7.3": {"7.3", false}, "7.4": {"7.4", false},
	"7.5": {"7.5", false}, "7.5.1": {"7.5.1", false}, "7.5.2": {"7.5.2", false}, "7.5.3": {"7.5.3", false},
	"8.1": {"8.1", false},
	"9.1": {"9.1", false}, "9.2": {"9.2", false}, "9.2.1": {"9.2.1", false}, "9.2.2": {"9.2.2", false},
	"9.3": {"9.3", false}, "9.3.1": {"9.3.1", false}, "9.3.2": {"9.3.2", false}, "9.3.3": {"9.3.3", false},
	"10.1": {"10.1", false}, "10.2": {"10.2", false},
}

// hsRow is one clause of the fact table.
// hsRow is one clause of the fact table. alsoCovers names what a clause
// with the harmonized purpose covers beyond it (ISO 45001:2018 10.2:
// incidents): ISO 28000's clause is then a subset of it.
type hsRow struct{ id, title, parent, hs, alsoCovers, note string }

func hsRows(facts, key string) ([]hsRow, error) {
	rows, err := readCSV(filepath.Join(facts, "harmonized-structure.csv"))
	if err != nil {
		return nil, err
	}
	var out []hsRow
	for _, r := range rows {
		if r["standard"] != key {
			continue
		}
		if _, ok := hsClauses[r["hs_clause"]]; !ok {
			return nil, fmt.Errorf("harmonized-structure.csv: %s %s: unknown hs_clause %q", key, r["clause_id"], r["hs_clause"])
		}
		out = append(out, hsRow{r["clause_id"], r["title"], r["parent_id"], r["hs_clause"], r["also_covers"], r["note"]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("harmonized-structure.csv: no rows for %s", key)
	}
	return out, nil
}

func hsKey(std hsStandard) string { return std.key + "-hs" }

// hsFramework builds the harmonized-structure framework of one standard.
func hsFramework(facts string, std hsStandard) (*catalog.Library, error) {
	rows, err := hsRows(facts, std.key)
	if err != nil {
		return nil, err
	}
	key := hsKey(std)
	desc := "Only the clauses of " + std.name + " that follow the harmonized structure of ISO management-system standards (Annex SL, ISO/IEC Directives Part 1, Appendix 2): clause numbers and titles, with summaries written by the Bulkhead project that describe the harmonized purpose of each clause. It does not hold the standard's own " + std.system + " requirements and is no substitute for the standard: clauses and sub-clauses specific to " + std.name + " are left out. Use it to reuse evidence between ISO 28000 and " + std.name + " in an integrated management system; the mapping set from ISO 28000:2022 links the clauses with the same purpose. "
	l := newLibrary(key, std.name+" harmonized-structure clauses", desc+std.notes,
		"Clause numbers and titles of "+std.name+" are (c) ISO"+iecSuffix(std.name)+". Summaries are by the Bulkhead project. No text of the standard is reproduced.", "ISO", 1)
	t := newTree(l, key, std.name+" (harmonized structure)", std.title+": harmonized-structure clauses only, for evidence reuse in an integrated management system. "+std.notes, nil)
	parents := map[string]bool{}
	for _, r := range rows {
		parents[r.parent] = true
	}
	for _, r := range rows {
		c := hsClauses[r.hs]
		ann := "Harmonized-structure clause " + r.hs + " (" + c.title + ")."
		if r.note != "" {
			ann += " " + r.note
		}
		n := catalog.RequirementNode{URN: nodeURN(key, r.id), RefID: r.id, Name: r.title, Description: c.summary,
			Provenance: catalog.ProvenanceHarmonized, Annotation: ann}
		if r.parent != "" {
			n.ParentURN = nodeURN(key, r.parent)
		}
		if r.parent != "" && !parents[r.id] {
			n.Assessable, n.Importance, n.TypicalEvidence = true, catalog.ImportanceMandatory, c.evidence
		}
		t.add(n)
	}
	return l, nil
}

func iecSuffix(name string) string {
	if strings.HasPrefix(name, "ISO/IEC") {
		return " and IEC"
	}
	return ""
}

// hsMappings builds the mapping set ISO 28000:2022 → the harmonized-structure
// framework of std: equal where the harmonized purpose is the same (whatever
// the edition's number), subset where ISO 28000 splits a harmonized clause
// the other standard keeps whole.
func hsMappings(facts string, std hsStandard) (*catalog.Library, error) {
	rows, err := hsRows(facts, std.key)
	if err != nil {
		return nil, err
	}
	byHS := map[string]hsRow{}
	for _, r := range rows {
		byHS[r.hs] = r
	}
	key := hsKey(std)
	spec := mappingSpec{
		ref: "mapping-iso28000-" + key, name: "ISO 28000:2022 → " + std.name + " (harmonized structure)",
		description: "Maps the ISO 28000:2022 clauses that follow the harmonized structure to the clauses of " + std.name + " with the same harmonized purpose, so that an integrated management system can reuse evidence. Only harmonized-structure clauses are mapped; where the editions number a clause differently, it is mapped by purpose.",
		srcKey:      "iso28000-2022", dstKey: key, srcLib: "iso28000-2022", dstLib: key,
	}
	refs := make([]string, 0, len(iso28000HS))
	for ref := range iso28000HS {
		refs = append(refs, ref)
	}
	slices.SortFunc(refs, compareRefs)
	for _, ref := range refs {
		h := iso28000HS[ref]
		purpose := hsPurpose(h.hs)
		r, ok := byHS[h.hs]
		whole := false
		if !ok && strings.Count(h.hs, ".") == 2 { // a harmonized sub-clause the edition keeps whole
			parent := h.hs[:strings.LastIndex(h.hs, ".")]
			r, ok = byHS[parent]
			whole = true
			purpose = hsPurpose(parent)
		}
		if !ok {
			continue // e.g. 6.3 in ISO 14001:2015 and ISO 45001:2018
		}
		m := mapping{src: ref, dst: r.id, rel: eq, strength: 3}
		switch {
		case h.split:
			m.rel, m.strength = sb, 2
			m.rationale = fmt.Sprintf("ISO 28000 splits harmonized clause %s (%s); this part is covered by %s %s, which also asks for more.", h.hs, purpose, std.name, r.id)
		case whole:
			m.rel, m.strength = sb, 2
			m.rationale = fmt.Sprintf("Part of harmonized clause %s (%s), which %s keeps as one clause %s; evidence for this part serves it only in part.", r.hs, purpose, std.name, r.id)
		case r.alsoCovers != "":
			m.rel, m.strength = sb, 2
			m.rationale = fmt.Sprintf("Same harmonized purpose (%s); %s %s also covers %s, so it asks for more.", purpose, std.name, r.id, r.alsoCovers)
		default:
			m.rationale = fmt.Sprintf("Same harmonized-structure clause %s (%s): one process and its records can serve both management systems.", h.hs, purpose)
			if r.id != ref {
				m.rationale += fmt.Sprintf(" %s numbers it %s (edition order differs).", std.name, r.id)
			}
		}
		spec.mappings = append(spec.mappings, m)
	}
	return mappingLib(spec)
}

// hsPurpose names a harmonized clause in running text ("internal audit";
// "internal audit, general" for a General sub-clause).
func hsPurpose(hs string) string {
	title := hsClauses[hs].title
	if title == "General" {
		return hsPurpose(hs[:strings.LastIndex(hs, ".")]) + ", general"
	}
	return strings.ToLower(title[:1]) + title[1:]
}

// hsFiles lists the generated harmonized-structure libraries.
func hsFiles(facts string) []genFile {
	var out []genFile
	for _, std := range hsStandards {
		out = append(out,
			genFile{hsKey(std) + ".yaml", func() (*catalog.Library, error) { return hsFramework(facts, std) }},
			genFile{"mapping-iso28000-" + hsKey(std) + ".yaml", func() (*catalog.Library, error) { return hsMappings(facts, std) }})
	}
	return out
}
