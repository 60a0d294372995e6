// Package catalog models requirement libraries (frameworks such as
// ISO 28000, C-TPAT or the ISPS Code, plus risk matrices, threats, reference
// controls, mapping sets and metric definitions) and reads and writes them in
// the CISO Assistant library YAML format, so that a catalog authored for
// Bulkhead also loads into CISO Assistant and the other way round.
//
// The package is pure: no database, no network, no files except the
// libraries embedded in the binary (see [Embedded]).
//
// # Reading, checking, writing
//
// [Parse] and [ParseBytes] decode one library and report malformed YAML,
// values of the wrong type, and files over [MaxFileSize] or too deeply
// nested or too dense to parse cheaply. [Library.Validate]
// checks the meaning: required fields, URN syntax, duplicate URNs and ref
// IDs, parents that do not exist, cycles, depths that disagree with the
// parent, mappings that point to requirements missing from the library, and
// more. Both report every problem found, up to [MaxProblems], in one
// [*ValidationError]; each [Problem] names its place by YAML line (when the
// library came from Parse) and by URN or ref ID. [Write] exports a library.
//
// Write is canonical and deterministic: fields appear in a fixed order (close
// to the order of CISO Assistant's own files), maps are sorted, and strings that
// could be misread by any YAML 1.1 or 1.2 reader (PyYAML, which CISO
// Assistant uses, included) are double-quoted. Parsing the output again gives
// a library equal to the input, so Write(Parse(x)) is a fixed point after
// one step. Write does not keep comments, key order or quoting style of the
// source file.
//
// # Unknown fields
//
// The format grows with CISO Assistant (field_visibility, presets, ATT&CK
// catalogs …). Rather than reject a valid library because it carries a key
// this package does not model, every modelled object keeps unknown keys,
// in source order, in its Extra field, and Write emits them after the
// modelled fields. Unknown object types under "objects" (preset,
// ttp_catalogs …) are kept the same way in [Objects].Extra. Unknown values are
// kept as plain data: string, int64 (uint64 beyond its range), float64,
// bool, nil, []any and [Fields] for mappings. The price is that a misspelt
// key is kept rather than rejected; [Library.UnknownFields] lists such keys
// so that an importer can warn. Modelled fields are typed strictly: a value
// of the wrong type (text where a list belongs, translations that are not
// text) is a Parse problem, not an unknown field.
//
// The decoder rejects YAML anchors, aliases and merge keys (<<): library
// files are plain data, expanded aliases would not survive a round trip in
// the same form, and alias expansion is a known denial-of-service vector.
//
// # Provenance
//
// Bulkhead records per requirement node where its ID and title come from
// ([Provenance]: verified, harmonized-structure or secondary-source). The
// CISO Assistant format has no extension convention, so the value travels as
// a marker at the start of the node's annotation:
//
//	annotation: "[bulkhead:provenance=harmonized-structure] Clause number and title …"
//
// CISO Assistant treats the annotation as guidance text: it loads, shows and
// exports it unchanged, so the marker survives a trip through CISO Assistant
// (a custom key would be dropped on its export). Parse strips the marker into
// [RequirementNode].Provenance and Write puts it back; the marker and the
// rest of the annotation are separated by one space.
//
// # Embedded catalogs
//
// library/iso28000-2022.yaml is the ISO 28000:2022 clause outline: clause
// numbers and titles (© ISO) with summaries, evidence examples and
// guidance written by the Bulkhead project. No text of the standard is
// reproduced. Every clause carries the provenance recorded in the project's
// fact table.
package catalog
