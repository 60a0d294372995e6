package catalog

import (
	"fmt"
	"strings"
)

// MaxProblems is how many problems one ValidationError lists; further
// problems are only counted (ValidationError.Omitted).
const MaxProblems = 100

// Problem is one thing wrong with a library file or value.
type Problem struct {
	// Place says where: the YAML line when the library came from Parse,
	// and the object (by URN, or by position and ref ID), for example
	// "line 42, requirement node urn:bulkhead:risk:req_node:iso28000-2022:4.2, parent_urn".
	Place string
	// Line is the YAML source line, or 0 when unknown.
	Line    int
	Message string
}

// String returns "place: message".
func (p Problem) String() string {
	return p.Place + ": " + p.Message
}

// ValidationError lists the problems Parse or Validate found.
type ValidationError struct {
	// Problems holds at most MaxProblems entries, in the order found.
	Problems []Problem
	// Omitted counts problems found beyond MaxProblems.
	Omitted int
}

// Error lists every problem on its own line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	total := len(e.Problems) + e.Omitted
	if total == 1 {
		b.WriteString("catalog: invalid library: ")
	} else {
		fmt.Fprintf(&b, "catalog: invalid library: %d problems:", total)
	}
	for i, p := range e.Problems {
		if total > 1 {
			b.WriteString("\n  ")
		} else if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.Omitted)
	}
	return b.String()
}

// problems collects Problems up to MaxProblems.
type problems struct {
	list    []Problem
	omitted int
}

func (p *problems) add(line int, place, message string) {
	if len(p.list) >= MaxProblems {
		p.omitted++
		return
	}
	p.list = append(p.list, Problem{Place: place, Line: line, Message: message})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: p.list, Omitted: p.omitted}
}

// placeLine prefixes a place with its line when known.
func placeLine(line int, where string) string {
	if line <= 0 {
		return where
	}
	return fmt.Sprintf("line %d, %s", line, where)
}
