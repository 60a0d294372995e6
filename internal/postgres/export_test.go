package postgres

import "github.com/bulkhead-sms/bulkhead/internal/bulkhead"

// SiteStatements returns the statements, with their arguments, that Sites
// runs for a normalised filter (for EXPLAIN in tests): the count and, given
// the total, the page without a search (fromEnd as in queries.sites); with
// a search, the page (the count runs only when it is empty). page is "" for
// an empty page.
func SiteStatements(f bulkhead.SiteFilter, total int, fromEnd bool) (count string, countArgs []any, page string, pageArgs []any) {
	sq := newSiteQuery(f)
	if f.Query != "" {
		page, pageArgs = sq.search()
	} else {
		page, pageArgs, _ = sq.page(total, fromEnd)
	}
	return sq.count, sq.args, page, pageArgs
}
