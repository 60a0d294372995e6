package sqlite

import (
	"context"
	"strconv"
	"time"
)

// searchBatch is how many queued sites one indexing transaction handles.
const searchBatch = 2000

// searchEvery is how often the indexer looks at the queue.
const searchEvery = 200 * time.Millisecond

// checkpointEvery is how often the WAL is copied back into the database.
// A page written by several transactions in between is copied once: under
// a stream of captures, whose index pages each commit rewrites, checkpoints
// every second copy far fewer pages than checkpoints every 200 ms did.
const checkpointEvery = time.Second

// IndexSearch moves up to one batch of queued sites into the search index,
// in one transaction on the writer, and reports how many it handled.
// Searches are correct before this runs (queued sites are candidates too);
// it only keeps them fast.
func (db *DB) IndexSearch(ctx context.Context) (int, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, mapErr(err)
	}
	defer tx.Rollback()
	steps := []string{
		`CREATE TEMP TABLE IF NOT EXISTS search_batch (rid INTEGER PRIMARY KEY)`,
		`DELETE FROM temp.search_batch`,
		`INSERT INTO temp.search_batch (rid) SELECT rid FROM sites_search_queue ORDER BY rid LIMIT ` + strconv.Itoa(searchBatch),
		`DELETE FROM sites_search WHERE rowid IN (SELECT rid FROM temp.search_batch)`,
		`INSERT INTO sites_search (rowid, name, unlocode, address, notes)
			SELECT s.rid, s.name, s.unlocode, s.address, s.notes FROM temp.search_batch b JOIN sites s ON s.rid = b.rid`,
		`DELETE FROM sites_search_queue WHERE rid IN (SELECT rid FROM temp.search_batch)`,
	}
	var n int64
	for i, q := range steps {
		res, err := tx.ExecContext(ctx, q)
		if err != nil {
			return 0, mapErr(err)
		}
		if i == 2 {
			if n, _ = res.RowsAffected(); n == 0 {
				return 0, nil
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, mapErr(err)
	}
	return int(n), nil
}

// Checkpoint copies the WAL back into the database file without waiting
// for readers or writers (PASSIVE), on its own connection, and reports the
// WAL's size in pages.
func (db *DB) Checkpoint(ctx context.Context) (int, error) {
	var busy, logPages, done int
	err := db.checkpointer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done)
	return logPages, err
}

// indexLoop indexes queued sites for search and checkpoints the WAL, off
// the write path, until the store closes.
func (db *DB) indexLoop(ctx context.Context) {
	defer close(db.indexDone)
	t := time.NewTicker(searchEvery)
	defer t.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if now.Sub(last) >= checkpointEvery {
				last = now
				db.Checkpoint(ctx) // an error (e.g. busy) is retried next time
			}
		}
		for {
			n, err := db.IndexSearch(ctx)
			if err != nil || n < searchBatch {
				break // an error (e.g. busy) is retried on the next tick
			}
		}
	}
}
