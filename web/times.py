"""Moments as the database keeps them: UTC, ISO 8601 to the second; and the days and times people read,
in their own time zone."""

import datetime
from zoneinfo import ZoneInfo

from flask import request

# The browser's IANA time zone (Intl.DateTimeFormat().resolvedOptions().timeZone), kept by app.js in this
# cookie so that "due today" is the reader's today; UTC until the browser has said.
ZONE_COOKIE = "tz"
MAX_ZONE_NAME = 64


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def parse_time(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def readable(moment: datetime.datetime) -> str:
    """A moment as pages (before the browser shows it in the reader's zone) and files write it:
    2026-11-29 14:05 UTC."""
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC"


def zone_named(name: str | None) -> ZoneInfo:
    """The IANA zone of that name; UTC for none, or for a name that is not a zone (sent by anyone)."""
    if not name or len(name) > MAX_ZONE_NAME:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # malformed, unknown, or a directory of zones such as "America"
        return ZoneInfo("UTC")


def local_moment(text: str, zone: ZoneInfo) -> datetime.datetime | None:
    """A wall-clock time typed in a form (datetime-local: 2026-11-29T20:00) in `zone`, as an instant."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=zone).astimezone(datetime.UTC) if moment.tzinfo is None else None


def days_until(moment: datetime.datetime, now: datetime.datetime, zone: ZoneInfo) -> int:
    """Calendar days from today to the moment's day, both counted in `zone`: 0 today, 1 tomorrow."""
    return (moment.astimezone(zone).date() - now.astimezone(zone).date()).days


def viewer_zone() -> ZoneInfo:
    """The time zone of the browser making the request (see ZONE_COOKIE)."""
    return zone_named(request.cookies.get(ZONE_COOKIE))
