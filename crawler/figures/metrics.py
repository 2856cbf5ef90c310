"""The one registry of metrics: the reader, the storage (the `metrics` table and its views), the
Datasette metadata and the tests all read it; no metric name is spelled anywhere else."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.figures.vocabulary import CELLS, MEMBERS, ORGS


@dataclass(frozen=True)
class Metric:
    key: str
    entity: str  # members, cells, organizations
    predicate: str  # total, new, disciplined, inspected, badge, violating, or a rating
    label_vi: str
    label_en: str
    description: str

    @property
    def is_total(self) -> bool:
        """A count of what an organization has (drawn over time as its size)."""
        return self.predicate == "total"


_RATING_VI = {
    "excellent": "hoàn thành xuất sắc nhiệm vụ",
    "good": "hoàn thành tốt nhiệm vụ (trở lên)",
    "completed": "hoàn thành nhiệm vụ",
    "not_completed": "không hoàn thành nhiệm vụ",
    "clean_strong": "đạt trong sạch, vững mạnh (trước 2018)",
    "clean_strong_exemplary": "đạt trong sạch, vững mạnh tiêu biểu (trước 2018)",
}
_RATING_EN = {
    "excellent": "rated excellent",
    "good": "rated good or better",
    "completed": "rated completed",
    "not_completed": "rated not completed",
    "clean_strong": "rated clean and strong (before 2018)",
    "clean_strong_exemplary": "rated exemplary clean and strong (before 2018)",
}
_ENTITY_VI = {MEMBERS: "đảng viên", CELLS: "chi bộ", ORGS: "tổ chức cơ sở đảng"}
_ENTITY_EN = {MEMBERS: "party members", CELLS: "party cells", ORGS: "base party organizations"}


def _metrics() -> list[Metric]:
    out = [
        Metric("members_total", MEMBERS, "total", "Số đảng viên", "Party members",
               "Members an organization has (a breakdown carries its part in category)."),
        Metric("members_new", MEMBERS, "new", "Số đảng viên kết nạp mới", "Members admitted",
               "Members admitted (kết nạp, phát triển); in percent, the admission rate."),
        Metric("members_disciplined", MEMBERS, "disciplined", "Số đảng viên bị thi hành kỷ luật",
               "Members disciplined", "Members disciplined; category: the form (khiển trách, cảnh cáo, ...)."),
        Metric("members_inspected", MEMBERS, "inspected", "Số đảng viên được kiểm tra, giám sát",
               "Members inspected or supervised", "Members inspected or supervised (kiểm tra, giám sát; lượt)."),
        Metric("members_violating", MEMBERS, "violating", "Số đảng viên có vi phạm", "Members found in violation",
               "Members an inspection concluded had violated rules."),
        Metric("members_badge", MEMBERS, "badge", "Số đảng viên được trao Huy hiệu Đảng",
               "Members given the Party badge",
               "Members awarded the Party badge; category: the badge (30 năm tuổi Đảng, ...)."),
        Metric("cells_total", CELLS, "total", "Số chi bộ", "Party cells",
               "Party cells (chi bộ) an organization has; category: the kind (thôn, khu phố, ...)."),
        Metric("cells_weak", CELLS, "weak", "Số chi bộ yếu kém", "Weak party cells", "Party cells rated weak."),
        Metric("organizations_total", ORGS, "total", "Số tổ chức cơ sở đảng", "Base party organizations",
               "Base party organizations (TCCSĐ); category: the kind (đảng bộ cơ sở, chi bộ cơ sở, ...)."),
        Metric("organizations_weak", ORGS, "weak", "Số tổ chức cơ sở đảng yếu kém", "Weak base organizations",
               "Base party organizations rated weak."),
        Metric("organizations_inspected", ORGS, "inspected", "Số tổ chức đảng được kiểm tra, giám sát",
               "Party organizations inspected or supervised", "Party organizations inspected or supervised."),
        Metric("organizations_violating", ORGS, "violating", "Số tổ chức đảng có vi phạm",
               "Party organizations found in violation", "Party organizations an inspection found in violation."),
        Metric("organizations_disciplined", ORGS, "disciplined", "Số tổ chức đảng bị thi hành kỷ luật",
               "Party organizations disciplined", "Party organizations (and committees) disciplined."),
    ]  # fmt: skip
    for entity in (MEMBERS, CELLS, ORGS):
        ratings = ("excellent", "good", "completed", "not_completed")
        if entity != MEMBERS:
            ratings += ("clean_strong", "clean_strong_exemplary")
        for rating in ratings:
            out.append(
                Metric(
                    f"{entity}_rated_{rating}",
                    entity,
                    rating,
                    f"Số {_ENTITY_VI[entity]} {_RATING_VI[rating]}",
                    f"{_ENTITY_EN[entity].capitalize()} {_RATING_EN[rating]}",
                    f"{_ENTITY_EN[entity].capitalize()} {_RATING_EN[rating]} in the annual review;"
                    " a count or a percent.",
                )
            )
    return out


METRICS: dict[str, Metric] = {m.key: m for m in _metrics()}
TOTALS = tuple(key for key, m in METRICS.items() if m.is_total)


_BY_ENTITY_PREDICATE = {(m.entity, m.predicate): key for key, m in reversed(METRICS.items())}


def metric_for(entity: str | None, predicate: str | None) -> str | None:
    """The metric of an entity and what is said of it, or None when the vocabulary has none."""
    if entity is None or predicate is None:
        return None
    key = _BY_ENTITY_PREDICATE.get((entity, predicate))
    if key is not None:
        return key
    if predicate == "inspected" and entity == CELLS:  # a cell inspected is an organization inspected
        return "organizations_inspected"
    if predicate in ("disciplined", "violating") and entity == CELLS:
        return f"organizations_{predicate}"
    return None
