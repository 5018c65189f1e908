"""Moments as the database keeps them: UTC, ISO 8601 to the second."""

import datetime


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def parse_time(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None
