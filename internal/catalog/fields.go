package catalog

import (
	"reflect"
	"strings"
	"sync"
)

// fieldInfo is one modelled YAML key of a struct.
type fieldInfo struct {
	name      string
	index     int
	omitEmpty bool
}

// structInfo describes how a model struct maps to a YAML mapping.
type structInfo struct {
	fields []fieldInfo
	byName map[string]int // YAML key → index into fields
	extra  int            // index of the Fields field holding unknown keys, or -1
}

var (
	structInfos sync.Map // reflect.Type → *structInfo
	fieldsType  = reflect.TypeFor[Fields]()
)

func structInfoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{byName: make(map[string]int), extra: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			if f.Type == fieldsType && f.Name == "Extra" {
				info.extra = i
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			continue
		}
		info.byName[name] = len(info.fields)
		info.fields = append(info.fields, fieldInfo{name: name, index: i, omitEmpty: opts == "omitempty"})
	}
	v, _ := structInfos.LoadOrStore(t, info)
	return v.(*structInfo)
}

// isEmpty reports whether an omitempty field is left out of the output.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}
