package demo

// Vietnamese names for the demo officials. Family names lean to those common in the
// midlands of Phú Thọ; middle and given names follow the usual pairing by gender. The
// combinations are invented.
var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Đinh", "Vũ", "Đặng", "Bùi",
		"Đỗ", "Ngô", "Dương", "Kiều", "Phan", "Cao", "Tạ", "Lý", "Hồ", "Triệu"}
	maleMiddle   = []string{"Văn", "Đức", "Minh", "Quang", "Mạnh", "Xuân", "Hữu", "Tiến", "Công", "Trung"}
	femaleMiddle = []string{"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Thùy", "Phương", "Kim", "Bích"}
	maleGiven    = []string{"Hùng", "Dũng", "Tuấn", "Thắng", "Long", "Nam", "Sơn", "Cường", "Hải", "Quân",
		"Đạt", "Khánh", "Hiếu", "Phong", "Trọng", "Việt", "Toàn", "Bình", "Tùng", "Kiên", "Thành", "Hưng", "Lực"}
	femaleGiven = []string{"Lan", "Hương", "Mai", "Hoa", "Linh", "Phương", "Trang", "Yến", "Hạnh", "Thảo",
		"Nga", "Huyền", "Ngân", "Loan", "Dung", "Hằng", "Quyên", "Vân", "Oanh", "Thủy", "Nhung", "Liên", "Hà"}
)

// fullName returns the i-th demo official's name. Steps that are prime to the list
// lengths walk through the combinations without repeating soon, and the same i always
// gives the same name.
func fullName(i int) string {
	family := familyNames[(i*7+3)%len(familyNames)]
	j := i / 2 // the i-th official alternates between men and women
	if i%2 == 0 {
		return family + " " + maleMiddle[(j*3+1)%len(maleMiddle)] + " " + maleGiven[(j*5+2)%len(maleGiven)]
	}
	return family + " " + femaleMiddle[(j*3+2)%len(femaleMiddle)] + " " + femaleGiven[(j*5+4)%len(femaleGiven)]
}
