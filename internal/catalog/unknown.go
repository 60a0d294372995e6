package catalog

import (
	"fmt"
	"reflect"
)

// UnknownFields lists the keys Parse kept without modelling them (see the
// package documentation), as paths such as
// "objects.framework.requirement_nodes[3].field_visibility": an object's
// own unknown keys first, then those of the objects inside it. An importer can show them as warnings: they are kept and exported,
// but Bulkhead does not act on them.
func (lib *Library) UnknownFields() []string {
	var out []string
	unknownIn(reflect.ValueOf(lib).Elem(), "", &out)
	return out
}

func unknownIn(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			unknownIn(v.Elem(), path, out)
		}
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[Questions]() {
			for i := range v.Len() {
				q := v.Index(i).Addr().Interface().(*Question)
				unknownIn(v.Index(i), join(path, q.URN), out)
			}
			return
		}
		if v.Type().Elem().Kind() != reflect.Struct {
			return
		}
		for i := range v.Len() {
			unknownIn(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Struct:
		info := structInfoOf(v.Type())
		if info.extra >= 0 {
			for _, f := range v.Field(info.extra).Interface().(Fields) {
				*out = append(*out, join(path, f.Key))
			}
		}
		for _, f := range info.fields {
			unknownIn(v.Field(f.index), join(path, f.name), out)
		}
	}
}
