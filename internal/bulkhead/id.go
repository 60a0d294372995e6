package bulkhead

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is the Crockford base32 alphabet: sortable, no ambiguous letters.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var idGen struct {
	sync.Mutex
	lastMS uint64
	rnd    [10]byte
}

// NewID returns a new application-generated identifier: 26 characters of
// Crockford base32 holding a 48-bit millisecond time and 80 bits that are
// random for a new millisecond and incremented within one, so that IDs made
// by one process sort in creation order (the ULID layout).
func NewID() string {
	idGen.Lock()
	ms := uint64(time.Now().UnixMilli())
	if ms <= idGen.lastMS {
		ms = idGen.lastMS
		// Increment the 80-bit random part.
		for i := len(idGen.rnd) - 1; i >= 0; i-- {
			idGen.rnd[i]++
			if idGen.rnd[i] != 0 {
				break
			}
		}
	} else {
		idGen.lastMS = ms
		if _, err := rand.Read(idGen.rnd[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
	}
	var b [16]byte
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	copy(b[6:], idGen.rnd[:])
	idGen.Unlock()
	return encodeID(b)
}

func encodeID(b [16]byte) string {
	var out [26]byte
	// 128 bits → 26 base32 digits (130 bits, two leading zero bits).
	hi := binary.BigEndian.Uint64(b[0:8])
	lo := binary.BigEndian.Uint64(b[8:16])
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// ValidID reports whether s has the shape of an ID made by NewID.
func ValidID(s string) bool {
	if len(s) != 26 || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U') {
			return false
		}
	}
	return true
}

// Now returns the current time in UTC truncated to microseconds, the
// precision both databases keep.
func Now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}
