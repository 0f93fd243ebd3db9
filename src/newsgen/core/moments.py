"""Date and time fields as editors write them (ISO 8601, with or without an offset) → an
aware datetime in the site's zone, or the reason it cannot be one."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DATE_ONLY = re.compile(r"\d{4}-?\d{2}-?\d{2}")
EXAMPLE = "e.g. 2025-06-04T18:30 or 2025-06-04T18:30+01:00"


def read_moment(text: str, key: str, tz: ZoneInfo) -> tuple[datetime | None, str]:
    """The moment *text* (the field *key*) names, in *tz*; without an offset it is local
    time there, and a time that does not exist or happens twice there is refused. Returns
    the moment, or None and the problem."""
    if DATE_ONLY.fullmatch(text):
        return None, f"'{key}' needs a time as well as a date ({EXAMPLE}), not {text!r}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None, f"'{key}' is not an ISO 8601 date and time ({EXAMPLE}): {text!r}"
    if moment.tzinfo is not None:
        return moment.astimezone(tz), ""
    return localize(moment, key, tz)


def localize(naive: datetime, key: str, tz: ZoneInfo) -> tuple[datetime | None, str]:
    """Attach *tz*, refusing times that do not exist or happen twice there."""
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early, ""
    when = f"'{key}' {naive.isoformat(timespec='minutes')}"
    round_trip = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        return None, (
            f"{when} does not exist in {tz.key}: clocks skip that hour; "
            f"read as {_offset(early)} it is {_utc(early)}, as {_offset(late)} it is {_utc(late)}; add the offset"
        )
    return None, (
        f"{when} happens twice in {tz.key}: "
        f"at {_utc(early)} ({_offset(early)}) and at {_utc(late)} ({_offset(late)}); add the offset"
    )


def _offset(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")[-6:]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
