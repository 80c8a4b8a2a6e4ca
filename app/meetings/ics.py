"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for consultation meetings.

:func:`build_ics` is pure (no Flask, no database) so it is unit-tested on its own;
:func:`meeting_invitation` gathers what it needs from a :class:`~app.meetings.models.Meeting`.

What calendar clients (Outlook in particular) need to accept an update or a cancellation:
the same ``UID`` for the life of the meeting, a ``SEQUENCE`` that rises on every change,
``METHOD:REQUEST`` (or ``METHOD:CANCEL`` with ``STATUS:CANCELLED``) both in the calendar and
in the MIME type of the attachment, an ``ORGANIZER``, and times with a ``TZID`` that a
``VTIMEZONE`` in the same file defines. Asia/Shanghai has had no daylight saving time since
1991, so its VTIMEZONE is a single fixed +08:00 STANDARD rule (clearer than a generated one
that replays 1986–1991 DST).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from icalendar import Calendar, Event, Timezone, TimezoneStandard, vCalAddress, vText

from expert_pool.timeutil import SHANGHAI

TZID = "Asia/Shanghai"
PRODID = "-//Xinfang Expert Consultation Platform//Meetings 1.0//ZH"


@dataclass(frozen=True)
class Attendee:
    name: str
    address: str  # e-mail address; empty when unknown
    accepted: bool = False
    chair: bool = False
    key: str = ""  # stable identifier used when there is no address (e.g. "expert-12")

    @property
    def uri(self) -> str:
        if self.address:
            return f"mailto:{self.address}"
        return f"urn:x-xinfang:{self.key or 'attendee'}"


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer_email: str
    organizer_name: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)
    created: datetime | None = None
    last_modified: datetime | None = None
    stamp: datetime | None = None

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"

    @property
    def mime_type(self) -> str:
        return f"text/calendar; method={self.method}; charset=UTF-8"


def _timezone() -> Timezone:
    tz = Timezone()
    tz.add("tzid", TZID)
    std = TimezoneStandard()
    std.add("dtstart", datetime(1970, 1, 1))
    std.add("tzoffsetfrom", SHANGHAI.utcoffset(datetime(2000, 1, 1)))
    std.add("tzoffsetto", SHANGHAI.utcoffset(datetime(2000, 1, 1)))
    std.add("tzname", "CST")
    tz.add_component(std)
    return tz


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _local(value: datetime) -> datetime:
    """Shanghai wall time; icalendar writes DTSTART;TZID=Asia/Shanghai for it."""
    return value.astimezone(SHANGHAI)


def build_ics(inv: Invitation) -> bytes:
    """The invitation as an iCalendar file (UTF-8 bytes, CRLF line endings, folded lines)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", inv.method)
    cal.add_component(_timezone())

    ev = Event()
    ev.add("uid", inv.uid)
    ev.add("sequence", inv.sequence)
    ev.add("dtstamp", _utc(inv.stamp or datetime.now(UTC)))
    ev.add("dtstart", _local(inv.start))
    ev.add("dtend", _local(inv.end))
    if inv.created:
        ev.add("created", _utc(inv.created))
    if inv.last_modified:
        ev.add("last-modified", _utc(inv.last_modified))
    ev.add("summary", inv.summary)
    ev.add("description", inv.description)
    if inv.location:
        ev.add("location", inv.location)
    if inv.url:
        ev.add("url", inv.url)
    ev.add("status", "CANCELLED" if inv.cancelled else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    ev.add("class", "CONFIDENTIAL")

    organizer = vCalAddress(f"mailto:{inv.organizer_email}")
    if inv.organizer_name:
        organizer.params["CN"] = vText(inv.organizer_name)
    ev.add("organizer", organizer, encode=0)
    for person in inv.attendees:
        addr = vCalAddress(person.uri)
        addr.params["CN"] = vText(person.name)
        addr.params["CUTYPE"] = "INDIVIDUAL"
        addr.params["ROLE"] = "CHAIR" if person.chair else "REQ-PARTICIPANT"
        addr.params["PARTSTAT"] = "ACCEPTED" if person.accepted else "NEEDS-ACTION"
        addr.params["RSVP"] = "FALSE" if person.accepted or inv.cancelled else "TRUE"
        ev.add("attendee", addr, encode=0)
    cal.add_component(ev)
    return cal.to_ical()
