package catalog

import (
	"fmt"
	"strings"
	"unicode"
)

// Validate checks a library's meaning and returns a *ValidationError listing
// every problem found (up to MaxProblems), or nil. It checks:
//
//   - required fields: urn, locale, ref_id, name, description, version ≥ 1,
//     provider and packager of the library; urn and name of every object;
//     ref_id of the framework; a name or a description of every requirement
//     node (CISO Assistant nodes often carry only a description);
//   - URN syntax: urn:<packager>:<domain>:<type>:<ref>, no spaces; URNs are
//     compared case-insensitively, as CISO Assistant lowercases them;
//   - duplicate URNs anywhere in the library, duplicate non-empty ref IDs
//     within a framework, duplicate implementation groups, levels, choices
//     and mappings;
//   - the tree: a parent_urn naming no node of the framework, a cycle of
//     parents, a depth that is not 1 at the top or the parent's depth plus
//     one below;
//   - references: implementation groups a node names but the framework does
//     not define; reference controls and threats not in the library (only
//     when the library declares no dependencies, which could hold them);
//     depends_on naming an unknown question or answer;
//   - mappings: a source (target) requirement missing from the library's
//     framework when the mapping set's source (target) framework is that
//     framework; relationship not equal, subset, superset or intersect;
//     a negative strength;
//   - enumerations: importance, provenance, question type, compute result,
//     control category, CSF function, metric category;
//   - risk matrices: levels present with unique IDs, a grid of one row per
//     probability and one column per impact whose cells are risk IDs.
func (lib *Library) Validate() error {
	v := validator{lib: lib, urns: make(map[string]string)}
	v.library()
	return v.probs.err()
}

type validator struct {
	lib   *Library
	probs problems
	urns  map[string]string // lower-case URN → who uses it
}

// at reports a problem on obj (a pointer into the library) and one of its
// YAML keys; what describes obj.
func (v *validator) at(obj any, field, what, format string, args ...any) {
	line := v.lib.pos.line(obj, field)
	where := what
	if field != "" {
		where += ", " + field
	}
	v.probs.add(line, placeLine(line, where), fmt.Sprintf(format, args...))
}

// ref describes an object with its line, for "first used by" messages.
func (v *validator) ref(obj any, what string) string {
	if line := v.lib.pos.line(obj, ""); line > 0 {
		return fmt.Sprintf("%s (line %d)", what, line)
	}
	return what
}

func describeObj(kind, urn string, i int, refID string) string {
	if urn != "" {
		return kind + " " + urn
	}
	if refID != "" {
		return fmt.Sprintf("%s #%d (ref_id %s)", kind, i+1, refID)
	}
	return fmt.Sprintf("%s #%d", kind, i+1)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func (v *validator) required(obj any, field, what, value string) {
	if blank(value) {
		if field == "name" {
			v.at(obj, field, what, "name is empty")
			return
		}
		v.at(obj, field, what, "%s is missing", field)
	}
}

// urnSyntax returns why urn is not a well-formed URN, or "".
func urnSyntax(urn string) string {
	parts := strings.Split(urn, ":")
	if len(parts) < 5 || !strings.EqualFold(parts[0], "urn") {
		return fmt.Sprintf("%q is not a URN of the form urn:<packager>:<domain>:<type>:<ref>", urn)
	}
	for _, p := range parts[1:4] {
		if p == "" || strings.IndexFunc(p, func(r rune) bool {
			return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_'))
		}) >= 0 {
			return fmt.Sprintf("%q is not a URN of the form urn:<packager>:<domain>:<type>:<ref> (letters, digits, - and _ before the reference)", urn)
		}
	}
	if strings.Join(parts[4:], ":") == "" || strings.IndexFunc(urn, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}) >= 0 {
		return fmt.Sprintf("%q is not a URN: empty reference or white space", urn)
	}
	return ""
}

// urn checks a required URN field and claims it library-wide.
func (v *validator) urn(obj any, field, what, urn string) {
	if urn == "" {
		v.at(obj, field, what, "urn is missing")
		return
	}
	if msg := urnSyntax(urn); msg != "" {
		v.at(obj, field, what, "%s", msg)
		return
	}
	key := strings.ToLower(urn)
	if first, dup := v.urns[key]; dup {
		v.at(obj, field, what, "duplicate URN %s; first used by %s", urn, first)
		return
	}
	v.urns[key] = v.ref(obj, what)
}

// urnRef checks a URN that points at something (syntax only).
func (v *validator) urnRef(obj any, field, what, urn string) bool {
	if urn == "" {
		v.at(obj, field, what, "%s is missing", field)
		return false
	}
	if msg := urnSyntax(urn); msg != "" {
		v.at(obj, field, what, "%s", msg)
		return false
	}
	return true
}

func (v *validator) library() {
	l := v.lib
	const what = "library"
	v.urn(l, "urn", what, l.URN)
	v.required(l, "locale", what, l.Locale)
	v.required(l, "ref_id", what, l.RefID)
	v.required(l, "name", what, l.Name)
	v.required(l, "description", what, l.Description)
	v.required(l, "provider", what, l.Provider)
	v.required(l, "packager", what, l.Packager)
	if l.Version < 1 {
		v.at(l, "version", what, "version must be an integer of 1 or more, found %d", l.Version)
	}
	seen := make(map[string]bool)
	for _, dep := range l.Dependencies {
		switch {
		case !v.urnRef(l, "dependencies", what, dep):
		case strings.EqualFold(dep, l.URN):
			v.at(l, "dependencies", what, "the library depends on itself")
		case seen[strings.ToLower(dep)]:
			v.at(l, "dependencies", what, "dependency %s is listed twice", dep)
		}
		seen[strings.ToLower(dep)] = true
	}

	o := &l.Objects
	if o.Framework == nil && len(o.RiskMatrices) == 0 && len(o.Threats) == 0 && len(o.ReferenceControls) == 0 &&
		o.RequirementMappingSet == nil && len(o.RequirementMappingSets) == 0 && len(o.MetricDefinitions) == 0 && len(o.Extra) == 0 {
		v.at(o, "", "objects", "the library holds no objects")
	}
	// Referenced objects first, so that their URNs are known when nodes
	// point at them.
	controls := make(map[string]bool)
	for i := range o.ReferenceControls {
		c := &o.ReferenceControls[i]
		w := describeObj("reference control", c.URN, i, c.RefID)
		v.urn(c, "urn", w, c.URN)
		v.required(c, "name", w, c.Name)
		if c.Category != "" && !oneOf(c.Category, CategoryPolicy, CategoryProcess, CategoryTechnical, CategoryPhysical, CategoryProcedure) {
			v.at(c, "category", w, "category %q is not policy, process, technical, physical or procedure", c.Category)
		}
		if c.CSFFunction != "" && !oneOf(c.CSFFunction, CSFGovern, CSFIdentify, CSFProtect, CSFDetect, CSFRespond, CSFRecover) {
			v.at(c, "csf_function", w, "csf_function %q is not govern, identify, protect, detect, respond or recover", c.CSFFunction)
		}
		controls[strings.ToLower(c.URN)] = true
	}
	threats := make(map[string]bool)
	for i := range o.Threats {
		t := &o.Threats[i]
		w := describeObj("threat", t.URN, i, t.RefID)
		v.urn(t, "urn", w, t.URN)
		v.required(t, "name", w, t.Name)
		threats[strings.ToLower(t.URN)] = true
	}
	for i := range o.RiskMatrices {
		v.riskMatrix(&o.RiskMatrices[i], i)
	}
	nodes := make(map[string]bool)
	if o.Framework != nil {
		nodes = v.framework(o.Framework, controls, threats)
	}
	if o.RequirementMappingSet != nil {
		v.mappingSet(o.RequirementMappingSet, "mapping set "+o.RequirementMappingSet.URN, nodes)
	}
	for i := range o.RequirementMappingSets {
		s := &o.RequirementMappingSets[i]
		v.mappingSet(s, describeObj("mapping set", s.URN, i, s.RefID), nodes)
	}
	for i := range o.MetricDefinitions {
		v.metric(&o.MetricDefinitions[i], i)
	}
}

func oneOf[T ~string](x T, allowed ...T) bool {
	for _, a := range allowed {
		if x == a {
			return true
		}
	}
	return false
}

func (v *validator) scores(obj any, what string, lo, hi *int, defs []ScoreDefinition) {
	if lo != nil && hi != nil && *lo > *hi {
		v.at(obj, "min_score", what, "min_score %d is above max_score %d", *lo, *hi)
	}
	seen := make(map[int]bool)
	for i := range defs {
		d := &defs[i]
		w := fmt.Sprintf("%s, score definition #%d", what, i+1)
		v.required(d, "name", w, d.Name)
		if seen[d.Score] {
			v.at(d, "score", w, "score %d is defined twice", d.Score)
		}
		seen[d.Score] = true
		if (lo != nil && d.Score < *lo) || (hi != nil && d.Score > *hi) {
			v.at(d, "score", w, "score %d is outside min_score..max_score", d.Score)
		}
	}
}

// framework checks a framework and returns the lower-case URNs of its nodes.
func (v *validator) framework(fw *Framework, controls, threats map[string]bool) map[string]bool {
	what := describeObj("framework", fw.URN, 0, fw.RefID)
	v.urn(fw, "urn", what, fw.URN)
	v.required(fw, "ref_id", what, fw.RefID)
	v.required(fw, "name", what, fw.Name)
	v.scores(fw, what, fw.MinScore, fw.MaxScore, fw.ScoresDefinition)

	groups := make(map[string]bool)
	for i := range fw.ImplementationGroupsDefinition {
		g := &fw.ImplementationGroupsDefinition[i]
		w := fmt.Sprintf("%s, implementation group #%d", what, i+1)
		v.required(g, "ref_id", w, g.RefID)
		v.required(g, "name", w, g.Name)
		if groups[g.RefID] {
			v.at(g, "ref_id", w, "implementation group %q is defined twice", g.RefID)
		}
		groups[g.RefID] = true
	}

	nodes := fw.RequirementNodes
	names := make([]string, len(nodes))
	index := make(map[string]int, len(nodes)) // lower-case URN → first node
	refs := make(map[string]int, len(nodes))
	questions := make(map[string]*Question)
	for i := range nodes {
		n := &nodes[i]
		w := describeObj("requirement node", n.URN, i, n.RefID)
		names[i] = w
		if n.URN != "" && urnSyntax(n.URN) == "" {
			if j, dup := index[strings.ToLower(n.URN)]; dup {
				v.at(n, "urn", w, "duplicate URN; first used by %s", v.ref(&nodes[j], names[j]))
			} else {
				index[strings.ToLower(n.URN)] = i
				v.urn(n, "urn", w, n.URN)
			}
		} else {
			v.urn(n, "urn", w, n.URN)
		}
		if n.RefID != "" {
			if j, dup := refs[n.RefID]; dup {
				v.at(n, "ref_id", w, "duplicate ref_id %q; first used by %s", n.RefID, v.ref(&nodes[j], names[j]))
			} else {
				refs[n.RefID] = i
			}
		}
		if blank(n.Name) && blank(n.Description) {
			v.at(n, "name", w, "name is empty (a requirement node needs a name or a description)")
		}
		if n.Depth < 1 {
			v.at(n, "depth", w, "depth must be 1 or more, found %d", n.Depth)
		}
		if n.Importance != "" && !oneOf(n.Importance, ImportanceMandatory, ImportanceRecommended, ImportanceNiceToHave) {
			v.at(n, "importance", w, "importance %q is not mandatory, recommended or nice_to_have", n.Importance)
		}
		if n.Weight < 0 {
			v.at(n, "weight", w, "weight must be 1 or more, found %d", n.Weight)
		}
		if n.Provenance != "" && !oneOf(n.Provenance, ProvenanceVerified, ProvenanceHarmonized, ProvenanceSecondary) {
			v.at(n, "annotation", w, "provenance %q is not verified, harmonized-structure or secondary-source", n.Provenance)
		}
		if strings.HasPrefix(n.Annotation, provenanceMarker) {
			v.at(n, "annotation", w, "annotation starts with a malformed provenance marker %s…]", provenanceMarker)
		}
		v.scores(n, w, n.MinScore, n.MaxScore, n.ScoresDefinition)
		for _, g := range n.ImplementationGroups {
			if !groups[g] {
				v.at(n, "implementation_groups", w, "implementation group %q is not defined by the framework", g)
			}
		}
		local := len(v.lib.Dependencies) == 0
		for _, c := range n.ReferenceControls {
			if v.urnRef(n, "reference_controls", w, c) && local && !controls[strings.ToLower(c)] {
				v.at(n, "reference_controls", w, "reference control %s is not in the library", c)
			}
		}
		for _, t := range n.Threats {
			if v.urnRef(n, "threats", w, t) && local && !threats[strings.ToLower(t)] {
				v.at(n, "threats", w, "threat %s is not in the library", t)
			}
		}
		for k := range n.Questions {
			q := &n.Questions[k]
			v.question(q, fmt.Sprintf("question %s of %s", q.URN, w), groups)
			questions[strings.ToLower(q.URN)] = q
		}
	}
	for i := range nodes {
		for k := range nodes[i].Questions {
			q := &nodes[i].Questions[k]
			v.dependsOn(q, fmt.Sprintf("question %s of %s", q.URN, names[i]), questions)
		}
	}
	v.tree(nodes, names, index)

	out := make(map[string]bool, len(index))
	for urn := range index {
		out[urn] = true
	}
	return out
}

// tree checks parents, cycles and depths.
func (v *validator) tree(nodes []RequirementNode, names []string, index map[string]int) {
	parent := make([]int, len(nodes)) // index of the parent, -1 for none or unknown
	for i := range nodes {
		n := &nodes[i]
		parent[i] = -1
		if n.ParentURN == "" {
			continue
		}
		p, ok := index[strings.ToLower(n.ParentURN)]
		if !ok {
			v.at(n, "parent_urn", names[i], "parent %s does not exist in the framework", n.ParentURN)
			continue
		}
		parent[i] = p
	}

	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(nodes))
	inCycle := make([]bool, len(nodes))
	var path []int
	for start := range nodes {
		path = path[:0]
		j := start
		for j >= 0 && state[j] == unvisited {
			state[j] = visiting
			path = append(path, j)
			j = parent[j]
		}
		if j >= 0 && state[j] == visiting {
			// j is on the current path: path[from:] is a cycle.
			from := 0
			for path[from] != j {
				from++
			}
			chain := make([]string, 0, len(path)-from+1)
			for _, c := range path[from:] {
				inCycle[c] = true
				chain = append(chain, nodeLabel(&nodes[c]))
			}
			chain = append(chain, nodeLabel(&nodes[j]))
			v.at(&nodes[j], "parent_urn", names[j], "parent chain forms a cycle: %s", strings.Join(chain, " → "))
		}
		for _, c := range path {
			state[c] = done
		}
	}

	for i := range nodes {
		n := &nodes[i]
		switch p := parent[i]; {
		case inCycle[i]:
		case n.ParentURN == "":
			if n.Depth != 1 {
				v.at(n, "depth", names[i], "a top-level node has depth 1, found %d", n.Depth)
			}
		case p >= 0 && !inCycle[p] && n.Depth != nodes[p].Depth+1:
			v.at(n, "depth", names[i], "depth %d is inconsistent with parent %s at depth %d (expected %d)",
				n.Depth, nodeLabel(&nodes[p]), nodes[p].Depth, nodes[p].Depth+1)
		}
	}
}

// nodeLabel names a node briefly: its ref ID, else its URN.
func nodeLabel(n *RequirementNode) string {
	if n.RefID != "" {
		return n.RefID
	}
	return n.URN
}

func (v *validator) question(q *Question, what string, groups map[string]bool) {
	v.urn(q, "", what, q.URN)
	choice := q.Type == QuestionUniqueChoice || q.Type == QuestionMultipleChoice
	switch {
	case q.Type == "":
		v.at(q, "type", what, "type is missing")
	case !choice && !oneOf(q.Type, QuestionText, QuestionDate, QuestionNumber, QuestionBoolean):
		v.at(q, "type", what, "type %q is not unique_choice, multiple_choice, text, date, number or boolean", q.Type)
	case choice && len(q.Choices) == 0:
		v.at(q, "choices", what, "a %s question needs choices", q.Type)
	}
	for i := range q.Choices {
		c := &q.Choices[i]
		w := fmt.Sprintf("%s, choice #%d", what, i+1)
		v.urn(c, "urn", w, c.URN)
		v.required(c, "value", w, c.Value)
		if c.ComputeResult != "" && !oneOf(c.ComputeResult, ResultCompliant, ResultNonCompliant, ResultPartiallyCompliant, ResultNotApplicable) {
			v.at(c, "compute_result", w, "compute_result %q is not compliant, non_compliant, partially_compliant or not_applicable", c.ComputeResult)
		}
		for _, g := range c.SelectImplementationGroups {
			if !groups[g] {
				v.at(c, "select_implementation_groups", w, "implementation group %q is not defined by the framework", g)
			}
		}
	}
}

func (v *validator) dependsOn(q *Question, what string, questions map[string]*Question) {
	d := q.DependsOn
	if d == nil {
		return
	}
	if d.Condition != "" && d.Condition != "any" && d.Condition != "all" {
		v.at(d, "condition", what+", depends_on", "condition %q is not any or all", d.Condition)
	}
	target, ok := questions[strings.ToLower(d.Question)]
	if !ok {
		v.at(d, "question", what+", depends_on", "question %q is not in the framework", d.Question)
		return
	}
	for _, a := range d.Answers {
		found := false
		for _, c := range target.Choices {
			found = found || strings.EqualFold(c.URN, a)
		}
		if !found {
			v.at(d, "answers", what+", depends_on", "answer %s is not a choice of question %s", a, target.URN)
		}
	}
}

func (v *validator) riskMatrix(m *RiskMatrix, i int) {
	what := describeObj("risk matrix", m.URN, i, m.RefID)
	v.urn(m, "urn", what, m.URN)
	v.required(m, "name", what, m.Name)
	levels := func(field string, ls []RiskLevel) map[int]bool {
		ids := make(map[int]bool, len(ls))
		if len(ls) == 0 {
			v.at(m, field, what, "%s has no levels", field)
		}
		for k := range ls {
			l := &ls[k]
			w := fmt.Sprintf("%s, %s #%d", what, field, k+1)
			v.required(l, "name", w, l.Name)
			if ids[l.ID] {
				v.at(l, "id", w, "%s id %d is used twice", field, l.ID)
			}
			ids[l.ID] = true
		}
		return ids
	}
	levels("probability", m.Probability)
	levels("impact", m.Impact)
	risks := levels("risk", m.Risk)
	if len(m.Grid) != len(m.Probability) {
		v.at(m, "grid", what, "grid has %d rows; expected %d (one per probability)", len(m.Grid), len(m.Probability))
	}
	for r, row := range m.Grid {
		if len(row) != len(m.Impact) {
			v.at(m, "grid", what, "grid row %d has %d cells; expected %d (one per impact)", r+1, len(row), len(m.Impact))
		}
		for c, cell := range row {
			if !risks[cell] {
				v.at(m, "grid", what, "grid row %d, column %d: %d is not a risk id", r+1, c+1, cell)
			}
		}
	}
}

func (v *validator) mappingSet(s *RequirementMappingSet, what string, nodes map[string]bool) {
	v.urn(s, "urn", what, s.URN)
	v.required(s, "name", what, s.Name)
	v.urnRef(s, "source_framework_urn", what, s.SourceFrameworkURN)
	v.urnRef(s, "target_framework_urn", what, s.TargetFrameworkURN)
	var fwURN string
	if fw := v.lib.Objects.Framework; fw != nil {
		fwURN = fw.URN
	}
	sourceHere := fwURN != "" && strings.EqualFold(s.SourceFrameworkURN, fwURN)
	targetHere := fwURN != "" && strings.EqualFold(s.TargetFrameworkURN, fwURN)
	pairs := make(map[[2]string]int)
	for k := range s.RequirementMappings {
		m := &s.RequirementMappings[k]
		w := fmt.Sprintf("%s, mapping #%d", what, k+1)
		if v.urnRef(m, "source_requirement_urn", w, m.SourceRequirementURN) && sourceHere && !nodes[strings.ToLower(m.SourceRequirementURN)] {
			v.at(m, "source_requirement_urn", w, "source requirement %s is not in framework %s", m.SourceRequirementURN, fwURN)
		}
		if v.urnRef(m, "target_requirement_urn", w, m.TargetRequirementURN) && targetHere && !nodes[strings.ToLower(m.TargetRequirementURN)] {
			v.at(m, "target_requirement_urn", w, "target requirement %s is not in framework %s", m.TargetRequirementURN, fwURN)
		}
		switch {
		case m.Relationship == "":
			v.at(m, "relationship", w, "relationship is missing")
		case !oneOf(m.Relationship, RelationshipEqual, RelationshipSubset, RelationshipSuperset, RelationshipIntersect):
			v.at(m, "relationship", w, "relationship %q is not equal, subset, superset or intersect", m.Relationship)
		}
		if m.StrengthOfRelationship != nil && *m.StrengthOfRelationship < 0 {
			v.at(m, "strength_of_relationship", w, "strength_of_relationship must not be negative, found %d", *m.StrengthOfRelationship)
		}
		pair := [2]string{strings.ToLower(m.SourceRequirementURN), strings.ToLower(m.TargetRequirementURN)}
		if first, dup := pairs[pair]; dup {
			v.at(m, "", w, "duplicate mapping %s → %s; first at mapping #%d", m.SourceRequirementURN, m.TargetRequirementURN, first+1)
		} else {
			pairs[pair] = k
		}
	}
}

func (v *validator) metric(m *MetricDefinition, i int) {
	what := describeObj("metric definition", m.URN, i, m.RefID)
	v.urn(m, "urn", what, m.URN)
	v.required(m, "name", what, m.Name)
	switch m.Category {
	case "":
		v.at(m, "category", what, "category is missing")
	case MetricQuantitative:
	case MetricQualitative:
		if len(m.ChoicesDefinition) == 0 {
			v.at(m, "choices_definition", what, "a qualitative metric needs choices_definition")
		}
	default:
		v.at(m, "category", what, "category %q is not quantitative or qualitative", m.Category)
	}
	for k := range m.ChoicesDefinition {
		c := &m.ChoicesDefinition[k]
		v.required(c, "name", fmt.Sprintf("%s, choice #%d", what, k+1), c.Name)
	}
}
