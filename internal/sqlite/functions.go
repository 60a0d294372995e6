package sqlite

import (
	"database/sql/driver"
	"fmt"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"modernc.org/sqlite"
)

// SQL functions the migrations use, registered for every connection.
func init() {
	// bulkhead_epc_key(epc) is bulkhead.EPCKey: migration 0013 keys the
	// stored identifiers with it.
	// bulkhead_hash_key(hash) is bulkhead.EventHashKey: migration 0013
	// keys the stored hashes with it.
	sqlite.MustRegisterDeterministicScalarFunction("bulkhead_hash_key", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		v, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("bulkhead_hash_key: want text, got %T", args[0])
		}
		return bulkhead.EventHashKey(v), nil
	})
	sqlite.MustRegisterDeterministicScalarFunction("bulkhead_epc_key", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return bulkhead.EPCKey(v), nil
		case []byte:
			return bulkhead.EPCKey(string(v)), nil
		default:
			return nil, fmt.Errorf("bulkhead_epc_key: want text, got %T", v)
		}
	})
}
