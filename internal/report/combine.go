package report

import "reflect"

// Plus adds another unit's figures to s (every count; the period is s's). All of a
// Stats' counts are sums over rollup cells, so the figures of a unit are the sum of its
// parts' and a breakdown's rows add up to its total.
func (s Stats) Plus(o Stats) Stats { return combine(s, o, 1) }

// Minus subtracts o's counts from s's: what a unit holds outside the parts listed.
func (s Stats) Minus(o Stats) Stats { return combine(s, o, -1) }

// IsZero reports whether every count is zero.
func (s Stats) IsZero() bool {
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Int64 && f.Int() != 0 {
			return false
		}
	}
	return true
}

// combine adds sign×o to s field by field; reflection keeps it true when Stats gains a
// count.
func combine(s, o Stats, sign int64) Stats {
	out := s
	v, w := reflect.ValueOf(&out).Elem(), reflect.ValueOf(o)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Int64 {
			f.SetInt(f.Int() + sign*w.Field(i).Int())
		}
	}
	return out
}
