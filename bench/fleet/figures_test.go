package main

import (
	"encoding/json"
	"math"
	"testing"
)

// A figure with no valid sample (NaN, or a ratio over a zero CPU sample) is recorded as not measured, and the
// results still encode: encoding/json refuses NaN and infinities, which failed a whole bench run.
func TestResultsAdd_nonFiniteValueIsNotMeasured(t *testing.T) {
	var r results
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r.add(figure{ID: "ratio", Value: ptr(v), Max: ptr(1.0)})
	}
	r.add(figure{ID: "measured", Value: ptr(0.5), Max: ptr(1.0)})
	for _, f := range r.Figures[:3] {
		if f.Value != nil || f.Status != statusPending {
			t.Errorf("non-finite figure recorded as %+v, want a null value and %s", f, statusPending)
		}
	}
	if f := r.Figures[3]; f.Value == nil || f.Status != statusPass {
		t.Errorf("finite figure: %+v, want 0.5 and %s", f, statusPass)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("results do not encode: %v", err)
	}
}
