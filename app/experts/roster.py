"""Roster (专家名册) import and export in .xlsx and .csv with Chinese column headers.

Import is all-or-nothing: every row is validated first; a file with any bad row changes
nothing and every error is reported by row and column. Rows are matched to existing experts by
层级 + 手机 (one person appears once per tier's pool, identified by mobile number): a match is
updated, anything else is created. Export writes the same columns, so an exported file imports
back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from app.timeutil import file_stamp
from typing import BinaryIO
from urllib.parse import quote

from pydantic import ValidationError
from sqlalchemy import insert, select

from app.audit import services as audit
from app.db_types import utcnow
from app.errors import Forbidden, UnsupportedType, ValidationFailed
from app.experts import permissions as perm
from app.experts.models import Expert, ExpertSpecialty
from app.experts.schemas import ExpertIn
from app.experts.services import EDITABLE, ExpertFilters, list_query
from app.extensions import db
from app.locking import lock_name
from app.spreadsheet_reader import SheetLimits, read_csv, read_xlsx
from app.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, xlsx_bytes
from app.validation import FORBIDDEN_TEXT_RE, _message, forbidden_text_message
from expert_pool.codes import EXPERT_STATUSES, POOL_TIERS, SPECIALTIES, label_to_code

# (Chinese header, field) in file order.
COLUMNS: list[tuple[str, str]] = [
    ("姓名", "name"),
    ("层级", "tier"),
    ("行政区划代码", "region_code"),
    ("工作单位", "employer"),
    ("职称", "title"),
    ("专业领域", "specialties"),
    ("手机", "phone"),
    ("邮箱", "email"),
    ("状态", "status"),
    ("聘期截止", "term_end"),
    ("最多同时承担会商数", "max_open_consultations"),
]
REQUIRED_HEADERS = ("姓名", "层级", "行政区划代码", "工作单位", "专业领域", "手机")
HEADER_OF = {f: h for h, f in COLUMNS}
MATCH_KEY_TEXT = "按“层级 + 手机”匹配：已有的专家更新，其余新增"
MAX_ROWS = 20000
# Columns read per row: the roster has 11; a few extra (notes …) are ignored, the rest never read.
LIMITS = SheetLimits(max_rows=MAX_ROWS, max_columns=32)
COLUMN_WIDTHS = [10, 6, 12, 28, 14, 36, 14, 24, 6, 12, 10]
SPECIALTY_SEPARATORS = "、，,；;/ \n"

_TIER_BY_LABEL = label_to_code(POOL_TIERS) | {"国家级": "national", "省级": "provincial", "市级": "municipal"}
_STATUS_BY_LABEL = label_to_code(EXPERT_STATUSES)
_SPECIALTY_BY_LABEL = label_to_code(SPECIALTIES)


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def errors_as_dicts(self) -> list[dict]:
        return [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors]

    def summary(self) -> str:
        if self.errors:
            rows = len({e.row for e in self.errors})
            return f"名册有 {rows} 行存在 {len(self.errors)} 处错误，未导入任何数据"
        return f"导入完成：新增 {self.created} 人，更新 {self.updated} 人，未变化 {self.unchanged} 人"


# ---------------------------------------------------------------- reading files

def read_table(filename: str, stream: BinaryIO) -> list[list[str]]:
    """Rows of cell texts, read within :data:`LIMITS` (app.spreadsheet_reader). Raises
    UnsupportedType for other file kinds, TooLarge for files over the limits and ValidationFailed
    for files that claim to be a spreadsheet but are not."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(stream.read(), LIMITS)  # the upload itself is bounded by MAX_CONTENT_LENGTH
    if name.endswith(".csv"):
        return read_csv(stream.read(), LIMITS)
    raise UnsupportedType("仅支持 .xlsx 或 .csv 格式的名册文件")


# ---------------------------------------------------------------- rows → payloads

def _split_specialties(text: str) -> tuple[list[str], list[str]]:
    parts = [text]
    for sep in SPECIALTY_SEPARATORS:
        parts = [p for chunk in parts for p in chunk.split(sep)]
    codes, unknown = [], []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        code = _SPECIALTY_BY_LABEL.get(part) or (part if part in SPECIALTIES else None)
        (codes if code else unknown).append(code or part)
    return codes, unknown


def row_to_payload(values: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Translate one row's Chinese cell texts to an ExpertIn payload; returns (payload, errors)."""
    errors: dict[str, str] = {}
    payload: dict = {}
    for header, fname in COLUMNS:
        raw = values.get(header, "").strip()
        if FORBIDDEN_TEXT_RE.search(raw):  # what the request guard refuses in forms, refused in files too
            errors[header] = forbidden_text_message(raw)
        if fname == "tier":
            payload[fname] = _TIER_BY_LABEL.get(raw, raw)
            if raw and payload[fname] not in POOL_TIERS:
                errors[header] = f"未知的层级“{raw}”，应为 国家、省 或 市"
        elif fname == "status":
            payload[fname] = _STATUS_BY_LABEL.get(raw, raw) if raw else "active"
            if payload[fname] not in EXPERT_STATUSES:
                errors[header] = f"未知的状态“{raw}”，应为 在库、暂停 或 退出"
        elif fname == "specialties":
            codes, unknown = _split_specialties(raw)
            payload[fname] = codes
            if unknown:
                errors[header] = f"未知的专业领域：{'、'.join(unknown)}"
        elif fname == "term_end":
            payload[fname] = raw.replace("/", "-").replace(".", "-") if raw else None
        elif fname == "max_open_consultations":
            payload[fname] = raw or 3
        else:
            payload[fname] = raw
    return payload, errors


@dataclass
class _Checked:
    rows: list[tuple[int, ExpertIn]]
    errors: list[RowError]
    fields: tuple[str, ...] = ()  # the roster fields the file has columns for
    existing: dict[tuple[str, str], Expert] = field(default_factory=dict)


def _check_table(user, table: list[list[str]]) -> _Checked:
    """Validate every row, then check permissions against the experts the rows match."""
    errors: list[RowError] = []
    if not table or not any(c for c in table[0]):
        return _Checked([], [RowError(1, "表头", "文件为空或缺少表头行")])
    headers = [h.strip().lstrip("\ufeff") for h in table[0]]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        return _Checked([], [RowError(1, h, "缺少该列") for h in missing])
    body = table[1:]  # at most MAX_ROWS: the reader stops past them
    index = {h: i for i, h in enumerate(headers) if h}
    fields = tuple(f for h, f in COLUMNS if h in index)
    good: list[tuple[int, ExpertIn]] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, cells in enumerate(body):
        row_no = offset + 2
        if not any(c.strip() for c in cells):
            continue
        values = {h: (cells[i] if i < len(cells) else "") for h, i in index.items()}
        payload, row_errors = row_to_payload(values)
        try:
            data = ExpertIn.model_validate(payload)
        except ValidationError as exc:
            data = None
            for err in exc.errors():
                header = HEADER_OF.get(str(err["loc"][0]) if err["loc"] else "", "")
                if header and header not in row_errors:
                    row_errors[header] = _message(err)
        if data is not None and not row_errors:
            key = (data.tier, data.phone)
            if key in seen:
                row_errors["手机"] = f"与第 {seen[key]} 行的层级和手机号码重复"
            else:
                seen[key] = row_no
        if row_errors:
            errors.extend(RowError(row_no, h, m) for h, m in row_errors.items())
        else:
            good.append((row_no, data))
    existing = _existing_by_key([(d.tier, d.phone) for _, d in good])
    allowed: list[tuple[int, ExpertIn]] = []
    for row_no, data in good:
        problem = _permission_problem(user, data, existing.get((data.tier, data.phone)), fields)
        if problem:
            errors.append(RowError(row_no, *problem))
        else:
            allowed.append((row_no, data))
    errors.sort(key=lambda e: e.row)  # stable: a row's errors keep their column order
    return _Checked(allowed, errors, fields, existing)


def _permission_problem(user, data: ExpertIn, expert: Expert | None, fields: tuple[str, ...]) -> tuple[str, str] | None:
    """(column, message) when ``user`` may not apply this row. The matched expert (same tier and
    mobile) must be in the user's pool as well as the row's new values; a row that changes
    nothing is fine for any expert the user can see, so an officer's own export imports back."""
    if expert is not None:
        if perm.can_manage_expert(user, expert) and perm.can_manage_pool(user, data.tier, data.region_code):
            return None
        if perm.can_view_expert(user, expert) and not _changes(expert, data, fields):
            return None
        if not perm.can_manage_expert(user, expert):
            return "手机", "本层级专家库中已有使用该手机号码的专家，但不在您管理的专家库内，无权修改"
    if perm.can_manage_pool(user, data.tier, data.region_code):
        return None
    tier = perm.managed_tier(user)
    if tier is not None and data.tier != tier:
        return "层级", f"无权管理{POOL_TIERS.get(tier, tier)}级以外的专家库"
    return "行政区划代码", "无权管理该辖区的专家库"


def _changes(expert: Expert, data: ExpertIn, fields: tuple[str, ...]) -> dict[str, tuple]:
    """Fields of the file whose values differ from the expert's: {field: (old, new)}."""
    current = expert.to_dict()
    incoming = data.model_dump(mode="json")
    out = {}
    for fname in fields:
        old, new = current[fname], incoming[fname]
        if fname == "specialties":
            old, new = sorted(old), sorted(new)
        if old != new:
            out[fname] = (current[fname], incoming[fname])
    return out


# ---------------------------------------------------------------- import / export

def import_roster(user, filename: str, stream: BinaryIO) -> ImportResult:
    if not perm.can_list_pool(user):
        raise Forbidden("无权导入专家名册")
    filename = clean_filename(filename)
    table = read_table(filename, stream)
    # Matching rows to experts and writing them is one critical section: two imports of the
    # same file at once must not both decide "new" and insert the same 层级 + 手机 twice.
    lock_name("expert_roster")
    checked = _check_table(user, table)
    result = ImportResult(errors=checked.errors)
    if checked.errors:
        return result
    audit_entries = []
    new_rows: list[ExpertIn] = []
    for _, data in checked.rows:
        expert = checked.existing.get((data.tier, data.phone))
        if expert is None:
            new_rows.append(data)
            continue
        changed = _changes(expert, data, checked.fields)
        if not changed:
            result.unchanged += 1
            continue
        # Only the file's columns change: a roster has no column for the linked organization,
        # and a file without, say, 邮箱 leaves e-mail addresses as they are.
        before = {k: expert.to_dict()[k] for k in EDITABLE}
        _apply(expert, data, checked.fields)
        expert.version += 1
        result.updated += 1
        old, new = audit.changes(before, {k: expert.to_dict()[k] for k in EDITABLE})
        audit_entries.append({"action": "update", "object_type": "expert", "object_id": expert.id,
                              "summary": f"名册导入修改专家 {expert.name}", "before": old, "after": new})
    db.session.flush()
    created = _insert_experts(new_rows)
    result.created = len(created)
    audit_entries += [{"action": "create", "object_type": "expert", "object_id": e["id"], "summary": f"名册导入新增专家 {e['name']}",
                       "after": e} for e in created]
    audit_entries.append({"action": "import", "object_type": "roster", "summary": f"导入专家名册 {filename}：{result.summary()}",
                          "after": {"file": filename, "created": result.created, "updated": result.updated,
                                    "unchanged": result.unchanged}})
    audit.record_batch(audit_entries)
    return result


def _insert_experts(rows: list[ExpertIn]) -> list[dict]:
    """Insert new experts in bulk and return what ``Expert.to_dict()`` would give for each.
    (The ORM's unit of work takes seconds for thousands of experts; one multi-row INSERT …
    RETURNING id per table does not.)"""
    if not rows:
        return []
    now = utcnow()
    values = [{**{f: getattr(d, f) for f in EDITABLE if f != "specialties"}, "version": 1, "created_at": now, "updated_at": now}
              for d in rows]
    ids = db.session.execute(insert(Expert).returning(Expert.id, sort_by_parameter_order=True), values).scalars().all()
    specialty_rows = [{"expert_id": i, "specialty": c} for i, d in zip(ids, rows, strict=True) for c in d.specialties]
    db.session.execute(insert(ExpertSpecialty), specialty_rows)
    order = {code: n for n, code in enumerate(SPECIALTIES)}
    return [{"id": i, **{f: getattr(d, f) for f in EDITABLE}, "specialties": sorted(d.specialties, key=order.__getitem__),
             "term_end": d.term_end.isoformat() if d.term_end else None, "version": 1}
            for i, d in zip(ids, rows, strict=True)]


def clean_filename(filename: str) -> str:
    """The uploaded file's name as recorded in the audit log: the last path component, without
    control characters (PostgreSQL text cannot hold NUL), at most 200 characters (the end kept,
    so the extension survives)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:]


def _existing_by_key(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Expert]:
    """The experts matching (tier, phone) keys. One ``tier = … AND phone IN (…)`` query per
    tier and chunk: it walks the unique (tier, phone) index, which a row-value IN list of
    hundreds of pairs does not on PostgreSQL (a sequential scan per query there)."""
    found: dict[tuple[str, str], Expert] = {}
    phones_by_tier: dict[str, list[str]] = {}
    for tier, phone in dict.fromkeys(keys):
        phones_by_tier.setdefault(tier, []).append(phone)
    for tier, phones in phones_by_tier.items():
        for i in range(0, len(phones), 500):
            stmt = select(Expert).where(Expert.tier == tier, Expert.phone.in_(phones[i:i + 500]))
            for expert in db.session.execute(stmt).scalars():
                found[(expert.tier, expert.phone)] = expert
    return found


def _apply(expert: Expert, data: ExpertIn, fields: tuple[str, ...]) -> None:
    for fname in fields:
        if fname != "specialties":
            setattr(expert, fname, getattr(data, fname))
    if "specialties" in fields:
        expert.specialties = data.specialties


def expert_row(expert: Expert) -> list:
    return [
        expert.name,
        POOL_TIERS[expert.tier],
        expert.region_code,
        expert.employer,
        expert.title,
        "、".join(SPECIALTIES[c] for c in expert.specialties),
        expert.phone,
        expert.email,
        EXPERT_STATUSES[expert.status],
        expert.term_end.isoformat() if expert.term_end else "",
        expert.max_open_consultations,
    ]


@dataclass
class Export:
    content: bytes
    mimetype: str
    filename: str

    @property
    def content_disposition(self) -> str:
        return f"attachment; filename=\"experts.{self.filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(self.filename)}"


def export_roster(user, filters: ExpertFilters, fmt: str) -> Export:
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed({"format": "导出格式应为 xlsx 或 csv"})
    experts = db.session.execute(list_query(user, filters)).scalars().all()
    rows = [expert_row(e) for e in experts]
    headers = [h for h, _ in COLUMNS]
    stamp = file_stamp()
    # Formula-safe cells (app.spreadsheets); the importer takes the safety apostrophe off again.
    if fmt == "csv":
        export = Export(csv_bytes(headers, rows), CSV_MIMETYPE, f"专家名册_{stamp}.csv")
    else:
        export = Export(xlsx_bytes("专家名册", headers, rows, COLUMN_WIDTHS), XLSX_MIMETYPE, f"专家名册_{stamp}.xlsx")
    audit.record("export", "roster", None, f"导出专家名册（{fmt}，{len(rows)} 人）", after={"format": fmt, "count": len(rows)})
    return export


def template_bytes(fmt: str = "xlsx") -> Export:
    """An empty roster with the headers and one example row, for download from the import page."""
    example = ["张明远", "市", "320100", "南京大学法学院", "教授", "行政法与行政诉讼、信访政策", "13900000000",
               "zhangmy@nju.example", "在库", "2028-12-31", 3]
    headers = [h for h, _ in COLUMNS]
    return Export(xlsx_bytes("专家名册", headers, [example], COLUMN_WIDTHS), XLSX_MIMETYPE, "专家名册模板.xlsx")
