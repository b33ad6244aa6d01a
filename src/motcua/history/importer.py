"""Importing historical dossiers through the same services as live work.

Each record becomes one dossier in ONE transaction: ``dossier_submit`` at
the moment it was received, then every event by its own service with its
own moment (``now=``), then the rating. Events, step runs, pauses,
appointment changes and every event hook run exactly as they do live; if
any service refuses (a moment before the previous event, an action the
state does not allow, a second supplementation request …) the whole record
rolls back and is rejected with the service's reason.

Who acts: the applicant's account for the applicant's actions (an inactive
account is created for a legacy applicant who has none); for an officer,
either an existing account named by ``{"username": …}`` (it must hold the
role already), or a legacy name, mapped to one inactive "legacy" account per
unit and name, given the role the step needs in that unit (decision 0044).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.models import Applicant, Role, RoleAssignment, User
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.access import holder_agency, related_agency, step_agency
from motcua.dossiers.caches import dossier_graph, graph_step
from motcua.dossiers.models import Channel, Dossier, StepRun
from motcua.feedback.services import rating_submit
from motcua.history.format import EventRecord, LineError, Person, Record, parse_line
from motcua.history.importing import importing
from motcua.history.models import ImportedDossier
from motcua.units.models import Agency

#: A line longer than this is rejected unread.
MAX_LINE_BYTES = 1_000_000
#: The prefix of the accounts created for legacy officers and applicants.
LEGACY_PREFIX = "lichsu-"

_ROLES_ATTR = "_motcua_actor_roles"  # dossiers.access keeps an actor's roles here


@dataclass
class Summary:
    imported: int = 0
    present: int = 0
    rejected: int = 0
    events: int = 0
    rejections: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, other: Summary) -> None:
        self.imported += other.imported
        self.present += other.present
        self.rejected += other.rejected
        self.events += other.events
        self.rejections.extend(other.rejections)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class Importer:
    """Imports records; keeps the agencies, procedures and accounts it has
    seen (one import run)."""

    def __init__(self, *, source: str = "", now: datetime.datetime | None = None) -> None:
        self.source = source[:200]
        self.now = now or timezone.now()
        self.known: set[str] = set(ImportedDossier.objects.values_list("legacy_id", flat=True))
        self.agencies = {a.public_id: a for a in Agency.objects.all()}
        self._procedures: dict[tuple[int, str], ConfiguredProcedure | None] = {}
        self._staff: dict[tuple[int, str], User] = {}
        self._roles: set[tuple[int, int, str]] = set()
        self._applicants: dict[str, tuple[Applicant, User]] = {}

    # -- lookups ---------------------------------------------------------------
    def _agency(self, public_id: str, what: str) -> Agency:
        agency = self.agencies.get(public_id)
        if agency is None:
            raise LineError(f"Không tìm thấy cơ quan “{public_id}” ({what}).", "agency_unknown")
        return agency

    def _procedure(self, agency: Agency, code: str) -> ConfiguredProcedure:
        key = (agency.pk, code)
        if key not in self._procedures:
            self._procedures[key] = (
                ConfiguredProcedure.objects.select_related("agency", "current_version")
                .filter(agency=agency, procedure__code=code)
                .first()
            )
        found = self._procedures[key]
        if found is None:
            raise LineError(
                f"Cơ quan “{agency.public_id}” không có thủ tục “{code}”.", "procedure_unknown"
            )
        return found

    def _applicant(self, record: Record) -> tuple[Applicant, User]:
        data = record.applicant
        kept = self._applicants.get(data.number)
        if kept is not None:
            return kept
        lookup = (
            {"personal_id": data.personal_id} if data.personal_id else {"tax_code": data.tax_code}
        )
        applicant = Applicant.objects.select_related("user").filter(**lookup).first()
        if applicant is None:
            applicant = Applicant.objects.create(kind=data.kind, name=data.name, **lookup)
        user = applicant.user
        if user is None:
            user, _created = User.objects.get_or_create(
                username=f"{LEGACY_PREFIX}nd-{data.number}",
                defaults={"full_name": data.name, "is_active": False, "password": "!"},
            )
            applicant.user = user
            applicant.save(update_fields=["user"])
        self._applicants[data.number] = (applicant, user)
        return applicant, user

    def _officer(self, person: Person, agency: Agency, role: str, dossier: Dossier | None) -> User:
        key = (agency.pk, person.key)
        user = self._staff.get(key)
        if user is None:
            if person.username:
                found = User.objects.filter(username=person.username).first()
                if found is None:
                    raise LineError(f"Không có tài khoản “{person.username}”.", code="user_unknown")
                user = found
            else:
                user, _created = User.objects.get_or_create(
                    username=f"{LEGACY_PREFIX}{agency.pk}-{_digest(person.name)}",
                    defaults={"full_name": person.name, "is_active": False, "password": "!"},
                )
            self._staff[key] = user
        if not person.username and (user.pk, agency.pk, role) not in self._roles:
            _assignment, created = RoleAssignment.objects.get_or_create(
                user=user, agency=agency, role=role
            )
            self._roles.add((user.pk, agency.pk, role))
            if created and dossier is not None and hasattr(dossier, _ROLES_ATTR):
                delattr(dossier, _ROLES_ATTR)  # read the actor's roles again
        return user

    # -- one record ------------------------------------------------------------
    def import_record(self, record: Record) -> bool:
        """Import ``record``; False when its legacy id is already imported.
        Raises :class:`LineError` (nothing is kept) when it cannot be."""
        if record.legacy_id in self.known:
            return False
        kept = False
        try:
            with transaction.atomic():
                dossier = self._build(record)
                ImportedDossier.objects.create(
                    legacy_id=record.legacy_id,
                    dossier=dossier,
                    result_kind=record.result_kind,
                    source=self.source,
                    line_digest=record.digest,
                )
            kept = True
        except IntegrityError:
            if ImportedDossier.objects.filter(legacy_id=record.legacy_id).exists():
                self.known.add(record.legacy_id)
                return False
            raise
        finally:
            if not kept:  # accounts and roles created by a rolled-back record are gone
                self._forget_new()
        self.known.add(record.legacy_id)
        return True

    def _forget_new(self) -> None:
        self._staff.clear()
        self._roles.clear()
        self._applicants.clear()

    def _build(self, record: Record) -> Dossier:
        receiving = self._agency(record.agency, "agency")
        processing = (
            self._agency(record.processing_agency, "processing_agency")
            if record.processing_agency
            else None
        )
        procedure = self._procedure(receiving, record.procedure)
        applicant, applicant_user = self._applicant(record)
        if record.channel == Channel.COUNTER:
            assert record.received_by is not None
            actor = self._officer(record.received_by, receiving, Role.ONE_STOP_OFFICER, None)
        else:
            actor = applicant_user
        try:
            dossier = services.dossier_submit(
                actor=actor,
                procedure=procedure,
                applicant=applicant,
                channel=record.channel,
                result_delivery=record.result_delivery,
                processing_agency=processing,
                documents_held_elsewhere=True,
                now=record.received_at,
            )
        except DomainError as exc:
            raise LineError(f"Nộp hồ sơ: {exc.message}", code=exc.code) from None
        for index, event in enumerate(record.events, start=1):
            try:
                dossier = self._apply(dossier, event, applicant_user)
            except DomainError as exc:
                raise LineError(
                    f"Sự kiện thứ {index} ({event.action}, {event.at.isoformat()}): {exc.message}",
                    code=exc.code,
                ) from None
        if record.rating is not None:
            try:
                rating_submit(
                    dossier=dossier,
                    actor=applicant_user,
                    level=record.rating.level,
                    comment=record.rating.comment,
                    now=record.rating.at,
                )
            except DomainError as exc:
                raise LineError(f"Đánh giá: {exc.message}", code=exc.code) from None
        return dossier

    def _staff_actor(self, dossier: Dossier, event: EventRecord) -> User:
        assert event.by is not None
        if event.action in ("accept", "ask_to_complete", "refuse", "hand_over"):
            agency = related_agency(dossier, "receiving_agency")
            role = str(Role.ONE_STOP_OFFICER)
        elif event.action == "answer":
            run = (
                StepRun.objects.filter(dossier=dossier, ended_at__isnull=True)
                .exclude(parent_step="")
                .select_related("agency")
                .first()
            )
            if run is None:
                raise DomainError("Không có yêu cầu xin ý kiến nào đang chờ.", code="no_branch")
            agency, role = run.agency, run.role
        else:
            step = graph_step(dossier_graph(dossier), dossier.current_step)
            agency = holder_agency(dossier) or step_agency(dossier, step)
            role = step.role
        return self._officer(event.by, agency, role, dossier)

    def _apply(self, dossier: Dossier, event: EventRecord, applicant_user: User) -> Dossier:
        f = event.fields
        common: dict[str, Any] = {
            "dossier": dossier,
            "expected_version": dossier.version,
            "now": event.at,
        }
        action = event.action
        if action in ("complete", "supplement", "withdraw") or action == "pay":
            common["actor"] = applicant_user
        elif action in ("accept", "ask_to_complete", "refuse", "hand_over", "answer") or (
            dossier.current_step
        ):
            common["actor"] = self._staff_actor(dossier, event)
        else:
            raise DomainError(
                f"Không thể thực hiện “{action}” khi hồ sơ không ở bước xử lý nào.",
                code="action_not_allowed",
            )
        call: Callable[..., Dossier] = services.ACTIONS[action]
        extra: dict[str, Any] = {}
        if action == "ask_to_complete":
            extra = {"missing": f["missing"], "note": f.get("note", "")}
        elif action in ("complete", "supplement"):
            extra = {"note": f.get("note", "")}
        elif action == "refuse":
            extra = {"reasons": f["reasons"]}
        elif action in ("forward", "send_back"):
            extra = {"target": f.get("to") or None, "note": f.get("note", "")}
        elif action == "consult":
            extra = {"question": f["question"], "target": f.get("to") or None}
        elif action == "answer":
            extra = {"answer": f["answer"]}
        elif action == "decide":
            extra = {"note": f.get("note", "")}
        elif action == "ask_to_supplement":
            extra = {"reason": f["reason"], "items": f.get("items", [])}
        elif action == "ask_to_pay":
            extra = {"amount_vnd": f["amount_vnd"], "reason": f["reason"]}
        elif action == "pay":
            extra = {"reference": f.get("reference", "")}
        elif action == "apologise":
            extra = {"new_appointment": f["new_appointment"], "reason": f["reason"]}
        elif action in ("stop",):
            extra = {"reason": f["reason"]}
        elif action == "withdraw":
            extra = {"reason": f.get("reason", "")}
        elif action == "hand_over":
            extra = {"received_by": f.get("received_by", ""), "note": f.get("note", "")}
        return call(**common, **extra)


def _lines(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text or None, reason) of every non-blank line."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE_BYTES:
                yield number, None, f"Dòng dài quá {MAX_LINE_BYTES} byte."
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None, "Dòng không phải văn bản UTF-8."
                continue
            if text.strip():
                yield number, text, ""


def import_lines(
    lines: Iterable[tuple[int, str | None, str]],
    *,
    source: str = "",
    now: datetime.datetime | None = None,
    progress: Callable[[Summary], None] | None = None,
    every: int = 1000,
) -> Summary:
    """Import numbered lines; a bad line is counted and reported, never fatal."""
    summary = Summary()
    importer = Importer(source=source, now=now)
    with importing():
        for number, text, reason in lines:
            if text is None:
                summary.rejected += 1
                summary.rejections.append((number, "unreadable", reason))
                continue
            try:
                record = parse_line(text, now=importer.now)
                if importer.import_record(record):
                    summary.imported += 1
                    summary.events += 1 + len(record.events)
                else:
                    summary.present += 1
            except LineError as exc:
                summary.rejected += 1
                summary.rejections.append((number, exc.code, exc.reason))
            done = summary.imported + summary.present + summary.rejected
            if progress is not None and done % every == 0:
                progress(summary)
    return summary


def import_file(
    path: Path,
    *,
    now: datetime.datetime | None = None,
    progress: Callable[[Summary], None] | None = None,
) -> Summary:
    """Import a JSON Lines file (``OSError`` when it cannot be read)."""
    path.open("rb").close()  # unreadable: fail before anything is imported
    return import_lines(_lines(path), source=path.name, now=now, progress=progress)


def import_texts(texts: Iterable[str], *, now: datetime.datetime | None = None) -> Summary:
    """Import lines given as strings (numbered from 1), e.g. the generator's."""
    return import_lines(
        ((n, t, "") for n, t in enumerate(texts, start=1) if t.strip()), source="", now=now
    )
