package demo

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// The annual QMS evaluations of 2022 (issue 8, part 8). Most communes declared their QMS
// conformant in 2021 (the declarations list the procedures they published that day); each
// commune writes its overall assessment and one recommendation and one proposal for 2022,
// and all but four complete the report, which seals its figures. The district's own
// report, with the comparison of its communes, stays a draft for its QMS secretary to
// complete. Everything is skipped when already there, so a second load adds nothing.

// evalRecommendations and evalProposals are the communes' texts, picked by their place in
// thanhBa2022.
var (
	evalRecommendations = []string{
		"Đề nghị UBND huyện hỗ trợ kinh phí nâng cấp đường truyền Internet cho bộ phận một cửa.",
		"Đề nghị UBND tỉnh sớm cấp chứng thư số cho công chức Văn phòng - Thống kê.",
		"Đề nghị Sở Khoa học và Công nghệ tập huấn cập nhật TCVN ISO 9001:2015 cho thư ký ISO cấp xã.",
		"Đề nghị Văn phòng HĐND và UBND huyện cập nhật kịp thời danh mục thủ tục hành chính khi có quyết định công bố mới.",
	}
	evalProposals = []string{
		"Bổ sung 01 máy quét tài liệu để số hóa hồ sơ ngay khi tiếp nhận.",
		"Rà soát, ban hành lại quy trình nội bộ các thủ tục lĩnh vực đất đai để rút ngắn thời gian giải quyết.",
		"Tổ chức đánh giá nội bộ hai lần trong năm thay vì một lần.",
		"Niêm yết mã QR tra cứu hồ sơ tại bộ phận một cửa để người dân tự theo dõi tiến độ.",
		"Cử công chức tư pháp - hộ tịch dự lớp bồi dưỡng kỹ năng số hóa hồ sơ.",
	}
)

// evalDraft2022 tells which communes (by place in thanhBa2022) leave their 2022 report a
// draft: Xã Vân Lĩnh and every fifth after it.
func evalDraft2022(i int) bool { return i%5 == 1 }

// declared2022 tells which communes declared their QMS conformant in 2021: all but every
// fourth.
func declared2022(i int) bool { return i%4 != 3 }

// evaluations2022 records the communes' declarations and their evaluations of 2022 and the
// district's draft.
func (l *loader) evaluations2022(ctx context.Context) error {
	for i, c := range thanhBa2022 {
		u, err := l.db.Unit(ctx, unitID(c.code, legacyFrom))
		if err != nil {
			return err
		}
		if declared2022(i) {
			if err := l.declaration2021(ctx, u, i); err != nil {
				return fmt.Errorf("declaration of %s: %w", u.Name, err)
			}
		}
		summary := "Năm 2022, " + "UBND " + lowerFirst(u.Name) + " duy trì áp dụng hệ thống quản lý chất lượng theo " +
			"TCVN ISO 9001:2015 đối với các thủ tục hành chính thuộc thẩm quyền; hồ sơ được tiếp nhận, giải quyết theo " +
			"quy trình nội bộ và cập nhật trên hệ thống một cửa điện tử. Một số hồ sơ còn giải quyết quá hạn do phải " +
			"xác minh thêm; đơn vị đã xin lỗi người dân và khắc phục."
		props := []qms.Proposal{{Kind: qms.Recommendation, Text: evalRecommendations[i%len(evalRecommendations)]},
			{Kind: qms.Suggestion, Text: evalProposals[i%len(evalProposals)]}}
		if err := l.evaluation(ctx, u, summary, props, !evalDraft2022(i)); err != nil {
			return fmt.Errorf("evaluation of %s: %w", u.Name, err)
		}
	}
	district, err := l.db.Unit(ctx, unitID(districtCode, legacyFrom))
	if err != nil {
		return err
	}
	return l.evaluation(ctx, district, "Năm 2022, các xã, thị trấn của huyện duy trì hệ thống quản lý chất lượng; tỷ lệ "+
		"giải quyết hồ sơ đúng hạn của toàn huyện đạt gần 99,8%.", []qms.Proposal{
		{Kind: qms.Recommendation, Text: "Đề nghị UBND tỉnh tiếp tục bố trí kinh phí duy trì hệ thống quản lý chất lượng cấp xã."},
		{Kind: qms.Suggestion, Text: "Tăng cường ứng dụng công nghệ thông tin trong xây dựng, áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng."},
	}, false)
}

// declaration2021 records a commune's declaration of conformity of 2021 unless it has one.
func (l *loader) declaration2021(ctx context.Context, u unit.Unit, i int) error {
	have, err := l.db.Declarations(ctx, u.ID)
	if err != nil || len(have) > 0 {
		return err
	}
	d := qms.Declaration{UnitID: u.ID, Number: fmt.Sprintf("%d/QĐ-UBND", 40+i*3), DecidedOn: unit.NewDate(2021, 6, 1+i),
		Signer: "Chủ tịch UBND " + lowerFirst(u.Name),
		Scope:  "Các thủ tục hành chính thuộc thẩm quyền giải quyết của UBND " + lowerFirst(u.Name) + " được công bố, công khai"}
	return l.db.CreateDeclaration(ctx, &d, "")
}

// evaluation writes a unit's 2022 report (assessment and proposals) unless it was started,
// and completes it when final is set and it is not yet.
func (l *loader) evaluation(ctx context.Context, u unit.Unit, summary string, props []qms.Proposal, final bool) error {
	e, err := l.db.Evaluation(ctx, u.ID, 2022)
	if err != nil || e.Status == qms.EvalFinal {
		return err
	}
	if e.ID == "" {
		if err := l.db.SaveEvaluationSummary(ctx, u, 2022, summary, ""); err != nil {
			return err
		}
		for _, p := range props {
			if err := l.db.AddProposal(ctx, u, 2022, &p, ""); err != nil {
				return err
			}
		}
	}
	if !final {
		return nil
	}
	_, err = l.db.FinalizeEvaluation(ctx, u, 2022, "")
	return err
}
