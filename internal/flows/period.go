package flows

// PeriodOf is the earliest start and the latest end of the observations:
// the time the logs cover.
func PeriodOf(obs []Observation) Period {
	var p Period
	for i := range obs {
		p.First, p.Last = widen(p.First, p.Last, &obs[i])
	}
	return p
}
