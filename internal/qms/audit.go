package qms

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// AuditResult is what an auditor found on one checklist item.
type AuditResult string

// The results of a checklist item; Unchecked is the empty string. Minor and major
// nonconformities raise a nonconformity record with its corrective action.
const (
	Unchecked   AuditResult = ""
	Conformity  AuditResult = "conformity"  // phù hợp
	Observation AuditResult = "observation" // khuyến nghị, cần cải tiến
	MinorNC     AuditResult = "minor"       // điểm không phù hợp nhỏ
	MajorNC     AuditResult = "major"       // điểm không phù hợp lớn
)

// AuditResults lists the results an auditor may record.
var AuditResults = []AuditResult{Conformity, Observation, MinorNC, MajorNC}

// Valid reports whether r is a result an auditor may record.
func (r AuditResult) Valid() bool { return slices.Contains(AuditResults, r) }

// RaisesNC reports whether the result is a nonconformity.
func (r AuditResult) RaisesNC() bool { return r == MinorNC || r == MajorNC }

// AuditStatus is where an audit plan stands.
type AuditStatus string

// An audit is planned, then done with its conclusion (its report).
const (
	AuditPlanned AuditStatus = "planned"
	AuditDone    AuditStatus = "done"
)

// Programme is a unit's yearly internal audit programme (chương trình đánh giá nội bộ).
type Programme struct {
	ID        string
	UnitID    string
	Year      int
	Title     string
	CreatedBy string
	CreatedAt time.Time
}

// Validate checks a programme.
func (p Programme) Validate() error {
	var errs failure.List
	if p.Year < 2000 || p.Year > 2200 {
		errs = append(errs, failure.InvalidField("year", "qms.year_invalid"))
	}
	errs = addErr(errs, checkText("title", p.Title, maxTitle, true))
	return errs.Err()
}

// AuditPlan is the audit of one unit within a programme (kế hoạch đánh giá): its scope,
// day and auditors, then its checklist and conclusion.
type AuditPlan struct {
	ID          string
	ProgrammeID string
	UnitID      string // the unit audited: the programme's unit or one below it
	Scope       string
	PlannedOn   unit.Date
	Status      AuditStatus
	Conclusion  string
	CompletedAt time.Time
	Auditors    []string // user IDs
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Normalize trims the text fields.
func (p *AuditPlan) Normalize() {
	p.Scope = strings.TrimSpace(vn.NFC(p.Scope))
	p.Conclusion = strings.TrimSpace(vn.NFC(p.Conclusion))
}

// Validate checks a plan: a scope, a day and at least one auditor.
func (p AuditPlan) Validate() error {
	var errs failure.List
	errs = addErr(errs, checkText("scope", p.Scope, maxNote, true))
	if p.PlannedOn.IsZero() {
		errs = append(errs, failure.InvalidField("planned_on", "qms.date_required"))
	}
	if len(p.Auditors) == 0 {
		errs = append(errs, failure.InvalidField("auditors", "qms.auditors_required"))
	}
	return errs.Err()
}

// CheckAuditor refuses an auditor who works in the audited unit: one holding a role in it
// or in a unit below it (assignmentPaths are the materialised paths of the units where the
// official holds roles). An overseer above the unit, or an official of another commune,
// may audit it.
func CheckAuditor(auditedPath string, assignmentPaths []string) error {
	for _, p := range assignmentPaths {
		if strings.HasPrefix(p, auditedPath) {
			return failure.New(failure.Invalid, "auditors", "qms.auditor_own_unit")
		}
	}
	return nil
}

// AuditItem is one line of an audit's checklist: a question under an ISO 9001:2015 clause,
// the evidence seen and the result; a nonconformity found links to its record.
type AuditItem struct {
	ID         string
	PlanID     string
	UnitID     string
	Seq        int
	Clause     string
	Question   string
	Evidence   string
	Result     AuditResult
	NCID       string
	RecordedBy string
	RecordedAt time.Time
}

// ValidateFinding checks a result recorded on an item: a known result, and evidence for
// anything but conformity (a finding must say what was seen).
func ValidateFinding(r AuditResult, evidence string) error {
	if !r.Valid() {
		return failure.InvalidField("result", "qms.audit_result_invalid")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(evidence)); {
	case n == 0 && r != Conformity:
		return failure.InvalidField("evidence", "qms.evidence_required")
	case n > maxNote:
		return failure.InvalidField("evidence", "qms.text_too_long", maxNote)
	}
	return nil
}

// ChecklistItem is a question of the default checklist.
type ChecklistItem struct {
	Clause, Question string
}

// Checklist is the default checklist of an internal audit, by clause of TCVN ISO
// 9001:2015 (4 to 10), worded for a People's Committee. It is data: a plan copies it when
// made, and its auditors may add questions.
var Checklist = []ChecklistItem{
	{"4.1", "Đơn vị đã xác định các vấn đề nội bộ, bên ngoài ảnh hưởng đến hệ thống quản lý chất lượng (thay đổi địa giới, thủ tục, nhân sự) và theo dõi chúng chưa?"},
	{"4.2", "Đã xác định nhu cầu, mong đợi của người dân, tổ chức và cơ quan cấp trên đối với việc giải quyết thủ tục hành chính chưa?"},
	{"4.3", "Phạm vi áp dụng hệ thống có được ban hành, cập nhật theo danh mục thủ tục đơn vị đang công khai không?"},
	{"4.4", "Mỗi thủ tục hành chính trong phạm vi có quy trình nội bộ được ban hành và áp dụng không?"},
	{"5.1", "Lãnh đạo có chủ trì xem xét, phân công trách nhiệm và bảo đảm nguồn lực cho hệ thống không?"},
	{"5.2", "Chính sách chất lượng có được ban hành, phổ biến và cán bộ, công chức hiểu không?"},
	{"5.3", "Trách nhiệm, quyền hạn của từng vị trí (tiếp nhận, xử lý, phê duyệt, thư ký ISO) có được phân công rõ không?"},
	{"6.1", "Đơn vị đã nhận diện rủi ro, cơ hội và có biện pháp xử lý (ví dụ hồ sơ trễ hạn, thủ tục hết hiệu lực) chưa?"},
	{"6.2", "Mục tiêu chất lượng năm có được thiết lập, đo lường định kỳ và đánh giá kết quả không?"},
	{"6.3", "Các thay đổi của hệ thống (thủ tục mới, sáp nhập) có được hoạch định, cập nhật tài liệu không?"},
	{"7.1", "Nguồn lực (nhân sự, trang thiết bị, phần mềm một cửa) có đáp ứng yêu cầu không?"},
	{"7.2", "Cán bộ thực hiện có đủ năng lực, được đào tạo về nghiệp vụ và ISO không?"},
	{"7.3", "Cán bộ có nhận thức về chính sách, mục tiêu chất lượng và hậu quả của sự không phù hợp không?"},
	{"7.4", "Việc trao đổi thông tin nội bộ và với người dân (niêm yết, cổng dịch vụ công) có được thực hiện không?"},
	{"7.5", "Tài liệu được kiểm soát: phê duyệt trước khi ban hành, có lần ban hành, phân phối, tài liệu hết hiệu lực được đánh dấu; hồ sơ được lưu giữ?"},
	{"8.1", "Thủ tục được giải quyết theo đúng quy trình nội bộ và thời hạn đã công bố không?"},
	{"8.2", "Thành phần hồ sơ, phí, lệ phí, thời hạn được công khai đầy đủ, chính xác cho người dân không?"},
	{"8.5", "Hồ sơ được tiếp nhận, chuyển, xử lý, trả kết quả có phiếu kiểm soát và được theo dõi tiến độ không?"},
	{"8.7", "Hồ sơ sai sót, quá hạn có được kiểm soát, xin lỗi người dân và xử lý kịp thời không?"},
	{"9.1", "Đơn vị có theo dõi, phân tích tỷ lệ giải quyết đúng hạn và mức độ hài lòng của người dân không?"},
	{"9.2", "Đánh giá nội bộ có được thực hiện theo chương trình ít nhất mỗi năm một lần không?"},
	{"9.3", "Lãnh đạo có xem xét hệ thống ít nhất mỗi năm một lần với đủ đầu vào, đầu ra không?"},
	{"10.2", "Điểm không phù hợp có được xác định nguyên nhân, khắc phục và kiểm tra hiệu lực không?"},
	{"10.3", "Đơn vị có thực hiện cải tiến liên tục (đơn giản hóa thủ tục, ứng dụng công nghệ thông tin) không?"},
}
