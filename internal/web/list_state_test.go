package web

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListState(t *testing.T) {
	sorts := []sortDef{{key: "reference"}, {key: "status"}, {key: "updated_at", descLead: true}}
	type got struct {
		Sort, Dir          string
		Page, Offset       int
		Filtered           bool
		Self, Export       string
		From, To           int
		Prev, Next, Sorted string
	}
	tests := []struct {
		query string
		total int
		want  got
	}{
		{"", 120, got{Sort: "updated_at", Dir: "desc", Page: 1, Offset: 0, Self: "/x", Export: "/x/export.csv",
			From: 1, To: 50, Next: "/x?page=2", Sorted: "/x?dir=asc&sort=reference"}},
		{"sort=reference&page=3&q=rot&archived=active", 120, got{Sort: "reference", Dir: "asc", Page: 3, Offset: 100,
			Self: "/x?archived=active&dir=asc&page=3&q=rot&sort=reference", Export: "/x/export.csv?archived=active&dir=asc&q=rot&sort=reference",
			From: 101, To: 120, Prev: "/x?archived=active&dir=asc&page=2&q=rot&sort=reference", Filtered: true, Sorted: "/x?archived=active&dir=desc&q=rot&sort=reference"}},
		{"archived=active&sort=nope&dir=up&page=-4", 0, got{Sort: "updated_at", Dir: "desc", Page: 1, Self: "/x?archived=active", Export: "/x/export.csv?archived=active",
			Sorted: "/x?archived=active&dir=asc&sort=reference"}},
		{"sort=updated_at&dir=asc&status=planned", 10, got{Sort: "updated_at", Dir: "asc", Page: 1, Filtered: true,
			Self: "/x?dir=asc&sort=updated_at&status=planned", Export: "/x/export.csv?dir=asc&sort=updated_at&status=planned", From: 1, To: 10,
			Sorted: "/x?dir=asc&sort=reference&status=planned"}},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		l := newListState(q, "/x", 50, sorts, "updated_at", "q", "status", "archived")
		n := max(0, min(50, tt.total-l.offset()))
		g := got{Sort: l.sortKey, Dir: l.dir, Page: l.page, Offset: l.offset(), Filtered: l.filtered, Self: l.link(nil), Export: l.exportHref(),
			Sorted: l.link(map[string]string{"sort": "reference", "dir": leadDir(sorts[0]), "page": ""})}
		if l.sortKey == "reference" {
			g.Sorted = l.link(map[string]string{"sort": "reference", "dir": "desc", "page": ""})
		}
		g.From, g.To, g.Prev, g.Next = l.paging(n, tt.total)
		if diff := cmp.Diff(tt.want, g); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.query, diff)
		}
	}
}
