package bulkhead

// Frequency is how often a communication takes place.
type Frequency string

// Frequencies.
const (
	FreqOnce      Frequency = "once"
	FreqDaily     Frequency = "daily"
	FreqWeekly    Frequency = "weekly"
	FreqMonthly   Frequency = "monthly"
	FreqQuarterly Frequency = "quarterly"
	FreqYearly    Frequency = "yearly"
	FreqOnEvent   Frequency = "on_event"
)

// Frequencies lists the frequencies in display order.
var Frequencies = []Frequency{FreqOnce, FreqDaily, FreqWeekly, FreqMonthly, FreqQuarterly, FreqYearly, FreqOnEvent}

// Channel is how a communication is made.
type Channel string

// Channels.
const (
	ChannelEmail       Channel = "email"
	ChannelMeeting     Channel = "meeting"
	ChannelBriefing    Channel = "briefing"
	ChannelIntranet    Channel = "intranet"
	ChannelNoticeBoard Channel = "notice_board"
	ChannelTraining    Channel = "training"
	ChannelLetter      Channel = "letter"
	ChannelPortal      Channel = "portal"
	ChannelPhone       Channel = "phone"
	ChannelOther       Channel = "other"
)

// Channels lists the channels in display order.
var Channels = []Channel{ChannelEmail, ChannelMeeting, ChannelBriefing, ChannelIntranet, ChannelNoticeBoard, ChannelTraining,
	ChannelLetter, ChannelPortal, ChannelPhone, ChannelOther}

// Communication is one line of the communication plan: what is
// communicated, when, to whom, how and by whom (ISO 28000 7.4).
type Communication struct {
	Record
	Topic          string // what
	Frequency      Frequency
	Timing         string // when, in words, e.g. "first Monday of each quarter"
	Audience       string // with whom
	Channel        Channel
	CommunicatorID string // the member who communicates
	Direction      Origin // internal or external
	Notes          string
}

// CommunicationInput holds the editable fields of a plan line. For
// updates, nil fields are left unchanged.
type CommunicationInput struct {
	Topic          *string `json:"topic"`
	Frequency      *string `json:"frequency"`
	Timing         *string `json:"timing"`
	Audience       *string `json:"audience"`
	Channel        *string `json:"channel"`
	CommunicatorID *string `json:"communicator_id"`
	Direction      *string `json:"direction"`
	Notes          *string `json:"notes"`
}

// Apply copies the set fields of in onto x.
func (in CommunicationInput) Apply(x *Communication) {
	setText(&x.Topic, in.Topic)
	setEnum(&x.Frequency, in.Frequency)
	setText(&x.Timing, in.Timing)
	setText(&x.Audience, in.Audience)
	setEnum(&x.Channel, in.Channel)
	setText(&x.CommunicatorID, in.CommunicatorID)
	setEnum(&x.Direction, in.Direction)
	setLong(&x.Notes, in.Notes)
}

// Validate checks a plan line's fields.
func (x *Communication) Validate() error {
	c := checks{}
	c.text("topic", x.Topic, true, 300)
	enumCheck(c, "frequency", x.Frequency, Frequencies, true)
	c.text("timing", x.Timing, false, 300)
	c.text("audience", x.Audience, true, 300)
	enumCheck(c, "channel", x.Channel, Channels, true)
	c.id("communicator_id", x.CommunicatorID, true)
	enumCheck(c, "direction", x.Direction, Origins, true)
	c.text("notes", x.Notes, false, 10000)
	return c.err()
}

// Communication sort keys.
var CommunicationSorts = []string{"topic", "frequency", "channel", "direction", "updated_at"}

// CommunicationFilter selects and orders the communication plan.
type CommunicationFilter struct {
	ListFilter
	Direction Origin
	Channel   Channel
}

// Normalize validates the filter and fills its defaults.
func (f *CommunicationFilter) Normalize() error {
	c := checks{}
	f.normalize(c, CommunicationSorts)
	enumCheck(c, "direction", f.Direction, Origins, false)
	enumCheck(c, "channel", f.Channel, Channels, false)
	return c.err()
}
