"""A booked session as a calendar file (RFC 5545), for the patient's own calendar
(issue 14). It says nothing clinical: "Appointment at <clinic>", the time, and the
place or video link; never the therapist, the kind of care or the programme.

A session whose therapist has left (decision 0096) is given as cancelled: the same UID
with a higher SEQUENCE and STATUS:CANCELLED, so that a calendar it was added to drops it,
and no place or link that would bring the patient to a session nobody holds."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .models import Appointment

STAMP = "%Y%m%dT%H%M%SZ"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (a CRLF and a space), as RFC 5545 asks."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    while start < len(raw):
        end = min(start + (75 if not parts else 74), len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never inside a character
            end -= 1
        parts.append(raw[start:end].decode("utf-8"))
        start = end
    return "\r\n ".join(parts)


def ics(
    appointment: Appointment,
    *,
    clinic_name: str,
    host: str,
    now: dt.datetime,
    cancelled: bool = False,
) -> str:
    starts = appointment.starts_at.astimezone(dt.UTC)
    ends = starts + dt.timedelta(minutes=appointment.minutes)
    where = "" if cancelled else appointment.place or appointment.video_link
    summary = _("Appointment at %(clinic)s") % {"clinic": clinic_name}
    if cancelled:
        summary = _("Cancelled: %(appointment)s") % {"appointment": summary}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tessera//Sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:session-{appointment.pk}@{host}",
        f"DTSTAMP:{now.astimezone(dt.UTC).strftime(STAMP)}",
        f"DTSTART:{starts.strftime(STAMP)}",
        f"DTEND:{ends.strftime(STAMP)}",
        "SUMMARY:" + _escape(summary),
    ]
    if cancelled:
        lines += ["SEQUENCE:1", "STATUS:CANCELLED"]
    if where:
        lines.append(f"LOCATION:{_escape(where)}")
    if appointment.video_link and not cancelled:
        lines.append(f"URL:{appointment.video_link}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
