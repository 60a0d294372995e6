package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// cmdEPCISHash implements "bulkhead epcis hash FILE": it prints the GS1
// CBV 2.0 event hash ID of every event in an EPCIS document (JSON-LD or
// XML), one per line in document order; with --prehash, the canonical
// pre-hash strings instead. FILE "-" reads standard input. Flags may come
// before or after FILE.
func cmdEPCISHash(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "epcis hash")
	prehash := fs.Bool("prehash", false, "print the canonical pre-hash strings instead of the hashes")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: bulkhead epcis hash [--prehash] FILE\n\nPrints the CBV 2.0 event hash ID (ni:///sha-256;…?ver=CBV2.0) of each event in the EPCIS document FILE (JSON-LD or XML; - for standard input), one per line in document order.")
		fs.PrintDefaults()
	}
	parseFlags := func(args []string) error {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &usageError{err.Error()}
		}
		return nil
	}
	if err := parseFlags(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageError{"give the document to hash: bulkhead epcis hash FILE (- for standard input)"}
	}
	file := fs.Arg(0)
	if err := parseFlags(fs.Args()[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q: give one FILE", fs.Arg(0))}
	}

	var doc []byte
	var err error
	if file == "-" {
		doc, err = io.ReadAll(e.stdin)
	} else {
		doc, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	hashes, err := epcis.HashDocument(doc)
	if err != nil {
		if file != "-" {
			return fmt.Errorf("%s: %w", file, err)
		}
		return err
	}
	w := bufio.NewWriter(e.stdout)
	for _, h := range hashes {
		if *prehash {
			fmt.Fprintln(w, h.PreHash)
		} else {
			fmt.Fprintln(w, h.Hash)
		}
	}
	return w.Flush()
}
