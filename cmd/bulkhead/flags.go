package main

import "flag"

// flagSet adds optional string flags (nil unless given) to flag.FlagSet.
type flagSet struct{ *flag.FlagSet }

type optString struct{ p **string }

func (o optString) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return **o.p
}

func (o optString) Set(s string) error { *o.p = &s; return nil }

// optional registers a string flag that sets *p only when given.
func (fs *flagSet) optional(p **string, name, usage string) {
	fs.Var(optString{p}, name, usage)
}
