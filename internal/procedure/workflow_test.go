package procedure

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/user"
)

func TestDefaultWorkflow(t *testing.T) {
	perDay := calendar.DefaultOfficeHours().PerDay()
	tests := []struct {
		limit string
		want  []string // budgets of receive, examine, approve, return
	}{
		{"1d", []string{"45m", "4h15m", "1h45m", "45m"}},
		{"3d", []string{"2h45m", "11h30m", "5h30m", "2h45m"}},
		{"4d", []string{"3h45m", "2d", "1d", "3h45m"}},
		{"5d", []string{"3h45m", "3d", "1d", "3h45m"}},
		{"15d", []string{"3h45m", "13d", "1d", "3h45m"}},
		{"30d", []string{"3h45m", "28d", "1d", "3h45m"}},
		{"4h", []string{"30m", "2h", "1h", "30m"}},
		{"1h", []string{"7m", "31m", "15m", "7m"}},
		{"day@15:00", []string{"45m", "4h15m", "1h45m", "45m"}},
	}
	for _, tt := range tests {
		w := DefaultWorkflow(limit(tt.limit), perDay)
		if err := w.Validate(limit(tt.limit), perDay); err != nil {
			t.Errorf("%s: default workflow invalid: %v", tt.limit, err)
		}
		kinds := []StepKind{StepReceive, StepExamine, StepApprove, StepReturn}
		roles := []user.Role{user.Receiver, user.Handler, user.Approver, user.Receiver}
		for i, s := range w.Steps {
			if s.Kind != kinds[i] || s.Role != roles[i] || s.Budget.String() != tt.want[i] {
				t.Errorf("%s step %d: %s %s %s, want %s %s %s", tt.limit, i+1, s.Kind, s.Role, s.Budget, kinds[i], roles[i], tt.want[i])
			}
		}
	}
}

// TestDefaultWorkflowAlwaysFits sweeps the limits and office days a unit can state.
func TestDefaultWorkflowAlwaysFits(t *testing.T) {
	var limits []calendar.Limit
	for n := 1; n <= calendar.MaxLimitDays; n++ {
		l, _ := calendar.Days(n)
		limits = append(limits, l)
	}
	for m := 4; m <= 60*calendar.MaxLimitHours; m += 7 {
		l, _ := calendar.Hours(time.Duration(m) * time.Minute)
		limits = append(limits, l)
	}
	sameDay, _ := calendar.SameDay(15 * 60)
	limits = append(limits, sameDay)
	for _, perDay := range []time.Duration{0, time.Minute * 37, 4 * time.Hour, 7*time.Hour + 30*time.Minute, 8*time.Hour + 1*time.Minute, 24 * time.Hour} {
		office := perDay
		if office == 0 { // DefaultWorkflow falls back to the default office day
			office = calendar.DefaultOfficeHours().PerDay()
		}
		for _, l := range limits {
			if err := DefaultWorkflow(l, perDay).Validate(l, office); err != nil {
				t.Fatalf("limit %s, %v a day: %v", l, perDay, err)
			}
		}
	}
}
