// Package fair is Bulkhead's quantitative risk engine: a Monte Carlo
// simulation of annual loss in the manner of Open FAIR (loss event
// frequency × loss magnitude), for one scenario or a portfolio, with
// control what-ifs. It is pure computation: no database, no files, no
// state between calls.
//
// # Model
//
// Each iteration is one simulated year. For every scenario:
//
//  1. Threat events. A draw of the threat-event frequency (TEF, events a
//     year) becomes a count: the "poisson" frequency model draws a Poisson
//     count with that draw as its rate (a constant TEF gives riskquant's
//     SimpleLoss, a PERT TEF its PERTLoss); the "rounded" model rounds the
//     draw to the nearest integer, halves to even (evaluator).
//  2. Loss events. The "probability" vulnerability model draws one
//     vulnerability a year; each threat event becomes a loss event with
//     that probability (a binomial count). The "per_event" model draws, for
//     every threat event, a threat capability and one difficulty per
//     control; the event is a loss event iff the capability exceeds the
//     mean of the difficulties (evaluator). "auto" (the default) picks
//     "probability" for a scenario that gives a vulnerability and
//     "per_event" for one that gives a threat capability and controls.
//  3. Loss. The "per_event" magnitude model (the default) draws a primary
//     loss, plus a secondary loss when the scenario has one, for every loss
//     event and sums them; "per_year" draws them once and multiplies by the
//     number of loss events (pyfair's LEF × LM). The means agree; the
//     spread does not.
//
// The portfolio is the per-iteration sum of its scenarios' losses. By
// default each scenario draws from its own random streams (dependence
// "independent"); "shared_stream" gives every scenario the streams of the
// seed alone, as tools that reseed every model with the same seed do, so
// that factors with equal distributions move together.
//
// A what-if is a copy of a scenario with some factors or controls
// replaced. It runs on the base scenario's streams (common random
// numbers), and the result reports the change iteration by iteration, with
// its own standard error, which is far smaller than the difference of two
// independent runs.
//
// # Distributions
//
//	"pert_vose"     min, mode, max, gamma (default 4). Modified PERT:
//	                Beta(1+γ(mode−min)/(max−min), 1+γ(max−mode)/(max−min)) on [min, max].
//	"pert_classic"  min, mode, max, gamma (default 4). Classic PERT: mean
//	                (min+γ·mode+max)/(γ+2), sd (max−min)/(γ+2), α and β by moments.
//	"lognormal"     low, high: the 5th and 95th percentiles (0 < low < high).
//	                μ = (ln low + ln high)/2, σ = (ln high − ln low)/(2·1.6448536269514722).
//	"poisson"       mean.
//	"uniform"       min, max.
//	"constant"      value.
//
// The two PERT forms have the same mean and different spreads; there is
// no plain "pert", so every result says which one it used. A PERT with
// min = max is that constant. Frequencies must lie in [0, 1e8] events a
// year and losses in [0, 1e15]; vulnerabilities, threat capabilities and
// difficulties are probabilities in [0, 1] and so take a PERT, uniform or
// constant only.
//
// # Input
//
// Decode reads one JSON object; unknown fields are errors:
//
//	{
//	  "iterations": 10000,            // 1 to 10,000,000; default 10,000
//	  "seed": 42,                     // unsigned 64-bit; default 0
//	  "model": {                      // defaults for every scenario
//	    "frequency": "poisson",       // "poisson" (default) or "rounded"
//	    "vulnerability": "auto",      // "auto" (default), "probability" or "per_event"
//	    "magnitude": "per_event"      // "per_event" (default) or "per_year"
//	  },
//	  "dependence": "independent",    // or "shared_stream"
//	  "tolerance": 5000000,           // optional: report P(annual loss > tolerance)
//	  "percentiles": [50, 90, 95, 99],// optional; default 1 5 10 25 50 75 90 95 99 99.9
//	  "scenarios": [                  // one or more
//	    {
//	      "id": "cargo-theft",        // required, unique: names the random streams
//	      "name": "Theft of cargo from the yard",
//	      "model": {"frequency": "rounded"},   // optional overrides
//	      "tef": {"type": "pert_vose", "min": 2, "mode": 6, "max": 20},
//	      "threat_capability": {"type": "pert_vose", "min": 0.3, "mode": 0.6, "max": 0.9},
//	      "controls": [
//	        {"id": "fence", "difficulty": {"type": "pert_vose", "min": 0.2, "mode": 0.5, "max": 0.7}}
//	      ],
//	      "primary_loss": {"type": "lognormal", "low": 20000, "high": 800000},
//	      "secondary_loss": {"type": "pert_vose", "min": 0, "mode": 10000, "max": 150000},
//	      "tolerance": 1000000        // optional, overrides the run's for this scenario
//	    },
//	    {
//	      "id": "seal-tampering",
//	      "tef": {"type": "poisson", "mean": 4},
//	      "vulnerability": {"type": "uniform", "min": 0.05, "max": 0.25},
//	      "primary_loss": {"type": "pert_classic", "min": 5000, "mode": 20000, "max": 400000}
//	    }
//	  ],
//	  "what_if": [                    // optional
//	    {
//	      "id": "guard-patrols",
//	      "scenario": "cargo-theft",  // the base scenario's id
//	      "controls": [{"id": "patrols", "difficulty": {"type": "constant", "value": 0.8}}],
//	      "remove_controls": ["fence"]
//	    }
//	  ]
//	}
//
// (The comments are for this page only: JSON has none.) A scenario gives
// either "vulnerability" or "threat_capability" with at least one control.
// A what-if may replace "tef", "vulnerability", "threat_capability",
// "primary_loss" and "secondary_loss", replace or add controls by id and
// drop controls with "remove_controls"; it keeps its base's model and
// tolerance. testdata/example.json is a complete document.
//
// Validation runs before any simulation and reports every problem at once
// as a *ValidationError whose Fields map JSON paths to messages, such as
// "scenarios[2].tef.mode": "must be between min and max". Iterations times
// the number of scenarios and what-ifs may not exceed 100,000,000 (the
// samples are kept in memory to sum the portfolio and pair the what-ifs).
//
// # Output
//
// Simulate returns an Output, meant to be encoded as JSON. It records the
// iterations, seed, model options (per scenario, after defaults),
// dependence, generator and percentile method, then for each scenario the
// mean and sd of its yearly threat and loss events and a summary of its
// annual loss: mean, sd, standard error of the mean, min, max, the
// requested percentiles, the loss exceedance curve (the loss exceeded with
// probability 0.99, 0.98, …, 0.01) and, with a tolerance, the probability
// of exceeding it. Where the model has a closed form, "analytic_mean" gives
// the expected annual loss to compare with the simulated mean. The
// portfolio (two or more scenarios) and each what-if (before, after,
// change) are summarised the same way. Percentiles come from the sorted
// samples with linear interpolation between order statistics (the default
// of numpy and R), not from bins.
//
// # Reproducibility
//
// Every factor of every scenario has its own math/rand/v2 PCG stream,
// re-seeded for each iteration from (seed, scenario id, factor, control
// id, iteration) through SplitMix64. A scenario's numbers therefore do not
// depend on the other scenarios, on their order, on how iterations are cut
// into tasks or on which worker runs them, and a what-if meets the same
// numbers as its base. The samplers use their own exp and log and round
// every product before it is added, so the same input and seed give the
// same bits on every machine and architecture (a test pins a hash of the
// output).
package fair
