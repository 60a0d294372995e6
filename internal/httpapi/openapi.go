package httpapi

import (
	"encoding/json"
	"fmt"
	"io/fs"
)

// mustMergeOpenAPI merges openapi/*.json into openapi.json. A fragment may
// hold "paths", "components" (schemas, responses, parameters …) and "tags";
// a path or component defined twice is a programming error and panics.
func mustMergeOpenAPI(fsys fs.FS) []byte {
	b, err := merged(fsys)
	if err != nil {
		panic("httpapi: OpenAPI document: " + err.Error())
	}
	return b
}

func merged(fsys fs.FS) ([]byte, error) {
	base, err := fs.ReadFile(fsys, "openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	parts, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		var frag map[string]any
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for key, v := range frag {
			switch key {
			case "paths":
				if err := mergeInto(doc, "paths", v, p); err != nil {
					return nil, err
				}
			case "components":
				comps, _ := v.(map[string]any)
				dst, _ := doc["components"].(map[string]any)
				if dst == nil {
					dst = map[string]any{}
					doc["components"] = dst
				}
				for kind, defs := range comps {
					if err := mergeInto(dst, kind, defs, p); err != nil {
						return nil, err
					}
				}
			case "tags":
				tags, _ := v.([]any)
				existing, _ := doc["tags"].([]any)
				doc["tags"] = append(existing, tags...)
			default:
				return nil, fmt.Errorf("%s: unexpected top-level key %q", p, key)
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

// mergeInto adds the entries of the object src to dst[key], refusing
// duplicates.
func mergeInto(dst map[string]any, key string, src any, file string) error {
	add, ok := src.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: %q is not an object", file, key)
	}
	into, _ := dst[key].(map[string]any)
	if into == nil {
		into = map[string]any{}
		dst[key] = into
	}
	for name, v := range add {
		if _, dup := into[name]; dup {
			return fmt.Errorf("%s: %s %q is already defined", file, key, name)
		}
		into[name] = v
	}
	return nil
}
