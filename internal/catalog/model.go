package catalog

// The yaml tags below name the CISO Assistant keys and fix the order in which
// Write emits them; ",omitempty" marks keys that are left out when empty.
// Fields tagged "-" are not YAML keys of their own.

// Library is one CISO Assistant library: metadata plus the objects it
// publishes. Parse records where each object sits in the source file; that
// record is not part of the value (compare libraries with
// cmpopts.IgnoreUnexported(Library{})).
type Library struct {
	// URN identifies the library: urn:<packager>:risk:library:<ref>.
	URN string `yaml:"urn"`
	// Locale is the main language of the content ("en", "fr" …).
	Locale      string `yaml:"locale"`
	RefID       string `yaml:"ref_id"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Copyright   string `yaml:"copyright,omitempty"`
	// Version is a positive integer; a library loads only if no library
	// with the same URN and an equal or higher version is loaded.
	Version int `yaml:"version"`
	// PublicationDate is an ISO date (YYYY-MM-DD), kept as text.
	PublicationDate string `yaml:"publication_date,omitempty"`
	// Provider is who wrote the content; objects inherit it.
	Provider string `yaml:"provider"`
	// Packager is who packaged the library ("intuitem" is reserved for
	// CISO Assistant's own libraries; Bulkhead uses "bulkhead").
	Packager string `yaml:"packager"`
	// Dependencies are URNs of libraries that must be loaded first.
	Dependencies []string `yaml:"dependencies,omitempty"`
	// Translations maps a locale to translated name, description and
	// copyright.
	Translations Translations `yaml:"translations,omitempty"`
	// Labels are upper-cased tags.
	Labels []string `yaml:"labels,omitempty"`
	// ConvertLibraryVersion is the provenance string written by CISO
	// Assistant's converter.
	ConvertLibraryVersion string  `yaml:"convert_library_version,omitempty"`
	Objects               Objects `yaml:"objects"`
	// Extra holds keys this package does not model, in source order.
	Extra Fields `yaml:"-"`

	pos *positions
}

// Translations maps a locale ("fr", "de" …) to translated text fields keyed
// by field name ("name", "description", "annotation" …).
type Translations map[string]map[string]string

// Objects is what a library publishes. CISO Assistant libraries usually hold
// one kind of object each (one framework, or one mapping set …).
type Objects struct {
	Framework         *Framework         `yaml:"framework,omitempty"`
	RiskMatrices      []RiskMatrix       `yaml:"risk_matrix,omitempty"`
	Threats           []Threat           `yaml:"threats,omitempty"`
	ReferenceControls []ReferenceControl `yaml:"reference_controls,omitempty"`
	// RequirementMappingSet is the single-set form of the key; a file may
	// use it or RequirementMappingSets (a list), and Write keeps the form
	// the source used.
	RequirementMappingSet  *RequirementMappingSet  `yaml:"requirement_mapping_set,omitempty"`
	RequirementMappingSets []RequirementMappingSet `yaml:"requirement_mapping_sets,omitempty"`
	MetricDefinitions      []MetricDefinition      `yaml:"metric_definitions,omitempty"`
	// Extra holds object types this package does not model (preset,
	// ttp_catalogs, tactics, techniques …), in source order.
	Extra Fields `yaml:"-"`
}

// Framework is a requirement catalog: a flat list of nodes that forms a tree
// through ParentURN.
type Framework struct {
	URN         string `yaml:"urn"`
	RefID       string `yaml:"ref_id"`
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// MinScore and MaxScore bound assessment scores; nil means unset.
	MinScore         *int              `yaml:"min_score,omitempty"`
	MaxScore         *int              `yaml:"max_score,omitempty"`
	ScoresDefinition []ScoreDefinition `yaml:"scores_definition,omitempty"`
	// ImplementationGroupsDefinition lists the scoping groups (entity type,
	// level …) that nodes may name in ImplementationGroups.
	ImplementationGroupsDefinition []ImplementationGroup `yaml:"implementation_groups_definition,omitempty"`
	Translations                   Translations          `yaml:"translations,omitempty"`
	RequirementNodes               []RequirementNode     `yaml:"requirement_nodes,omitempty"`
	Extra                          Fields                `yaml:"-"`
}

// ScoreDefinition names one score value of a framework or node.
type ScoreDefinition struct {
	Score          int          `yaml:"score"`
	Name           string       `yaml:"name"`
	Description    string       `yaml:"description,omitempty"`
	DescriptionDoc string       `yaml:"description_doc,omitempty"`
	Translations   Translations `yaml:"translations,omitempty"`
	Extra          Fields       `yaml:"-"`
}

// ImplementationGroup is a scoping group of a framework, such as a business
// entity type (importer, carrier …) or a level.
type ImplementationGroup struct {
	RefID           string       `yaml:"ref_id"`
	Name            string       `yaml:"name"`
	Description     string       `yaml:"description,omitempty"`
	DefaultSelected bool         `yaml:"default_selected,omitempty"`
	Translations    Translations `yaml:"translations,omitempty"`
	Extra           Fields       `yaml:"-"`
}

// RequirementNode is one clause, section or requirement of a framework.
type RequirementNode struct {
	// URN is urn:<packager>:risk:req_node:<framework>:<ref>.
	URN string `yaml:"urn"`
	// Assessable nodes are answered in an assessment; the others are
	// headings. Assessable nodes may nest under assessable nodes.
	Assessable bool `yaml:"assessable"`
	// Depth is 1 for top-level nodes and the parent's depth plus one below.
	Depth int `yaml:"depth"`
	// ParentURN is empty for top-level nodes.
	ParentURN string `yaml:"parent_urn,omitempty"`
	RefID     string `yaml:"ref_id,omitempty"`
	Name      string `yaml:"name,omitempty"`
	// Description is the node's text; in Bulkhead's own catalogs it is our
	// summary, never the standard's wording.
	Description string `yaml:"description,omitempty"`
	// Annotation is the packager's guidance, without the provenance marker
	// (see Provenance).
	Annotation      string `yaml:"annotation,omitempty"`
	TypicalEvidence string `yaml:"typical_evidence,omitempty"`
	// ImplementationGroups are ref IDs from the framework's
	// ImplementationGroupsDefinition.
	ImplementationGroups []string `yaml:"implementation_groups,omitempty"`
	// ReferenceControls and Threats are URNs of objects in this library or
	// in one of its dependencies.
	ReferenceControls []string          `yaml:"reference_controls,omitempty"`
	Threats           []string          `yaml:"threats,omitempty"`
	Importance        Importance        `yaml:"importance,omitempty"`
	Weight            int               `yaml:"weight,omitempty"`
	MinScore          *int              `yaml:"min_score,omitempty"`
	MaxScore          *int              `yaml:"max_score,omitempty"`
	ScoresDefinition  []ScoreDefinition `yaml:"scores_definition,omitempty"`
	// DisplayMode is a presentation hint such as "splash".
	DisplayMode  string       `yaml:"display_mode,omitempty"`
	Questions    Questions    `yaml:"questions,omitempty"`
	Translations Translations `yaml:"translations,omitempty"`
	// Provenance says where the node's ID and title come from. It is a
	// Bulkhead extension carried as a marker at the start of the
	// annotation (see the package documentation).
	Provenance Provenance `yaml:"-"`
	Extra      Fields     `yaml:"-"`
}

// Questions are a node's questionnaire items in order. In YAML they are a
// mapping from question URN to question.
type Questions []Question

// Question is one questionnaire item of a requirement node.
type Question struct {
	// URN is the question's key in the node's questions mapping.
	URN          string       `yaml:"-"`
	Type         QuestionType `yaml:"type"`
	Text         string       `yaml:"text,omitempty"`
	Choices      []Choice     `yaml:"choices,omitempty"`
	DependsOn    *DependsOn   `yaml:"depends_on,omitempty"`
	Translations Translations `yaml:"translations,omitempty"`
	Extra        Fields       `yaml:"-"`
}

// Choice is one answer of a choice question.
type Choice struct {
	URN         string `yaml:"urn"`
	Value       string `yaml:"value"`
	Description string `yaml:"description,omitempty"`
	// AddScore is added to the node's score when the choice is selected.
	AddScore                   *int          `yaml:"add_score,omitempty"`
	ComputeResult              ComputeResult `yaml:"compute_result,omitempty"`
	SelectImplementationGroups []string      `yaml:"select_implementation_groups,omitempty"`
	Color                      string        `yaml:"color,omitempty"`
	Translations               Translations  `yaml:"translations,omitempty"`
	Extra                      Fields        `yaml:"-"`
}

// DependsOn makes a question visible only for some answers of another one.
type DependsOn struct {
	// Question is the URN of the question this one depends on.
	Question string `yaml:"question"`
	// Answers are choice URNs of that question.
	Answers []string `yaml:"answers,omitempty"`
	// Condition is "any" or "all".
	Condition string `yaml:"condition,omitempty"`
	Extra     Fields `yaml:"-"`
}

// RiskMatrix is a probability × impact grid whose cells name risk levels.
type RiskMatrix struct {
	URN         string      `yaml:"urn"`
	RefID       string      `yaml:"ref_id,omitempty"`
	Name        string      `yaml:"name"`
	Description string      `yaml:"description,omitempty"`
	Probability []RiskLevel `yaml:"probability,omitempty"`
	Impact      []RiskLevel `yaml:"impact,omitempty"`
	Risk        []RiskLevel `yaml:"risk,omitempty"`
	// Grid has one row per probability and one column per impact; each cell
	// is a Risk ID.
	Grid         [][]int      `yaml:"grid,omitempty"`
	Translations Translations `yaml:"translations,omitempty"`
	Extra        Fields       `yaml:"-"`
}

// RiskLevel is one probability, impact or risk level of a matrix.
type RiskLevel struct {
	ID           int          `yaml:"id"`
	Abbreviation string       `yaml:"abbreviation,omitempty"`
	Name         string       `yaml:"name"`
	Description  string       `yaml:"description,omitempty"`
	Hexcolor     string       `yaml:"hexcolor,omitempty"`
	Translations Translations `yaml:"translations,omitempty"`
	Extra        Fields       `yaml:"-"`
}

// Threat is a reusable threat that requirement nodes can reference.
type Threat struct {
	URN          string       `yaml:"urn"`
	RefID        string       `yaml:"ref_id,omitempty"`
	Name         string       `yaml:"name"`
	Description  string       `yaml:"description,omitempty"`
	Annotation   string       `yaml:"annotation,omitempty"`
	Translations Translations `yaml:"translations,omitempty"`
	Extra        Fields       `yaml:"-"`
}

// ReferenceControl is a reusable control that requirement nodes can
// reference.
type ReferenceControl struct {
	URN             string          `yaml:"urn"`
	RefID           string          `yaml:"ref_id,omitempty"`
	Name            string          `yaml:"name"`
	Description     string          `yaml:"description,omitempty"`
	Annotation      string          `yaml:"annotation,omitempty"`
	TypicalEvidence string          `yaml:"typical_evidence,omitempty"`
	Category        ControlCategory `yaml:"category,omitempty"`
	CSFFunction     CSFFunction     `yaml:"csf_function,omitempty"`
	Translations    Translations    `yaml:"translations,omitempty"`
	Extra           Fields          `yaml:"-"`
}

// RequirementMappingSet maps the requirements of a source framework to
// those of a target framework.
type RequirementMappingSet struct {
	URN                 string               `yaml:"urn"`
	RefID               string               `yaml:"ref_id,omitempty"`
	Name                string               `yaml:"name"`
	Description         string               `yaml:"description,omitempty"`
	SourceFrameworkURN  string               `yaml:"source_framework_urn"`
	TargetFrameworkURN  string               `yaml:"target_framework_urn"`
	RequirementMappings []RequirementMapping `yaml:"requirement_mappings,omitempty"`
	Translations        Translations         `yaml:"translations,omitempty"`
	Extra               Fields               `yaml:"-"`
}

// RequirementMapping relates one source requirement to one target
// requirement.
type RequirementMapping struct {
	SourceRequirementURN string       `yaml:"source_requirement_urn"`
	TargetRequirementURN string       `yaml:"target_requirement_urn"`
	Relationship         Relationship `yaml:"relationship"`
	// Rationale says how the relation was judged (for example syntactic,
	// semantic or functional).
	Rationale string `yaml:"rationale,omitempty"`
	// StrengthOfRelationship is a non-negative integer; nil means unset.
	StrengthOfRelationship *int   `yaml:"strength_of_relationship,omitempty"`
	Extra                  Fields `yaml:"-"`
}

// MetricDefinition defines a metric that can be tracked against objectives.
type MetricDefinition struct {
	URN            string         `yaml:"urn"`
	RefID          string         `yaml:"ref_id,omitempty"`
	Name           string         `yaml:"name"`
	Description    string         `yaml:"description,omitempty"`
	Category       MetricCategory `yaml:"category"`
	Unit           string         `yaml:"unit,omitempty"`
	HigherIsBetter *bool          `yaml:"higher_is_better,omitempty"`
	DefaultTarget  *float64       `yaml:"default_target,omitempty"`
	// ChoicesDefinition lists the values of a qualitative metric.
	ChoicesDefinition []MetricChoice `yaml:"choices_definition,omitempty"`
	Translations      Translations   `yaml:"translations,omitempty"`
	Extra             Fields         `yaml:"-"`
}

// MetricChoice is one value of a qualitative metric.
type MetricChoice struct {
	Name         string       `yaml:"name"`
	Description  string       `yaml:"description,omitempty"`
	Translations Translations `yaml:"translations,omitempty"`
	Extra        Fields       `yaml:"-"`
}

// Fields is an ordered YAML mapping kept as plain data: the unknown keys of
// a modelled object, or a mapping nested in an unknown value.
type Fields []Field

// Field is one key and value of a [Fields] mapping. Value is a string,
// int64 (uint64 above math.MaxInt64), float64, bool, nil, []any or Fields.
type Field struct {
	Key   string
	Value any
}

// Importance says how binding a requirement is.
type Importance string

// Importance values.
const (
	ImportanceMandatory   Importance = "mandatory"
	ImportanceRecommended Importance = "recommended"
	ImportanceNiceToHave  Importance = "nice_to_have"
)

// Relationship is how a source requirement relates to a target requirement.
type Relationship string

// Relationship values.
const (
	// RelationshipEqual: the two requirements ask for the same thing.
	RelationshipEqual Relationship = "equal"
	// RelationshipSubset: the source asks for part of what the target asks.
	RelationshipSubset Relationship = "subset"
	// RelationshipSuperset: the source asks for more than the target.
	RelationshipSuperset Relationship = "superset"
	// RelationshipIntersect: the two overlap in part.
	RelationshipIntersect Relationship = "intersect"
)

// Provenance says where a requirement node's ID and title come from.
type Provenance string

// Provenance values.
const (
	// ProvenanceVerified: seen in a primary source (for ISO 28000, a public
	// table of contents of the standard).
	ProvenanceVerified Provenance = "verified"
	// ProvenanceHarmonized: the number and title are those every ISO
	// management-system standard shares (harmonized structure, Annex SL);
	// very likely right, not yet seen in a source for this standard.
	ProvenanceHarmonized Provenance = "harmonized-structure"
	// ProvenanceSecondary: reported by secondary sources only; verify
	// against the standard before relying on it.
	ProvenanceSecondary Provenance = "secondary-source"
)

// QuestionType is the kind of answer a question takes.
type QuestionType string

// QuestionType values.
const (
	QuestionUniqueChoice   QuestionType = "unique_choice"
	QuestionMultipleChoice QuestionType = "multiple_choice"
	QuestionText           QuestionType = "text"
	QuestionDate           QuestionType = "date"
	QuestionNumber         QuestionType = "number"
	QuestionBoolean        QuestionType = "boolean"
)

// ComputeResult is the compliance result a choice implies.
type ComputeResult string

// ComputeResult values.
const (
	ResultCompliant          ComputeResult = "compliant"
	ResultNonCompliant       ComputeResult = "non_compliant"
	ResultPartiallyCompliant ComputeResult = "partially_compliant"
	ResultNotApplicable      ComputeResult = "not_applicable"
)

// ControlCategory classifies a reference control.
type ControlCategory string

// ControlCategory values.
const (
	CategoryPolicy    ControlCategory = "policy"
	CategoryProcess   ControlCategory = "process"
	CategoryTechnical ControlCategory = "technical"
	CategoryPhysical  ControlCategory = "physical"
	CategoryProcedure ControlCategory = "procedure"
)

// CSFFunction is the NIST CSF function a reference control serves.
type CSFFunction string

// CSFFunction values.
const (
	CSFGovern   CSFFunction = "govern"
	CSFIdentify CSFFunction = "identify"
	CSFProtect  CSFFunction = "protect"
	CSFDetect   CSFFunction = "detect"
	CSFRespond  CSFFunction = "respond"
	CSFRecover  CSFFunction = "recover"
)

// MetricCategory says whether a metric is a number or a choice.
type MetricCategory string

// MetricCategory values.
const (
	MetricQuantitative MetricCategory = "quantitative"
	MetricQualitative  MetricCategory = "qualitative"
)
