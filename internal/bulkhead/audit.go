package bulkhead

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// AuditEntry is one link of an organisation's tamper-evident audit trail.
// Entries are appended in the same transaction as the change they record;
// each one's Hash covers a canonical encoding of its fields and the previous
// entry's hash, so editing, deleting or reordering entries breaks the chain.
type AuditEntry struct {
	OrgID        string
	Seq          int64 // 1, 2, 3 … per organisation
	ID           string
	At           time.Time
	ActorID      string // user ID, or "system"
	ActorName    string // e-mail or label at the time of the change
	Action       string // e.g. "site.create"
	ObjectType   string // e.g. "site"
	ObjectID     string
	Change       []byte // JSON describing the change
	ChangeDigest []byte // SHA-256 of Change
	PrevHash     []byte // Hash of entry Seq-1; 32 zero bytes for Seq 1
	Hash         []byte // SHA-256 of the canonical encoding
}

// AuditEntry field sizes.
const hashLen = sha256.Size

// GenesisHash is the PrevHash of an organisation's first entry.
var GenesisHash = make([]byte, hashLen)

const auditDomain = "bulkhead.audit.v1"

// appendCanonical appends the canonical encoding of e (everything but Hash)
// to buf: a domain tag, then every field as a uvarint length and its bytes,
// in a fixed order; times as microseconds since the Unix epoch.
func (e *AuditEntry) appendCanonical(buf []byte) []byte {
	str := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	byt := func(b []byte) {
		buf = binary.AppendUvarint(buf, uint64(len(b)))
		buf = append(buf, b...)
	}
	str(auditDomain)
	str(e.OrgID)
	buf = binary.AppendVarint(buf, e.Seq)
	str(e.ID)
	buf = binary.AppendVarint(buf, e.At.UnixMicro())
	str(e.ActorID)
	str(e.ActorName)
	str(e.Action)
	str(e.ObjectType)
	str(e.ObjectID)
	byt(e.ChangeDigest)
	byt(e.PrevHash)
	return buf
}

// Seal fills ChangeDigest and Hash of an entry whose other fields are set,
// chaining it after prevHash.
func (e *AuditEntry) Seal(prevHash []byte) {
	d := sha256.Sum256(e.Change)
	e.ChangeDigest = d[:]
	e.PrevHash = append([]byte(nil), prevHash...)
	h := sha256.Sum256(e.appendCanonical(nil))
	e.Hash = h[:]
}

// AuditBreak describes the first entry at which a trail fails verification.
type AuditBreak struct {
	Code    string `json:"code"` // one of AuditBreakCodes: what kind of break
	OrgID   string `json:"organization_id"`
	Seq     int64  `json:"seq"`                // the sequence number where the break shows
	EntryID string `json:"entry_id,omitempty"` // the entry's ID, when there is one
	Reason  string `json:"reason"`
}

// Kinds of audit-trail break (AuditBreak.Code).
const (
	BreakOtherOrg    = "other_organization"
	BreakMissing     = "missing"
	BreakOutOfOrder  = "out_of_order"
	BreakLink        = "link"
	BreakChange      = "change_edited"
	BreakHash        = "entry_edited"
	BreakTruncated   = "truncated"
	BreakHead        = "head_mismatch"
	BreakBeyondHead  = "beyond_head"
	BreakSegmentsGap = "segments"
	BreakUnreadable  = "unreadable"
)

// AuditBreakCodes lists every break code.
var AuditBreakCodes = []string{BreakOtherOrg, BreakMissing, BreakOutOfOrder, BreakLink, BreakChange, BreakHash, BreakTruncated, BreakHead, BreakBeyondHead, BreakSegmentsGap, BreakUnreadable}

// Error implements error.
func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit trail of organisation %s broken at entry #%d (%s): %s", b.OrgID, b.Seq, b.EntryID, b.Reason)
}

// AuditVerifier checks a run of one organisation's entries, fed in sequence
// order. A verifier for the whole trail starts at entry 1 after the genesis
// hash; a segment verifier starts anywhere and records the previous-hash its
// first entry claims, to be joined to the segment before it (see Join), so
// that long trails can be checked in parallel.
type AuditVerifier struct {
	OrgID     string
	start     int64
	n         int64
	prev      []byte // hash of the last entry checked; nil before a segment's first
	firstPrev []byte
	buf       []byte
}

// NewAuditVerifier returns a verifier for orgID's trail from entry 1.
func NewAuditVerifier(orgID string) *AuditVerifier {
	return &AuditVerifier{OrgID: orgID, start: 1, prev: GenesisHash, buf: make([]byte, 0, 512)}
}

// NewAuditSegmentVerifier returns a verifier for orgID's entries from seq
// from on.
func NewAuditSegmentVerifier(orgID string, from int64) *AuditVerifier {
	if from <= 1 {
		return NewAuditVerifier(orgID)
	}
	return &AuditVerifier{OrgID: orgID, start: from, buf: make([]byte, 0, 512)}
}

// Count returns how many entries passed.
func (v *AuditVerifier) Count() int64 { return v.n }

// Check verifies the next entry. It returns an *AuditBreak when the entry is
// missing, out of order, edited or not chained to its predecessor.
func (v *AuditVerifier) Check(e *AuditEntry) error {
	want := v.start + v.n
	brk := func(code, reason string) error {
		return &AuditBreak{Code: code, OrgID: v.OrgID, Seq: want, EntryID: e.ID, Reason: reason}
	}
	if e.OrgID != v.OrgID {
		return brk(BreakOtherOrg, "entry belongs to another organisation")
	}
	if e.Seq != want {
		if e.Seq > want {
			return brk(BreakMissing, fmt.Sprintf("entry #%d is missing (next present is #%d)", want, e.Seq))
		}
		return brk(BreakOutOfOrder, fmt.Sprintf("entry #%d appears out of order", e.Seq))
	}
	if v.prev == nil {
		v.firstPrev = append([]byte(nil), e.PrevHash...)
	} else if !bytes.Equal(e.PrevHash, v.prev) {
		return brk(BreakLink, "previous-hash link does not match the preceding entry (entries deleted, inserted or reordered)")
	}
	d := sha256.Sum256(e.Change)
	if !bytes.Equal(d[:], e.ChangeDigest) {
		return brk(BreakChange, "change content does not match its digest (entry edited)")
	}
	v.buf = e.appendCanonical(v.buf[:0])
	h := sha256.Sum256(v.buf)
	if !bytes.Equal(h[:], e.Hash) {
		return brk(BreakHash, "entry hash does not match its content (entry edited)")
	}
	v.n++
	v.prev = append(v.prev[:0:0], e.Hash...)
	return nil
}

// Complete checks that the run held every entry before seq to (entries
// missing at its end show here).
func (v *AuditVerifier) Complete(to int64) error {
	if got := v.start + v.n; got < to {
		return &AuditBreak{Code: BreakMissing, OrgID: v.OrgID, Seq: got, Reason: fmt.Sprintf("entry #%d is missing", got)}
	}
	return nil
}

// Join appends a complete, intact segment that follows v directly, checking
// the link between them.
func (v *AuditVerifier) Join(next *AuditVerifier) error {
	if next.n == 0 {
		return nil
	}
	if next.start != v.start+v.n {
		return &AuditBreak{Code: BreakSegmentsGap, OrgID: v.OrgID, Seq: v.start + v.n, Reason: "segments do not meet"}
	}
	if !bytes.Equal(next.firstPrev, v.prev) {
		return &AuditBreak{Code: BreakLink, OrgID: v.OrgID, Seq: next.start, Reason: "previous-hash link does not match the preceding entry (entries deleted, inserted or reordered)"}
	}
	v.n += next.n
	v.prev = next.prev
	return nil
}

// Finish checks that the chain ends at the head the organisation recorded,
// which detects entries removed from the end.
func (v *AuditVerifier) Finish(headSeq int64, headHash []byte) error {
	if headSeq != v.n {
		return &AuditBreak{Code: BreakTruncated, OrgID: v.OrgID, Seq: v.n + 1, Reason: fmt.Sprintf("trail ends at #%d but the recorded head is #%d (entries removed from the end)", v.n, headSeq)}
	}
	if v.n > 0 && !bytes.Equal(headHash, v.prev) {
		return &AuditBreak{Code: BreakHead, OrgID: v.OrgID, Seq: v.n, Reason: "last entry's hash does not match the recorded head"}
	}
	return nil
}

// HeadHex returns the hash of the last verified entry in hex.
func (v *AuditVerifier) HeadHex() string { return hex.EncodeToString(v.prev) }

// AuditFilter selects entries for display, newest first.
type AuditFilter struct {
	OrgID      string
	ObjectType string
	ObjectID   string
	ActorID    string
	Action     string
	BeforeSeq  int64 // only entries with Seq < BeforeSeq (0: no bound), for paging
	Limit      int
}

// Normalize fills defaults and checks limits.
func (f *AuditFilter) Normalize() error {
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		return Invalid(map[string]string{"limit": FieldInvalid})
	}
	if f.BeforeSeq < 0 {
		return Invalid(map[string]string{"before": FieldInvalid})
	}
	return nil
}

// AuditHead is the recorded end of an organisation's trail.
type AuditHead struct {
	Seq  int64
	Hash []byte
}
