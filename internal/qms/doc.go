// Package qms holds the rules of a unit's quality management system under TCVN ISO
// 9001:2015 (hệ thống quản lý chất lượng, DOMAIN.md Part A rule 14 and section 3): the
// controlled documents and their life, the quality objectives and how a month's result
// is judged, nonconformities (điểm không phù hợp) with their corrective action, the
// management review (xem xét của lãnh đạo, clause 9.3) and internal audits (đánh giá nội
// bộ, clause 9.2). It holds types and rules only, no SQL and no HTTP: the store keeps the
// records and gathers the figures, the web layer shows them, and both ask this package
// what is allowed.
//
// # Documents
//
// A document (tài liệu) is named by its code within a unit; each version is its own
// record. A version goes draft → in review → approved → published → obsolete. Only a
// draft is edited; a published version is never changed in place: a change is a new
// version, which replaces the published one when it is published in turn (the old one
// becomes obsolete, stays readable and is marked as such). The approver is never the
// author, and every reviewer named must agree before the approver may approve.
//
// # Nonconformities
//
// A nonconformity is raised by hand (audit finding, complaint, other) or automatically
// from the data (late dossiers, intake attempts under procedures not in force,
// procedures still published after their expiry, low ratings, missed objectives): one
// record per cause, unit and month, grouping its evidence. It goes open → planned
// (correction, root cause, corrective action with its owner and due day) → implemented →
// verified (by someone other than the action's owner) → closed, or is dismissed with a
// reason. Closing without a verification of effectiveness is refused.
package qms
