"""Moments as the database keeps them: UTC, ISO 8601 to the second."""

import datetime


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
