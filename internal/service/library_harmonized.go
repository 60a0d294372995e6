package service

import (
	"context"
	"slices"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

// Counterpart is a requirement of another framework that a mapping set
// joins to a requirement, seen from that requirement: Relationship says how
// the requirement relates to the counterpart (a mapping read backwards is
// inverted, so subset becomes superset).
type Counterpart struct {
	LibraryID     string
	FrameworkName string
	NodeURN       string
	RefID         string
	Name          string
	Relationship  catalog.Relationship
	Strength      int
	Rationale     string
}

// harmonizedLibrary reports whether a library is a harmonized-structure
// framework: every assessable requirement carries that provenance.
func harmonizedLibrary(l *bulkhead.Library) bool {
	return l.FrameworkURN != "" && l.AssessableCount > 0 && l.Harmonized == l.AssessableCount
}

// HarmonizedCounterparts returns, per requirement URN of the framework (as
// the framework spells it),
// its counterparts in the harmonized-structure frameworks (or, for a
// harmonized-structure framework, in the frameworks mapped to it), read
// from the mapping sets in both directions, so a user sees where evidence
// is reused in an integrated management system. EFORBIDDEN.
func (s *Service) HarmonizedCounterparts(ctx context.Context, a Actor, frameworkURN string) (map[string][]Counterpart, error) {
	if err := authorize(a, ActLibraryRead); err != nil {
		return nil, err
	}
	libs, err := s.visibleLibraries(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	byFW := map[string]*bulkhead.Library{}
	for _, l := range libs {
		if l.FrameworkURN != "" {
			byFW[strings.ToLower(l.FrameworkURN)] = l
		}
	}
	self := byFW[strings.ToLower(frameworkURN)]
	if self == nil {
		return nil, nil
	}
	type link struct {
		node, otherFW, otherNode string
		rel                      catalog.Relationship
		strength                 int
		rationale                string
	}
	var links []link
	for _, l := range libs {
		if l.MappingCount == 0 {
			continue
		}
		p, err := s.parsedLibrary(ctx, a.OrgID, l.ID)
		if err != nil {
			return nil, err
		}
		for _, set := range mappingSets(p) {
			fromSelf := strings.EqualFold(set.SourceFrameworkURN, frameworkURN)
			toSelf := strings.EqualFold(set.TargetFrameworkURN, frameworkURN)
			if !fromSelf && !toSelf {
				continue
			}
			other := set.TargetFrameworkURN
			if !fromSelf {
				other = set.SourceFrameworkURN
			}
			ol := byFW[strings.ToLower(other)]
			if ol == nil || (!harmonizedLibrary(ol) && !harmonizedLibrary(self)) {
				continue
			}
			for _, m := range set.RequirementMappings {
				k := link{otherFW: other, rationale: m.Rationale}
				if m.StrengthOfRelationship != nil {
					k.strength = *m.StrengthOfRelationship
				}
				if fromSelf {
					k.node, k.otherNode, k.rel = m.SourceRequirementURN, m.TargetRequirementURN, m.Relationship
				} else {
					k.node, k.otherNode, k.rel = m.TargetRequirementURN, m.SourceRequirementURN, invertRelationship(m.Relationship)
				}
				links = append(links, k)
			}
		}
	}
	if len(links) == 0 {
		return nil, nil
	}
	selfParsed, err := s.parsedLibrary(ctx, a.OrgID, self.ID)
	if err != nil {
		return nil, err
	}
	exact := map[string]string{} // lower-case → own requirement URN
	if f := selfParsed.Objects.Framework; f != nil {
		for _, n := range f.RequirementNodes {
			exact[strings.ToLower(n.URN)] = n.URN
		}
	}
	out := map[string][]Counterpart{}
	nodes := map[string]map[string]*catalog.RequirementNode{} // framework → node URN → node
	names := map[string]string{}                              // framework → its name
	for _, k := range links {
		fw := strings.ToLower(k.otherFW)
		if nodes[fw] == nil {
			ol := byFW[fw]
			p, err := s.parsedLibrary(ctx, a.OrgID, ol.ID)
			if err != nil {
				return nil, err
			}
			nodes[fw], names[fw] = map[string]*catalog.RequirementNode{}, ol.Name
			if f := p.Objects.Framework; f != nil {
				names[fw] = f.Name
				for i := range f.RequirementNodes {
					nodes[fw][strings.ToLower(f.RequirementNodes[i].URN)] = &f.RequirementNodes[i]
				}
			}
		}
		n, key := nodes[fw][strings.ToLower(k.otherNode)], exact[strings.ToLower(k.node)]
		if n == nil || key == "" {
			continue
		}
		out[key] = append(out[key], Counterpart{LibraryID: byFW[fw].ID, FrameworkName: names[fw], NodeURN: n.URN, RefID: n.RefID, Name: n.Name,
			Relationship: k.rel, Strength: k.strength, Rationale: k.rationale})
	}
	for _, cs := range out {
		slices.SortStableFunc(cs, func(x, y Counterpart) int { return strings.Compare(x.FrameworkName, y.FrameworkName) })
	}
	return out, nil
}

// parsedLibrary reads a stored library and returns its parsed content
// (shared: do not change).
func (s *Service) parsedLibrary(ctx context.Context, orgID, id string) (*catalog.Library, error) {
	full, err := s.store.Library(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	return parseStored(full)
}
