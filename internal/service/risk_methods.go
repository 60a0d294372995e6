package service

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

// Risk actions.
const (
	ActRiskRead      Action = "risk.read"
	ActRiskCatalogue Action = "risk.catalogue.manage" // threats, imported matrices
	ActRiskAssess    Action = "risk.assess"           // assessments and scenarios
	ActRiskApprove   Action = "risk.approve"          // approve an assessment
	ActRiskControl   Action = "risk.control.manage"
	ActRiskTreat     Action = "risk.treatment.manage"
	ActRiskAccept    Action = "risk.accept" // accept residual risk above the appetite
	ActRiskSettings  Action = "risk.settings"
	ActRiskSimulate  Action = "risk.simulate" // run and store the quantitative engine
)

//go:embed riskdata/*.yaml
var riskData embed.FS

// Built-in matrix keys: the default matrices shipped as data files.
const (
	Matrix5x5 = "5x5"
	Matrix3x3 = "3x3"
)

// riskBuiltinMatrices are the shipped matrices, read once from riskdata.
var riskBuiltinMatrices = func() map[string]*bulkhead.RiskMatrix {
	out := map[string]*bulkhead.RiskMatrix{}
	for key, file := range map[string]string{Matrix5x5: "riskdata/matrix-5x5.yaml", Matrix3x3: "riskdata/matrix-3x3.yaml"} {
		b, err := riskData.ReadFile(file)
		if err != nil {
			panic(err)
		}
		ms, err := riskMatricesFromLibrary(b)
		if err != nil || len(ms) != 1 {
			panic(fmt.Sprintf("service: %s: %v", file, err))
		}
		ms[0].ID = key
		out[key] = ms[0]
	}
	return out
}()

// BuiltinMatrix returns a copy of a shipped matrix ("5x5" or "3x3").
func BuiltinMatrix(key string) (*bulkhead.RiskMatrix, bool) {
	m, ok := riskBuiltinMatrices[key]
	if !ok {
		return nil, false
	}
	c := riskCloneMatrix(m)
	return c, true
}

func riskCloneMatrix(m *bulkhead.RiskMatrix) *bulkhead.RiskMatrix {
	c := *m
	c.Likelihood = slices.Clone(m.Likelihood)
	c.Consequence = slices.Clone(m.Consequence)
	c.Levels = slices.Clone(m.Levels)
	c.Grid = make([][]int, len(m.Grid))
	for i := range m.Grid {
		c.Grid[i] = slices.Clone(m.Grid[i])
	}
	return &c
}

// riskMatricesFromLibrary reads the risk_matrix objects of a CISO Assistant
// library. Levels are ordered by their id; the grid's rows are the
// probabilities and its columns the impacts, in id order, as CISO
// Assistant lays them out. EINVALID with the problem under "file".
func riskMatricesFromLibrary(data []byte) ([]*bulkhead.RiskMatrix, error) {
	lib, err := catalog.ParseBytes(data)
	if err != nil {
		return nil, bulkhead.Invalid(map[string]string{"file": bulkhead.FieldRiskMatrix})
	}
	var out []*bulkhead.RiskMatrix
	for _, cm := range lib.Objects.RiskMatrices {
		m := &bulkhead.RiskMatrix{Ref: cm.RefID, Name: strings.TrimSpace(cm.Name), Description: cm.Description, URN: cm.URN}
		levels := func(ls []catalog.RiskLevel, colour bool) ([]bulkhead.MatrixLevel, []int) {
			ls = slices.Clone(ls)
			slices.SortFunc(ls, func(a, b catalog.RiskLevel) int { return cmp.Compare(a.ID, b.ID) })
			var out []bulkhead.MatrixLevel
			var ids []int
			for _, l := range ls {
				ml := bulkhead.MatrixLevel{Abbrev: l.Abbreviation, Name: l.Name, Description: l.Description}
				if colour {
					ml.Colour = strings.ToUpper(l.Hexcolor)
				}
				out = append(out, ml)
				ids = append(ids, l.ID)
			}
			return out, ids
		}
		var riskIDs []int
		m.Likelihood, _ = levels(cm.Probability, false)
		m.Consequence, _ = levels(cm.Impact, false)
		m.Levels, riskIDs = levels(cm.Risk, true)
		for _, row := range cm.Grid {
			var r []int
			for _, v := range row {
				r = append(r, slices.Index(riskIDs, v)) // -1 for an unknown level fails Validate
			}
			m.Grid = append(m.Grid, r)
		}
		if err := m.Validate(); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, bulkhead.Invalid(map[string]string{"file": bulkhead.FieldRiskMatrix})
	}
	return out, nil
}

// RiskMatrices lists the matrices an assessment can use: the built-in ones,
// then the imported ones. EFORBIDDEN.
func (s *Service) RiskMatrices(ctx context.Context, a Actor) ([]*bulkhead.RiskMatrix, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	out := []*bulkhead.RiskMatrix{riskCloneMatrix(riskBuiltinMatrices[Matrix5x5]), riskCloneMatrix(riskBuiltinMatrices[Matrix3x3])}
	imported, err := s.store.RiskMatrices(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	return append(out, imported...), nil
}

// riskMatrixFor resolves a matrix key or ID for an organisation. EINVALID.
func riskMatrixFor(ctx context.Context, r bulkhead.Reader, orgID, key string) (*bulkhead.RiskMatrix, error) {
	if m, ok := BuiltinMatrix(key); ok {
		return m, nil
	}
	if bulkhead.ValidID(key) {
		if m, err := r.RiskMatrix(ctx, orgID, key); err == nil {
			return m, nil
		} else if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return nil, err
		}
	}
	return nil, bulkhead.Invalid(map[string]string{"matrix": bulkhead.FieldChoice})
}

// ImportRiskMatrices stores every risk_matrix object of a CISO Assistant
// library file. EFORBIDDEN, EINVALID (field "file").
func (s *Service) ImportRiskMatrices(ctx context.Context, a Actor, data []byte) ([]*bulkhead.RiskMatrix, error) {
	if err := authorize(a, ActRiskCatalogue); err != nil {
		return nil, err
	}
	ms, err := riskMatricesFromLibrary(data)
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		for _, m := range ms {
			m.ID, m.OrgID, m.CreatedAt = bulkhead.NewID(), a.OrgID, s.now()
			if err := tx.CreateRiskMatrix(ctx, m); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "risk_matrix.import", "risk_matrix", m.ID, map[string]any{"name": m.Name, "urn": m.URN,
				"size": fmt.Sprintf("%dx%d", len(m.Likelihood), len(m.Consequence))}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ms, nil
}

// RiskSettings returns the organisation's risk settings. EFORBIDDEN.
func (s *Service) RiskSettings(ctx context.Context, a Actor) (*bulkhead.RiskSettings, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.RiskSettings(ctx, a.OrgID)
}

// UpdateRiskSettings sets the risk appetite (a 0-based level of the default
// matrix) and the default matrix. EFORBIDDEN, EINVALID.
func (s *Service) UpdateRiskSettings(ctx context.Context, a Actor, appetite int, matrixID string) (*bulkhead.RiskSettings, error) {
	if err := authorize(a, ActRiskSettings); err != nil {
		return nil, err
	}
	var out *bulkhead.RiskSettings
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		m, err := riskMatrixFor(ctx, tx, a.OrgID, matrixID)
		if err != nil {
			return err
		}
		if appetite < 0 || appetite > len(m.Levels)-2 {
			return bulkhead.Invalid(map[string]string{"appetite": bulkhead.FieldRiskScale})
		}
		before, err := tx.RiskSettings(ctx, a.OrgID)
		if err != nil {
			return err
		}
		out = &bulkhead.RiskSettings{OrgID: a.OrgID, Appetite: appetite, MatrixID: matrixID, UpdatedAt: s.now()}
		if before.Appetite == appetite && before.MatrixID == matrixID && !before.UpdatedAt.IsZero() {
			return nil
		}
		if err := tx.PutRiskSettings(ctx, out); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_settings.update", "risk_settings", a.OrgID, map[string]any{
			"changes": diff(map[string]any{"appetite": before.Appetite, "matrix": before.MatrixID}, map[string]any{"appetite": appetite, "matrix": matrixID})})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ImportThreats adds the threats objects of a CISO Assistant library file
// to the catalogue, all in the family given (CISO Assistant threats carry
// none). Threats whose URN is already in the
// catalogue are skipped. It returns the number added. EFORBIDDEN, EINVALID.
func (s *Service) ImportThreats(ctx context.Context, a Actor, data []byte, family bulkhead.ThreatFamily) (int, error) {
	if err := authorize(a, ActRiskCatalogue); err != nil {
		return 0, err
	}
	if !family.Valid() {
		return 0, bulkhead.Invalid(map[string]string{"family": bulkhead.FieldChoice})
	}
	lib, err := catalog.ParseBytes(bytes.TrimSpace(data))
	if err != nil || len(lib.Objects.Threats) == 0 {
		return 0, bulkhead.Invalid(map[string]string{"file": bulkhead.FieldInvalid})
	}
	n := 0
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		have, err := tx.Threats(ctx, a.OrgID)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		refs := map[string]bool{}
		for _, t := range have {
			seen[t.URN] = t.URN != ""
			refs[t.Ref] = t.Ref != ""
		}
		for _, ct := range lib.Objects.Threats {
			if ct.URN != "" && seen[ct.URN] {
				continue
			}
			now := s.now()
			t := &bulkhead.Threat{ID: bulkhead.NewID(), OrgID: a.OrgID, Ref: strings.TrimSpace(ct.RefID), Name: strings.TrimSpace(ct.Name),
				Family: family, Description: strings.TrimSpace(ct.Description), URN: ct.URN, CreatedAt: now, UpdatedAt: now}
			if refs[t.Ref] {
				t.Ref = ""
			}
			if err := t.Validate(); err != nil {
				return err
			}
			if err := tx.CreateThreat(ctx, t); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "risk_threat.import", "risk_threat", t.ID, map[string]any{"after": riskThreatAudit(t), "urn": t.URN}); err != nil {
				return err
			}
			seen[t.URN], refs[t.Ref] = t.URN != "", t.Ref != ""
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
