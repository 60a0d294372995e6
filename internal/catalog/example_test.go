package catalog_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

func Example() {
	src := `urn: urn:example:risk:library:demo
locale: en
ref_id: DEMO
name: Demo
description: A two-clause demo.
version: 1
provider: Example
packager: example
objects:
  framework:
    urn: urn:example:risk:framework:demo
    ref_id: DEMO
    name: Demo
    requirement_nodes:
    - urn: urn:example:risk:req_node:demo:1
      assessable: false
      depth: 1
      ref_id: 1
      name: Context
    - urn: urn:example:risk:req_node:demo:1.10
      assessable: true
      depth: 3
      parent_urn: urn:example:risk:req_node:demo:1
      ref_id: 1.10
      name: Interested parties
      annotation: "[bulkhead:provenance=harmonized-structure] Not yet seen in a source."
`
	lib, err := catalog.Parse(strings.NewReader(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	n := lib.Objects.Framework.RequirementNodes[1]
	fmt.Printf("%s %q %s %q\n", n.RefID, n.Name, n.Provenance, n.Annotation)
	fmt.Println(lib.Validate())

	lib.Objects.Framework.RequirementNodes[1].Depth = 2
	if err := lib.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	if err := catalog.Write(os.Stdout, lib); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 1.10 "Interested parties" harmonized-structure "Not yet seen in a source."
	// catalog: invalid library: line 22, requirement node urn:example:risk:req_node:demo:1.10, depth: depth 3 is inconsistent with parent 1 at depth 1 (expected 2)
	// urn: urn:example:risk:library:demo
	// locale: en
	// ref_id: DEMO
	// name: Demo
	// description: A two-clause demo.
	// version: 1
	// provider: Example
	// packager: example
	// objects:
	//   framework:
	//     urn: urn:example:risk:framework:demo
	//     ref_id: DEMO
	//     name: Demo
	//     requirement_nodes:
	//     - urn: urn:example:risk:req_node:demo:1
	//       assessable: false
	//       depth: 1
	//       ref_id: "1"
	//       name: Context
	//     - urn: urn:example:risk:req_node:demo:1.10
	//       assessable: true
	//       depth: 2
	//       parent_urn: urn:example:risk:req_node:demo:1
	//       ref_id: "1.10"
	//       name: Interested parties
	//       annotation: "[bulkhead:provenance=harmonized-structure] Not yet seen in a source."
}
