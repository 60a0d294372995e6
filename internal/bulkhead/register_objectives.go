package bulkhead

import "math"

// ObjectiveStatus is where an objective stands.
type ObjectiveStatus string

// Objective statuses.
const (
	ObjectivePlanned   ObjectiveStatus = "planned"
	ObjectiveOnTrack   ObjectiveStatus = "on_track"
	ObjectiveAtRisk    ObjectiveStatus = "at_risk"
	ObjectiveAchieved  ObjectiveStatus = "achieved"
	ObjectiveMissed    ObjectiveStatus = "missed"
	ObjectiveCancelled ObjectiveStatus = "cancelled"
)

// ObjectiveStatuses lists the statuses in display order.
var ObjectiveStatuses = []ObjectiveStatus{ObjectivePlanned, ObjectiveOnTrack, ObjectiveAtRisk, ObjectiveAchieved, ObjectiveMissed, ObjectiveCancelled}

// Open reports whether an objective in this status is still being pursued.
func (s ObjectiveStatus) Open() bool {
	return s == ObjectivePlanned || s == ObjectiveOnTrack || s == ObjectiveAtRisk
}

// Objective is a security objective with its measure, target and plan (ISO
// 28000 6.2). Its actions are child records. A KPI (9.1) will later feed
// Current; until then it is entered by hand.
type Objective struct {
	Record
	Statement string
	Measure   string // what is measured
	Target    float64
	Unit      string
	Current   *float64 // latest value; nil when not yet measured
	StartDate Date
	DueDate   Date
	OwnerID   string
	Status    ObjectiveStatus
}

// Progress returns the current value as a whole percentage of the target,
// and false when it cannot be said (no value yet, or a zero target).
func (x *Objective) Progress() (int, bool) {
	if x.Current == nil || x.Target == 0 {
		return 0, false
	}
	return int(math.Round(*x.Current / x.Target * 100)), true
}

// ObjectiveInput holds the editable fields of an objective. For updates,
// nil fields are left unchanged; Current set to "" clears the value.
type ObjectiveInput struct {
	Statement *string `json:"statement"`
	Measure   *string `json:"measure"`
	Target    *string `json:"target"`
	Unit      *string `json:"unit"`
	Current   *string `json:"current"`
	StartDate *string `json:"start_date"`
	DueDate   *string `json:"due_date"`
	OwnerID   *string `json:"owner_id"`
	Status    *string `json:"status"`
}

// Apply copies the set fields of in onto x and returns the field errors of
// numbers that do not parse.
func (in ObjectiveInput) Apply(x *Objective) map[string]string {
	bad := map[string]string{}
	setLong(&x.Statement, in.Statement)
	setText(&x.Measure, in.Measure)
	if in.Target != nil {
		if f, ok := ParseNumber(*in.Target); ok {
			x.Target = f
		} else if *in.Target == "" {
			bad["target"] = FieldRequired
		} else {
			bad["target"] = FieldNumber
		}
	}
	setText(&x.Unit, in.Unit)
	if in.Current != nil {
		if f, ok := ParseNumber(*in.Current); ok {
			x.Current = &f
		} else if *in.Current == "" {
			x.Current = nil
		} else {
			bad["current"] = FieldNumber
		}
	}
	setDate(&x.StartDate, in.StartDate)
	setDate(&x.DueDate, in.DueDate)
	setText(&x.OwnerID, in.OwnerID)
	setEnum(&x.Status, in.Status)
	return bad
}

// Validate checks an objective's fields; it is due on or after its start.
func (x *Objective) Validate() error {
	c := checks{}
	c.text("statement", x.Statement, true, 2000)
	c.text("measure", x.Measure, true, 300)
	c.text("unit", x.Unit, false, 50)
	c.date("start_date", x.StartDate, true)
	c.date("due_date", x.DueDate, true)
	c.order("due_date", x.StartDate, x.DueDate)
	c.id("owner_id", x.OwnerID, false)
	enumCheck(c, "status", x.Status, ObjectiveStatuses, true)
	return c.err()
}

// Objective sort keys.
var ObjectiveSorts = []string{"due_date", "statement", "status", "updated_at"}

// ObjectiveFilter selects and orders objectives.
type ObjectiveFilter struct {
	ListFilter
	Status  ObjectiveStatus
	OwnerID string
}

// Normalize validates the filter and fills its defaults.
func (f *ObjectiveFilter) Normalize() error {
	c := checks{}
	f.normalize(c, ObjectiveSorts)
	enumCheck(c, "status", f.Status, ObjectiveStatuses, false)
	c.id("owner_id", f.OwnerID, false)
	return c.err()
}

// ActionStatus is whether an objective's action is done.
type ActionStatus string

// Action statuses.
const (
	ActionOpen ActionStatus = "open"
	ActionDone ActionStatus = "done"
)

// ActionStatuses lists both.
var ActionStatuses = []ActionStatus{ActionOpen, ActionDone}

// ObjectiveAction is a step of the plan to reach an objective.
type ObjectiveAction struct {
	Record
	ObjectiveID string
	Description string
	OwnerID     string
	DueDate     Date
	Status      ActionStatus
	// Filled on reads for display.
	ObjectiveStatement string
}

// ObjectiveActionInput holds the editable fields of an action. For updates,
// nil fields are left unchanged.
type ObjectiveActionInput struct {
	Description *string `json:"description"`
	OwnerID     *string `json:"owner_id"`
	DueDate     *string `json:"due_date"`
	Status      *string `json:"status"`
}

// Apply copies the set fields of in onto x.
func (in ObjectiveActionInput) Apply(x *ObjectiveAction) {
	setLong(&x.Description, in.Description)
	setText(&x.OwnerID, in.OwnerID)
	setDate(&x.DueDate, in.DueDate)
	setEnum(&x.Status, in.Status)
}

// Validate checks an action's fields.
func (x *ObjectiveAction) Validate() error {
	c := checks{}
	c.text("description", x.Description, true, 2000)
	c.id("owner_id", x.OwnerID, false)
	c.date("due_date", x.DueDate, false)
	enumCheck(c, "status", x.Status, ActionStatuses, true)
	return c.err()
}
