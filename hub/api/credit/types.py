"""GraphQL types of industry credit: grades with their evidence, lists, complaints, objections."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.permissions import AuditedRelease, PersonalData, personal_data_missing
from hub.canonical.codes import (
    ComplaintStatus,
    CreditEventKind,
    CreditListKind,
    CreditSubjectKind,
    ObjectionStatus,
)
from hub.credit.grading import Period
from hub.credit.models import ComplaintRow, CreditEventRow, ListEntryRow, ObjectionRow
from hub.credit.service import Evidence, grade_of


@strawberry.type(description=doc("评分规则文件的一个版本。", "One version of a rule file."))
class CreditRuleSet:
    id: str = strawberry.field(description=doc("规则集标识。", "Rule set identifier."))
    version: str = strawberry.field(description=doc("版本号。", "Version label."))
    digest: str = strawberry.field(
        description=doc("文件内容的 SHA-256，标识实际所用版本。", "SHA-256 of the file's text.")
    )
    title: str = strawberry.field(description=doc("名称（中文 / 英文）。", "Title, zh / en."))
    base_score: int = strawberry.field(description=doc("基础分（满分）。", "Base (full) score."))


@strawberry.type(description=doc("一条计分规则。", "One scoring rule of a rule set."))
class CreditRule:
    event_kind: CreditEventKind = strawberry.field(description=doc("事件类别。", "Event kind."))
    points: int = strawberry.field(
        description=doc("每起分值（负数为扣分）。", "Points per event (negative: a deduction).")
    )
    cap: int = strawberry.field(
        description=doc("一个考核周期内的累计上限。", "The most it counts in one period.")
    )
    description: str = strawberry.field(description=doc("规则说明。", "What the rule says."))


@strawberry.type(description=doc("信用事件的来源记录。", "The record a credit event comes from."))
class CreditEventSource:
    kind: str = strawberry.field(
        description=doc(
            "来源类别（如 traffic_violations、accidents、penalties）。",
            "Kind of source (traffic_violations, accidents, penalties, complaints, …).",
        )
    )
    record_id: str = strawberry.field(
        description=doc("来源机构的记录标识。", "The record's id at its source.")
    )
    agency: str = strawberry.field(description=doc("来源机构或决定机关。", "Agency behind it."))


@strawberry.type(description=doc("信用事件：不可更改。", "A credit event; never changed."))
class CreditEvent:
    id: int = strawberry.field(description=doc("事件编号。", "Event number."))
    kind: CreditEventKind = strawberry.field(description=doc("事件类别。", "Event kind."))
    summary: str = strawberry.field(description=doc("摘要。", "Summary."))
    occurred_on: dt.date = strawberry.field(description=doc("发生日期。", "When it happened."))
    valid_from: dt.date = strawberry.field(description=doc("起算日期。", "Counts from."))
    valid_until: dt.date = strawberry.field(description=doc("失效日期。", "Counts until."))
    retracted: bool = strawberry.field(
        description=doc("已因异议成立被撤销。", "Retracted by an upheld objection.")
    )
    source: CreditEventSource = strawberry.field(description=doc("来源记录。", "Its source."))

    @classmethod
    def from_row(cls, row: CreditEventRow, retracted: bool) -> CreditEvent:
        """The published event of a stored one."""
        return cls(
            id=row.id,
            kind=row.kind,
            summary=row.summary,
            occurred_on=row.occurred_on,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            retracted=retracted,
            source=CreditEventSource(
                kind=row.source_kind, record_id=row.source_record_id, agency=row.agency
            ),
        )


@strawberry.type(description=doc("一项加减分及其依据。", "One deduction (or addition) and why."))
class CreditDeduction:
    points: int = strawberry.field(
        description=doc("计入的分值（已按上限截取）。", "Points counted, after the cap.")
    )
    capped: bool = strawberry.field(
        description=doc("是否因达到上限而少计。", "Whether the cap cut it.")
    )
    rule: CreditRule = strawberry.field(description=doc("所依规则。", "The rule applied."))
    event: CreditEvent = strawberry.field(description=doc("所依事件。", "The event behind it."))


@strawberry.type(description=doc("信用等级及其计算依据。", "A credit grade, explained."))
class CreditGrade:
    period: str = strawberry.field(description=doc("考核周期（年度）。", "Assessment period."))
    grade: str = strawberry.field(description=doc("等级（如 AAA）。", "Grade, e.g. AAA."))
    grade_description: str = strawberry.field(
        description=doc("等级说明（中文 / 英文）。", "What the grade means, zh / en.")
    )
    score: int = strawberry.field(description=doc("得分。", "Score."))
    rule_set: CreditRuleSet = strawberry.field(
        description=doc("计算所用的规则版本。", "The rule version it was computed with.")
    )
    graded_at: dt.datetime | None = strawberry.field(
        description=doc(
            "评定时间；为空表示按现行规则即时计算。",
            "When a grading run stored it; null: computed now under the rules in force.",
        )
    )
    deductions: list[CreditDeduction] = strawberry.field(
        description=doc("逐项加减分，按事件起算日期排序。", "Each deduction, in event order.")
    )

    @classmethod
    def of(cls, evidence: Evidence) -> CreditGrade:
        """The published grade of computed evidence."""
        result, rules = evidence.grade, evidence.grade.rules
        retracted = {r.retracts_id for r in evidence.events.values() if r.retracts_id}
        deductions = []
        for d in result.deductions:
            rule = rules.events[d.kind]
            row = evidence.events[d.event_id]
            deductions.append(
                CreditDeduction(
                    points=d.points,
                    capped=d.capped,
                    rule=CreditRule(
                        event_kind=rule.kind,
                        points=rule.points,
                        cap=rule.cap,
                        description=f"{rule.zh} / {rule.en}",
                    ),
                    event=CreditEvent.from_row(row, row.id in retracted),
                )
            )
        return cls(
            period=result.period.label,
            grade=result.band.grade,
            grade_description=f"{result.band.zh} / {result.band.en}",
            score=result.score,
            rule_set=CreditRuleSet(
                id=rules.rule_set,
                version=rules.version,
                digest=rules.digest,
                title=f"{rules.zh} / {rules.en}",
                base_score=rules.base_score,
            ),
            graded_at=evidence.graded_at,
            deductions=deductions,
        )


async def credit_grade(
    info: Info[Context, None], kind: CreditSubjectKind, key: str, period: str
) -> CreditGrade:
    """A subject's grade for ``period`` with its evidence, read in the request's session."""
    checked = Period.parse(period)
    book = info.context.credit_rules
    assert book is not None, "the app loads the credit rules at start-up"
    async with info.context.database() as session:
        evidence = await grade_of(session, book, kind, key, checked, info.context.principal.reader)
    return CreditGrade.of(evidence)


PERIOD_DESCRIPTION = doc("考核周期：年份，如 2026。", "Assessment period: a year, e.g. 2026.")


def personal_record() -> AuditedRelease:
    """The gate of a field that releases a person's records (a driver's credit): pii:read and
    a stated purpose, audited as a read of that person, like a personal-data field."""
    return AuditedRelease(personal_data_missing, "a person's credit record")


PERSONAL_RECORD = [PersonalData(kind="CREDIT_RECORD")]


@strawberry.type(description=doc("名单记录。", "An entry on the watch (red) or black list."))
class CreditListEntry:
    id: int = strawberry.field(description=doc("记录编号。", "Entry number."))
    list: CreditListKind = strawberry.field(description=doc("名单类别。", "Which list."))
    subject_kind: CreditSubjectKind = strawberry.field(description=doc("主体类别。", "Subject."))
    subject_name: str = strawberry.field(
        description=doc("主体名称（从业人员已脱敏）。", "Subject's name (a person's masked).")
    )
    reason: str = strawberry.field(description=doc("列入原因。", "Why it was listed."))
    decision: str = strawberry.field(description=doc("列入依据的决定。", "The decision."))
    listed_on: dt.date = strawberry.field(description=doc("列入日期。", "Listed on."))
    exit_on: dt.date = strawberry.field(description=doc("移出日期（到期）。", "Exit date."))
    removed_on: dt.date | None = strawberry.field(
        description=doc("提前移出（信用修复）日期。", "Removed early (credit repair) on.")
    )
    removal_reason: str | None = strawberry.field(
        description=doc("提前移出的原因。", "Why it was removed early.")
    )

    @classmethod
    def from_row(cls, row: ListEntryRow) -> CreditListEntry:
        """The published entry: a practitioner's name masked whoever asks (lists are public)."""
        name = row.subject_name
        if row.subject_kind is CreditSubjectKind.PRACTITIONER:
            name = name[:1] + "*" * (len(name) - 1)
        return cls(
            id=row.id,
            list=row.list_kind,
            subject_kind=row.subject_kind,
            subject_name=name,
            reason=row.reason,
            decision=row.decision,
            listed_on=row.listed_on,
            exit_on=row.exit_on,
            removed_on=row.removed_on,
            removal_reason=row.removal_reason,
        )


@strawberry.type(description=doc("联合惩戒措施。", "A joint sanction that applies."))
class CreditSanction:
    measure: str = strawberry.field(description=doc("措施代码。", "Measure code."))
    description: str = strawberry.field(description=doc("措施说明。", "What it means."))
    entry: CreditListEntry = strawberry.field(description=doc("所依名单记录。", "Why."))


SANCTIONS: dict[CreditListKind, list[tuple[str, str]]] = {
    CreditListKind.BLACK: [
        (
            "PERMIT_APPLICATION_FLAGGED",
            "经营许可申请从严审查 / permit applications are flagged for strict review",
        ),
        (
            "NO_COMMENDATION",
            "不得参加评优评先 / excluded from commendations",
        ),
    ],
    CreditListKind.WATCH: [
        ("MORE_INSPECTIONS", "提高检查频次 / inspected more often"),
    ],
}
"""What each list brings, as partner agencies and the registry show it."""


def sanctions_of(entries: list[ListEntryRow]) -> list[CreditSanction]:
    """The measures the entries in force bring."""
    return [
        CreditSanction(measure=code, description=text, entry=CreditListEntry.from_row(entry))
        for entry in entries
        for code, text in SANCTIONS[entry.list_kind]
    ]


@strawberry.type(description=doc("投诉及其办理情况。", "A complaint and its handling."))
class Complaint:
    reference: str = strawberry.field(description=doc("投诉编号。", "Reference."))
    status: ComplaintStatus = strawberry.field(description=doc("办理状态。", "Status."))
    subject_kind: CreditSubjectKind = strawberry.field(
        description=doc("被投诉主体类别。", "What kind of subject it is about.")
    )
    occurred_on: dt.date = strawberry.field(description=doc("事发日期。", "When it happened."))
    accepted_at: dt.datetime = strawberry.field(description=doc("受理时间。", "Accepted at."))
    assign_due: dt.date = strawberry.field(description=doc("分派期限。", "To be assigned by."))
    answer_due: dt.date = strawberry.field(description=doc("答复期限。", "To be answered by."))
    overdue: bool = strawberry.field(
        description=doc("当前环节已超期。", "Past the deadline of the step it waits for.")
    )
    handler: str | None = strawberry.field(description=doc("承办单位。", "Handling office."))
    substantiated: bool | None = strawberry.field(
        description=doc("是否查实（答复后）。", "Found substantiated (once answered).")
    )
    closed_on: dt.date | None = strawberry.field(description=doc("办结日期。", "Closed on."))

    @classmethod
    def from_row(cls, row: ComplaintRow, today: dt.date) -> Complaint:
        """The published complaint: its content and contact details are not in it."""
        from hub.credit.complaints import overdue

        return cls(
            reference=row.reference,
            status=row.status,
            subject_kind=row.subject_kind,
            occurred_on=row.occurred_on,
            accepted_at=row.accepted_at,
            assign_due=row.assign_due,
            answer_due=row.answer_due,
            overdue=overdue(row, today),
            handler=row.handler,
            substantiated=row.substantiated,
            closed_on=row.closed_on,
        )


@strawberry.type(description=doc("信用异议。", "An objection to a credit record."))
class CreditObjection:
    id: int = strawberry.field(description=doc("异议编号。", "Objection number."))
    status: ObjectionStatus = strawberry.field(description=doc("复核状态。", "Review status."))
    event_id: int | None = strawberry.field(description=doc("所异议的事件。", "Event objected."))
    list_entry_id: int | None = strawberry.field(
        description=doc("所异议的名单记录。", "List entry objected to.")
    )
    reason: str = strawberry.field(description=doc("异议理由。", "Reason given."))
    filed_at: dt.datetime = strawberry.field(description=doc("提出时间。", "Filed at."))
    decision_note: str | None = strawberry.field(description=doc("复核意见。", "Review note."))
    decided_at: dt.datetime | None = strawberry.field(description=doc("复核时间。", "Decided."))

    @classmethod
    def from_row(cls, row: ObjectionRow) -> CreditObjection:
        """The published objection."""
        return cls(
            id=row.id,
            status=row.status,
            event_id=row.event_id,
            list_entry_id=row.entry_id,
            reason=row.reason,
            filed_at=row.filed_at,
            decision_note=row.decision_note,
            decided_at=row.decided_at,
        )
