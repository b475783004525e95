package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

// TestPredecessors builds a reorganisation: a former province with a district of two
// communes (both merged into new commune N1, the district split between N1 and N2), the
// province replaced by a new one, a commune of another province split across both
// provinces, and a merger in two steps (M1 into M2, M2 into N2). Each unit's reports take
// the retired units all of whose successors it holds, the outermost only. (A former
// province names the province that replaced it; in 2025 communes did not cross
// provinces, so the commune that did here counts in both.)
func TestPredecessors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		from, end := unit.NewDate(2020, 1, 1), unit.NewDate(2025, 7, 1)
		mk := func(code, name string, kind unit.Kind, parent unit.Unit, old bool, succ ...unit.Unit) unit.Unit {
			u := unit.Unit{Code: code, Name: name, Kind: kind, ParentID: parent.ID, ValidFrom: end}
			if old {
				u.ValidFrom, u.ValidTo = from, end
			}
			for _, s := range succ {
				u.Successors = append(u.Successors, s.ID)
			}
			return mustCreate(t, db, u)
		}
		none := unit.Unit{}
		newProv := mk("25", "Tỉnh Phú Thọ", unit.Province, none, false)
		n1 := mk("08152", "Xã Thanh Ba", unit.Commune, newProv, false)
		centre1 := mk("08152.TT", "Trung tâm PVHCC xã Thanh Ba", unit.Centre, n1, false)
		n2 := mk("08173", "Xã Quảng Yên", unit.Commune, newProv, false)
		other := mk("26", "Tỉnh Khác", unit.Province, none, false)
		x1 := mk("09001", "Xã Khác", unit.Commune, other, false)

		oldProv := mk("25.old", "Tỉnh Phú Thọ (cũ)", unit.Province, none, true, newProv)
		district := mk("232", "Huyện Thanh Ba", unit.District, oldProv, true, n1, n2)
		c1 := mk("08152.old", "Thị trấn Thanh Ba", unit.Town, district, true, n1)
		ub1 := mk("08152.old.UB", "UBND thị trấn Thanh Ba", unit.Committee, c1, true, centre1)
		c2 := mk("08156.old", "Xã Vân Lĩnh", unit.Commune, district, true, n1)
		oldOther := mk("26.old", "Tỉnh Khác (cũ)", unit.Province, none, true, other)
		split := mk("09002.old", "Xã Chia Đôi", unit.Commune, oldOther, true, n2, x1)
		m2 := mk("09003.old", "Xã Trung Gian", unit.Commune, oldOther, true, n2)
		m1 := mk("09004.old", "Xã Sáp Nhập Trước", unit.Commune, oldOther, true, m2)

		for _, c := range []struct {
			u    unit.Unit
			want []unit.Unit
		}{
			// The former province, and the communes of the other former province merged
			// into N2 (one in two steps).
			{newProv, []unit.Unit{oldProv, m2, m1}},
			{n1, []unit.Unit{c1, c2}},
			{centre1, []unit.Unit{ub1}},
			{n2, []unit.Unit{m2, m1}},
			{x1, nil}, // the split commune went to two provinces
			{other, []unit.Unit{oldOther}},
			{district, nil},
		} {
			got, err := db.Predecessors(ctx, c.u)
			if err != nil {
				t.Fatal(err)
			}
			if names(got) == nil && c.want == nil {
				continue
			}
			if want := sortedByPath(c.want); !reflect.DeepEqual(names(got), names(want)) {
				t.Errorf("predecessors of %s: %v, want %v", c.u.Name, names(got), names(want))
			}
		}
		succ, err := db.SuccessorPaths(ctx, []string{district.ID, split.ID, n1.ID})
		if err != nil || len(succ) != 2 || len(succ[district.ID]) != 2 || len(succ[split.ID]) != 2 {
			t.Fatalf("successor paths: %v %v", succ, err)
		}
	})
}

func names(us []unit.Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

func sortedByPath(us []unit.Unit) []unit.Unit {
	out := append([]unit.Unit(nil), us...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Path < out[i].Path {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
