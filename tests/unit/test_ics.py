"""The iCalendar builder on its own (no app, no database): what Outlook and other clients need."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from app.meetings.ics import Attendee, Invitation, build_ics
from expert_pool.timeutil import SHANGHAI


def invitation(**overrides) -> Invitation:
    values = {
        "uid": "meeting-7-a1b2c3@xinfang.local", "sequence": 2,
        "start": datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI), "end": datetime(2026, 10, 12, 11, 30, tzinfo=SHANGHAI),
        "summary": "法律审查会商：某小区征收补偿信访事项",
        "description": "信访事项：320100-2026-00001\n会商问题：补偿标准是否合法；如何处理？",
        "organizer_email": "noreply@xinfang.local", "organizer_name": "南京市信访局", "location": "南京市信访局三楼会议室",
        "attendees": (Attendee("王建国", "wang@example.cn", accepted=True, chair=True), Attendee("李秀英", "li@example.cn"),
                      Attendee("陈志强", "", key="expert-9")),
        "stamp": datetime(2026, 9, 1, 8, 0, tzinfo=UTC),
    }
    return Invitation(**(values | overrides))


def parse(data: bytes):
    cal = Calendar.from_ical(data)
    return cal, cal.walk("VEVENT")[0]


def test_request_carries_what_clients_need():
    data = build_ics(invitation())
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded to 75 octets
    cal, ev = parse(data)
    assert str(cal["METHOD"]) == "REQUEST" and str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Asia/Shanghai"
    assert str(ev["UID"]) == "meeting-7-a1b2c3@xinfang.local" and int(ev["SEQUENCE"]) == 2
    assert ev["DTSTART"].params["TZID"] == "Asia/Shanghai" and b"DTSTART;TZID=Asia/Shanghai:20261012T093000" in data
    assert ev.decoded("DTEND") == datetime(2026, 10, 12, 11, 30, tzinfo=SHANGHAI)
    assert ev.decoded("DTSTAMP") == datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    assert str(ev["SUMMARY"]) == "法律审查会商：某小区征收补偿信访事项"
    assert "补偿标准是否合法；如何处理？" in str(ev["DESCRIPTION"])
    assert str(ev["STATUS"]) == "CONFIRMED" and str(ev["LOCATION"]) == "南京市信访局三楼会议室"
    assert str(ev["ORGANIZER"]) == "mailto:noreply@xinfang.local" and ev["ORGANIZER"].params["CN"] == "南京市信访局"
    attendees = {str(a): a.params for a in ev["ATTENDEE"]}
    assert attendees["mailto:wang@example.cn"]["PARTSTAT"] == "ACCEPTED"
    assert attendees["mailto:wang@example.cn"]["ROLE"] == "CHAIR"
    assert attendees["mailto:li@example.cn"]["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees["mailto:li@example.cn"]["RSVP"] == "TRUE"
    assert attendees["urn:x-xinfang:expert-9"]["CN"] == "陈志强"


def test_cancel_and_video_link():
    inv = invitation(cancelled=True, sequence=3, location="视频会商 https://meet.example.cn/j/1", url="https://meet.example.cn/j/1")
    assert inv.mime_type == "text/calendar; method=CANCEL; charset=UTF-8"
    cal, ev = parse(build_ics(inv))
    assert str(cal["METHOD"]) == "CANCEL" and str(ev["STATUS"]) == "CANCELLED" and int(ev["SEQUENCE"]) == 3
    assert str(ev["URL"]) == "https://meet.example.cn/j/1"


def test_times_given_in_utc_are_written_in_shanghai_time():
    _, ev = parse(build_ics(invitation(start=datetime(2026, 10, 12, 1, 30, tzinfo=UTC),
                                         end=datetime(2026, 10, 12, 3, 30, tzinfo=UTC))))
    assert ev["DTSTART"].to_ical() == b"20261012T093000"
