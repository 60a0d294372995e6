package epcis

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file holds the business rules ValidateDocument applies beyond the
// JSON Schema: what the schema cannot say (a prefix is declared, an ID is
// unique in the document, minValue ≤ maxValue) and what it says too weakly
// for capture, or only as a format a validator may ignore (time zones, the
// event type). To add a rule, add a row to documentRules or eventRules.

// Rule describes one business rule: the name Problem.Rule carries and
// what it checks.
type Rule struct {
	Name        string
	Description string
}

// Rules returns the business rules ValidateDocument applies, in the order
// it applies them; a rule may appear at both document and event level.
func Rules() []Rule {
	var out []Rule
	for _, r := range documentRules {
		out = append(out, Rule{r.name, r.desc})
	}
	for _, r := range eventRules {
		if !slices.ContainsFunc(out, func(o Rule) bool { return o.Name == r.name }) {
			out = append(out, Rule{r.name, r.desc})
		}
	}
	return append(out, Rule{RuleLimit, fmt.Sprintf("an event holds at most %d JSON values (MaxEventValues)", MaxEventValues)})
}

// Names of the business rules, as Problem.Rule carries them.
const (
	RuleDocumentType     = "document-type"
	RuleContext          = "context"
	RuleExtensionPrefix  = "extension-prefix"
	RuleTime             = "time"
	RuleTimeZoneOffset   = "time-zone-offset"
	RuleDuplicateEventID = "duplicate-event-id"
	RuleEventType        = "event-type"
	RuleAction           = "action"
	RuleILMD             = "ilmd"
	RuleSensorValue      = "sensor-value"
)

// addFunc records a problem at a field (a JSON pointer) of the event or
// document being checked.
type addFunc func(field, format string, args ...any)

// documentRule checks the document as a whole. event is the event a
// problem belongs to, or -1 for the document itself.
type documentRule struct {
	name, desc string
	check      func(d *document, add func(event int, field, format string, args ...any))
}

var documentRules = []documentRule{
	{RuleDocumentType, "a document with an epcisBody has type EPCISDocument or EPCISQueryDocument", checkDocumentType},
	{RuleContext, "the document has an @context that references the EPCIS 2.0 JSON-LD context", checkDocumentContext},
	{RuleExtensionPrefix, "every extension field is a full URI or prefix:name with the prefix declared in @context", checkDocumentExtensions},
	{RuleTime, "timestamps are RFC 3339 date-times with a time zone", checkDocumentTimes},
	{RuleDuplicateEventID, "no two events of the document have the same eventID", checkDuplicateEventIDs},
}

// eventCheck is one event under the event rules.
type eventCheck struct {
	ev  map[string]any
	typ string // the standard event type, or "" when "type" is not one
	// ctx is the document's @context with the event's own over it; nil
	// when neither has one, or the event's cannot be read ("context"
	// reports either, and no prefix can then be checked).
	ctx *ldContext

	rule string    // the rule being applied
	out  []Problem // the problems found so far
}

// report is the addFunc of the rule being applied.
func (c *eventCheck) report(field, format string, args ...any) {
	c.out = append(c.out, Problem{Field: field, Rule: c.rule, Message: fmt.Sprintf(format, args...)})
}

// eventRule checks one event.
type eventRule struct {
	name, desc string
	check      func(c *eventCheck, add addFunc)
}

var eventRules = []eventRule{
	{RuleContext, "an event's own @context is a URL, an object or an array of them", checkEventContext},
	{RuleEventType, "an event has a type, one of the five EPCIS 2.0 event types written as the term", checkEventType},
	{RuleAction, "action is present on object, aggregation, transaction and association events, and absent from transformation events", checkAction},
	{RuleILMD, "an ObjectEvent carries ilmd only with action ADD", checkILMD},
	{RuleTime, "timestamps are RFC 3339 date-times with a time zone", checkEventTimes},
	{RuleTimeZoneOffset, "eventTimeZoneOffset is ±hh:mm, from -14:00 to +14:00", checkTimeZoneOffset},
	{RuleExtensionPrefix, "every extension field is a full URI or prefix:name with the prefix declared in @context", checkEventExtensions},
	{RuleSensorValue, "sensor report values the schema types as numbers are JSON numbers, and minValue ≤ maxValue", checkSensorValues},
}

// documentRuleProblems runs the document rules. It returns the document's
// own problems and, per event, the problems document rules found in it.
func (d *document) documentRuleProblems() (doc []Problem, perEvent [][]Problem) {
	perEvent = make([][]Problem, len(d.events))
	for _, r := range documentRules {
		r.check(d, func(event int, field, format string, args ...any) {
			p := Problem{Event: event, Field: field, Rule: r.name, Message: fmt.Sprintf(format, args...)}
			if event < 0 {
				doc = append(doc, p)
			} else {
				perEvent[event] = append(perEvent[event], p)
			}
		})
	}
	return doc, perEvent
}

// eventRuleProblems runs the event rules on event i.
func (d *document) eventRuleProblems(i int) []Problem {
	ev, ok := d.events[i].(map[string]any)
	if !ok {
		return nil // the schema says "want object"
	}
	c := &eventCheck{ev: ev}
	if t, ok := ev["type"].(string); ok && slices.Contains(eventTypes, t) {
		c.typ = t
	}
	if d.ctxErr == nil && (d.root["@context"] != nil || ev["@context"] != nil) {
		ctx, err := d.ctx.with(ev["@context"])
		if err == nil {
			c.ctx = ctx
		}
	}
	add := c.report
	for _, r := range eventRules {
		if d.single && r.name == RuleContext {
			continue // the event is the document: checkDocumentContext has read its @context
		}
		c.rule = r.name
		r.check(c, add)
	}
	return c.out
}

// rootEvent is the event a problem of the top-level object belongs to: -1
// (the document), or 0 when the document is a single event.
func (d *document) rootEvent() int {
	if d.single {
		return 0
	}
	return -1
}

// epcisContexts are the JSON-LD context URLs that define the EPCIS 2.0
// terms: the ratified one, the unversioned alias of the latest, and the
// development copies the GS1 examples were first written against.
var epcisContexts = []string{
	"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
	"https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
	"https://gs1.github.io/EPCIS/epcis-context.jsonld",
	"https://gs1.github.io/EPCIS/epcis-context-simple.jsonld",
}

func checkDocumentContext(d *document, add func(int, string, string, ...any)) {
	ev := d.rootEvent()
	raw, ok := d.root["@context"]
	switch {
	case !ok || raw == nil:
		add(ev, "/@context", "missing @context: a JSON-LD document must reference the EPCIS 2.0 context (%s)", epcisContexts[0])
	case d.ctxErr != nil:
		add(ev, "/@context", "%v", d.ctxErr)
	case !referencesEPCISContext(raw):
		add(ev, "/@context", "@context does not reference the EPCIS 2.0 context (%s)", epcisContexts[0])
	}
}

func referencesEPCISContext(raw any) bool {
	switch v := raw.(type) {
	case string:
		return slices.Contains(epcisContexts, strings.TrimSpace(v))
	case []any:
		return slices.ContainsFunc(v, referencesEPCISContext)
	}
	return false
}

func checkEventContext(c *eventCheck, add addFunc) {
	if raw, ok := c.ev["@context"]; ok && raw != nil {
		if _, err := defaultContext().with(raw); err != nil {
			add("/@context", "%v", err)
		}
	}
}

// Standard members, by the object they appear in; any other member of
// these objects is an extension. eventFields is the union over the event
// types: a standard field of another type (childEPCs on an ObjectEvent) is
// the schema's to reject, not an extension with a missing prefix.
var (
	documentFields = []string{"@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier",
		"sender", "receiver", "epcisHeader", "epcisBody"}
	eventFields = []string{"@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
		"certificationInfo", "errorDeclaration", "action", "epcList", "quantityList", "bizStep", "disposition",
		"persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
		"sensorElementList", "ilmd", "parentID", "childEPCs", "childQuantityList", "inputEPCList",
		"inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID"}
	locationFields         = []string{"id"}
	errorDeclarationFields = []string{"declarationTime", "reason", "correctiveEventIDs"}
	sensorElementFields    = []string{"sensorMetadata", "sensorReport"}
	sensorMetadataFields   = []string{"time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
		"dataProcessingMethod", "bizRules"}
	sensorReportFields = []string{"type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
		"bizRules", "time", "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "value", "component",
		"stringValue", "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev",
		"percRank", "percValue", "uom"}
)

// fieldSet is a list of standard members as a set.
type fieldSet map[string]bool

func setOf(names []string) fieldSet {
	s := make(fieldSet, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}

var (
	documentFieldSet         = setOf(documentFields)
	headerFieldSet           = setOf([]string{"epcisMasterData"})
	bodyFieldSet             = setOf([]string{"eventList", "queryResults"})
	queryResultsFieldSet     = setOf([]string{"queryName", "subscriptionID", "resultsBody"})
	resultsBodyFieldSet      = setOf([]string{"eventList", "vocabularyList"})
	eventFieldSet            = setOf(eventFields)
	locationFieldSet         = setOf(locationFields)
	errorDeclarationFieldSet = setOf(errorDeclarationFields)
	sensorElementFieldSet    = setOf(sensorElementFields)
	sensorMetadataFieldSet   = setOf(sensorMetadataFields)
	sensorReportFieldSet     = setOf(sensorReportFields)
)

// sensorNumberFields are the sensorReport members the schema types as
// numbers (its "decimal" definition); a test checks the list against it.
var sensorNumberFields = []string{"value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"}

func checkDocumentExtensions(d *document, add func(int, string, string, ...any)) {
	if d.single || d.root["@context"] == nil || d.ctxErr != nil {
		return // a single event is checked as an event; without a context, "context" has said it all
	}
	ev := d.rootEvent()
	x := extensionChecker{ctx: d.ctx, add: func(field, format string, args ...any) { add(ev, field, format, args...) }}
	x.members("", d.root, documentFieldSet)
	x.members("/epcisHeader", d.root["epcisHeader"], headerFieldSet)
	x.members("/epcisBody", d.root["epcisBody"], bodyFieldSet)
	x.members("/epcisBody/queryResults", lookup(d.root, "/epcisBody/queryResults"), queryResultsFieldSet)
	x.members("/epcisBody/queryResults/resultsBody", lookup(d.root, "/epcisBody/queryResults/resultsBody"), resultsBodyFieldSet)
}

func checkEventExtensions(c *eventCheck, add addFunc) {
	if c.ctx == nil {
		return
	}
	x := extensionChecker{ctx: c.ctx, add: add}
	x.members("", c.ev, eventFieldSet)
	x.members("/readPoint", c.ev["readPoint"], locationFieldSet)
	x.members("/bizLocation", c.ev["bizLocation"], locationFieldSet)
	x.members("/errorDeclaration", c.ev["errorDeclaration"], errorDeclarationFieldSet)
	x.members("/ilmd", c.ev["ilmd"], nil)
	elems, _ := c.ev["sensorElementList"].([]any)
	for i, el := range elems {
		// The pointers are written only for objects with extensions.
		m, _ := el.(map[string]any)
		md := m["sensorMetadata"]
		reports, _ := m["sensorReport"].([]any)
		if !hasExtension(el, sensorElementFieldSet) && !hasExtension(md, sensorMetadataFieldSet) &&
			!slices.ContainsFunc(reports, func(rep any) bool { return hasExtension(rep, sensorReportFieldSet) }) {
			continue
		}
		p := indexPointer("/sensorElementList", i)
		x.members(p, el, sensorElementFieldSet)
		x.members(p+"/sensorMetadata", md, sensorMetadataFieldSet)
		for j, rep := range reports {
			x.members(indexPointer(p+"/sensorReport", j), rep, sensorReportFieldSet)
		}
	}
}

// extensionChecker checks the names of extension members, and of the
// members nested in their values.
type extensionChecker struct {
	ctx *ldContext
	add addFunc
}

// members checks the members of v (when an object) other than std.
func (x extensionChecker) members(base string, v any, std fieldSet) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, val := range obj {
		if !std[k] {
			x.extension(base, k, val, 0)
		}
	}
}

// hasExtension reports whether v is an object with members other than
// std.
func hasExtension(v any, std fieldSet) bool {
	obj, _ := v.(map[string]any)
	for k := range obj {
		if !std[k] {
			return true
		}
	}
	return false
}

// extension checks member key of the object at base. Its pointer is
// written only when needed: for a problem, or for the members of its
// value.
func (x extensionChecker) extension(base, key string, v any, depth int) {
	if depth > maxDepth {
		x.add(childPointer(base, key), "extension nested more than %d levels deep", maxDepth)
		return
	}
	if key == "@context" {
		return
	}
	if !strings.HasPrefix(key, "@") { // JSON-LD keywords (@id, @value, @type…) name no property
		if msg := x.ctx.undeclared(key); msg != "" {
			x.add(childPointer(base, key), "%s", msg)
		}
	}
	if isContainer(v) {
		x.value(childPointer(base, key), v, depth+1)
	}
}

// value checks the members nested in v; a scalar has none.
func (x extensionChecker) value(field string, v any, depth int) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			x.extension(field, k, val, depth)
		}
	case []any:
		for i, el := range v {
			if isContainer(el) {
				x.value(indexPointer(field, i), el, depth+1)
			}
		}
	}
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// undeclared explains why an extension member name cannot be expanded to
// a URI with this context, or returns "". A full URI (scheme://… or urn:…)
// stands for itself; prefix:name needs its prefix declared; a bare name
// needs a term definition or an @vocab.
func (c *ldContext) undeclared(key string) string {
	p, local, ok := strings.Cut(key, ":")
	if !ok {
		if _, ok := c.lookup(key); ok || c.vocab != "" {
			return ""
		}
		return "extension field has no namespace: write it as prefix:name, with the prefix declared in @context, or as a full URI"
	}
	if strings.HasPrefix(local, "//") || p == "urn" {
		return ""
	}
	if _, ok := c.lookup(p); ok {
		return ""
	}
	return fmt.Sprintf("namespace prefix %q is not declared in @context", p)
}

func checkDocumentTimes(d *document, add func(int, string, string, ...any)) {
	if d.single {
		return
	}
	if msg := timeProblem(d.root["creationDate"]); msg != "" {
		add(-1, "/creationDate", "%s", msg)
	}
}

// sensorMetadataTimes are the timestamps of sensorMetadata.
var sensorMetadataTimes = []string{"time", "startTime", "endTime"}

func checkEventTimes(c *eventCheck, add addFunc) {
	check := func(field string, v any) {
		if msg := timeProblem(v); msg != "" {
			add(field, "%s", msg)
		}
	}
	check("/eventTime", c.ev["eventTime"])
	check("/recordTime", c.ev["recordTime"])
	if ed, ok := c.ev["errorDeclaration"].(map[string]any); ok {
		check("/errorDeclaration/declarationTime", ed["declarationTime"])
	}
	elems, _ := c.ev["sensorElementList"].([]any)
	for i, el := range elems {
		m, _ := el.(map[string]any)
		// The pointers are written only for a problem.
		p := func() string { return indexPointer("/sensorElementList", i) }
		if md, ok := m["sensorMetadata"].(map[string]any); ok {
			for _, k := range sensorMetadataTimes {
				if msg := timeProblem(md[k]); msg != "" {
					add(p()+"/sensorMetadata/"+k, "%s", msg)
				}
			}
		}
		reports, _ := m["sensorReport"].([]any)
		for j, rep := range reports {
			if r, ok := rep.(map[string]any); ok {
				if msg := timeProblem(r["time"]); msg != "" {
					add(indexPointer(p()+"/sensorReport", j)+"/time", "%s", msg)
				}
			}
		}
	}
}

// timeProblem says what is wrong with a timestamp; "" when it is fine, or
// absent, or not a string (the schema's to report).
func timeProblem(v any) string {
	s, ok := v.(string)
	if !ok || plainDateTime(s) { // canonicalTime takes every plain date-time (a test checks)
		return ""
	}
	switch _, err := canonicalTime(s); err {
	case nil:
		return ""
	case errNoZone:
		return fmt.Sprintf("timestamp %s has no time zone: end it with Z or an offset such as +01:00", quoteValue(s))
	default:
		return fmt.Sprintf("%s is not an RFC 3339 timestamp (such as 2024-05-01T12:00:00.000+02:00)", quoteValue(s))
	}
}

func checkTimeZoneOffset(c *eventCheck, add addFunc) {
	s, ok := c.ev["eventTimeZoneOffset"].(string)
	if ok && !validOffset(s) {
		add("/eventTimeZoneOffset", "%s is not a time zone offset: want ±hh:mm, from -14:00 to +14:00", quoteValue(s))
	}
}

// validOffset reports whether s is ±hh:mm within ±14:00.
func validOffset(s string) bool {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !isDigits(s[1:3]) || !isDigits(s[4:6]) {
		return false
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[4:6])
	return m < 60 && h*60+m <= 14*60
}

func checkDuplicateEventIDs(d *document, add func(int, string, string, ...any)) {
	first := map[string]int{}
	for i, ev := range d.events {
		id := eventIDOf(ev)
		if id == "" {
			continue
		}
		if j, ok := first[id]; ok {
			add(i, "/eventID", "duplicate eventID: event %d has the same one", j)
			continue
		}
		first[id] = i
	}
}

func checkDocumentType(d *document, add func(int, string, string, ...any)) {
	if d.single || d.typ == "EPCISDocument" || d.typ == "EPCISQueryDocument" {
		return
	}
	if t, ok := d.root["type"]; ok {
		add(-1, "/type", "%s is not a document type: want EPCISDocument or EPCISQueryDocument", quoteValue(t))
		return
	}
	add(-1, "/type", "missing: want EPCISDocument or EPCISQueryDocument")
}

func checkEventType(c *eventCheck, add addFunc) {
	raw, has := c.ev["type"]
	t, ok := raw.(string)
	switch {
	case c.typ != "":
		return
	case !has:
		add("/type", "missing: want one of %s", strings.Join(eventTypes, ", "))
		return
	case !ok:
		add("/type", "want a string, got %s", jsonKind(raw))
		return
	}
	if std, ok := eventTypeOf(t); ok {
		add("/type", "write the event type as the term %q: the schema checks an event as a%s %s only when it is written so", std, article(std), std)
		return
	}
	add("/type", "unknown event type %s: want one of %s", quoteValue(t), strings.Join(eventTypes, ", "))
}

func checkAction(c *eventCheck, add addFunc) {
	_, has := c.ev["action"]
	switch c.typ {
	case "":
	case "TransformationEvent":
		if has {
			add("/action", "a TransformationEvent has no action")
		}
	default:
		if !has {
			add("/action", "required on a%s %s: want ADD, OBSERVE or DELETE", article(c.typ), c.typ)
		}
	}
}

func article(word string) string {
	if strings.ContainsRune("AEIOU", rune(word[0])) {
		return "n"
	}
	return ""
}

func checkILMD(c *eventCheck, add addFunc) {
	if c.typ != "ObjectEvent" {
		return // TransformationEvents may carry ilmd; the schema rejects it elsewhere
	}
	action, ok := c.ev["action"].(string)
	if _, has := c.ev["ilmd"]; has && ok && action != "ADD" {
		add("/ilmd", "ilmd (instance/lot master data) is allowed on an ObjectEvent only with action ADD, not %s", quoteValue(action))
	}
}

func checkSensorValues(c *eventCheck, add addFunc) {
	elems, _ := c.ev["sensorElementList"].([]any)
	for i, el := range elems {
		m, _ := el.(map[string]any)
		reports, _ := m["sensorReport"].([]any)
		for j, rep := range reports {
			r, ok := rep.(map[string]any)
			if !ok {
				continue
			}
			// The pointer is written only for a problem.
			p := func() string { return indexPointer(indexPointer("/sensorElementList", i)+"/sensorReport", j) }
			for _, k := range sensorNumberFields {
				if v, ok := r[k]; ok {
					if _, isNum := v.(json.Number); !isNum {
						add(p()+"/"+k, "want a number, got %s", jsonKind(v))
					}
				}
			}
			lo, okLo := r["minValue"].(json.Number)
			hi, okHi := r["maxValue"].(json.Number)
			if okLo && okHi && numberValue(lo) > numberValue(hi) {
				add(p()+"/minValue", "minValue %s is greater than maxValue %s", lo, hi)
			}
		}
	}
}

// numberValue returns a JSON number as a float64 (±Inf beyond its range;
// two decimals closer than float64 can tell apart compare equal).
func numberValue(n json.Number) float64 {
	f, _ := strconv.ParseFloat(string(n), 64)
	return f
}
