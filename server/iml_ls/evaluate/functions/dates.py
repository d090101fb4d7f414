"""Dates: formatting and parsing with Make's (moment.js) tokens, and date arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iml_ls.evaluate.coerce import is_number, to_number, to_string
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, function
from iml_ls.evaluate.values import EvalContext, EvaluationError, JsValue, Undefined

_TOKENS = re.compile(r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|DD|Do|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|X|x|ZZ|Z|A|a")
_MONTHS = list(calendar.month_name)[1:]
_DAYS = list(calendar.day_name)


def _zone(value: JsValue) -> dt.tzinfo:
    if isinstance(value, Undefined) or value is None:
        return dt.UTC
    name = to_string(value)
    try:
        return dt.UTC if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EvaluationError(f"Unknown time zone `{name}`; use an IANA name such as `Europe/Prague`.") from None


def to_date(name: str, value: JsValue) -> dt.datetime:
    """A date from a date, an ISO 8601 text or a number of milliseconds since 1970."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if is_number(value):
        return dt.datetime.fromtimestamp(float(to_number(value)) / 1000, dt.UTC)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise EvaluationError(f"{name}(): `{value}` is not a date (use ISO 8601 or parseDate).") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    raise EvaluationError(f"{name}() expects a date.")


def _offset(moment: dt.datetime, colon: bool) -> str:
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


_FORMATTERS: dict[str, Callable[[dt.datetime], str]] = {
    "YYYY": lambda m: f"{m.year:04d}",
    "YY": lambda m: f"{m.year % 100:02d}",
    "MMMM": lambda m: _MONTHS[m.month - 1],
    "MMM": lambda m: _MONTHS[m.month - 1][:3],
    "MM": lambda m: f"{m.month:02d}",
    "M": lambda m: str(m.month),
    "DD": lambda m: f"{m.day:02d}",
    "Do": lambda m: _ordinal(m.day),
    "D": lambda m: str(m.day),
    "dddd": lambda m: _DAYS[m.weekday()],
    "ddd": lambda m: _DAYS[m.weekday()][:3],
    "HH": lambda m: f"{m.hour:02d}",
    "H": lambda m: str(m.hour),
    "hh": lambda m: f"{(m.hour % 12) or 12:02d}",
    "h": lambda m: str((m.hour % 12) or 12),
    "mm": lambda m: f"{m.minute:02d}",
    "m": lambda m: str(m.minute),
    "ss": lambda m: f"{m.second:02d}",
    "s": lambda m: str(m.second),
    "SSS": lambda m: f"{m.microsecond // 1000:03d}",
    "X": lambda m: str(int(m.timestamp())),
    "x": lambda m: str(int(m.timestamp() * 1000)),
    "Z": lambda m: _offset(m, True),
    "ZZ": lambda m: _offset(m, False),
    "A": lambda m: "PM" if m.hour >= 12 else "AM",
    "a": lambda m: "pm" if m.hour >= 12 else "am",
}


def format_moment(moment: dt.datetime, pattern: str) -> str:
    return _TOKENS.sub(
        lambda t: t.group()[1:-1] if t.group().startswith("[") else _FORMATTERS[t.group()](moment), pattern
    )


@function(
    "formatDate",
    "date, format, [timezone]",
    "text",
    "The date as text in a moment.js-style format.",
    "formatDate(now, 'YYYY-MM-DD')",
    "2023-11-14",
    "Only the common format tokens are supported (YYYY, MM, DD, HH, mm, ss, SSS, X, x, Z, MMMM, dddd, A, Do, …).",
    date="A date (or ISO text).",
    format="Tokens such as `YYYY-MM-DD HH:mm`; `[text]` is literal.",
    timezone="An IANA time zone such as `Europe/Prague` (default UTC).",
)
def format_date(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    moment = to_date("formatDate", arg(args, 0)).astimezone(_zone(arg(args, 2)))
    return format_moment(moment, to_string(arg(args, 1)) if not isinstance(arg(args, 1), Undefined) else "")


_PARSERS = {
    "YYYY": r"(?P<year>\d{4})", "YY": r"(?P<year2>\d{2})", "MM": r"(?P<month>\d{2})", "M": r"(?P<month>\d{1,2})",
    "DD": r"(?P<day>\d{2})", "D": r"(?P<day>\d{1,2})", "HH": r"(?P<hour>\d{2})", "H": r"(?P<hour>\d{1,2})",
    "mm": r"(?P<minute>\d{2})", "m": r"(?P<minute>\d{1,2})", "ss": r"(?P<second>\d{2})", "s": r"(?P<second>\d{1,2})",
    "SSS": r"(?P<ms>\d{3})", "X": r"(?P<unix>-?\d+(?:\.\d+)?)", "x": r"(?P<unixms>-?\d+)",
    "Z": r"(?P<zone>Z|[+-]\d{2}:?\d{2})", "ZZ": r"(?P<zone>Z|[+-]\d{2}:?\d{2})",
}  # fmt: skip


@function(
    "parseDate",
    "text, format, [timezone]",
    "date",
    "The date written in the text, read with a moment.js-style format.",
    "parseDate('2023-11-14', 'YYYY-MM-DD')",
    "2023-11-14T00:00:00.000Z",
    "Supports numeric tokens (YYYY, YY, MM, M, DD, D, HH, H, mm, m, ss, s, SSS, X, x, Z); month and day names "
    "are not parsed.",
    text="The text holding a date.",
    format="The format of the text.",
    timezone="The time zone the text is in (default UTC).",
)
def parse_date(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text, pattern = to_string(arg(args, 0)), to_string(arg(args, 1)) if not isinstance(arg(args, 1), Undefined) else ""
    if not pattern:
        return to_date("parseDate", text)
    regex = ""
    position = 0
    for token in _TOKENS.finditer(pattern):
        regex += re.escape(pattern[position : token.start()])
        value = token.group()
        regex += re.escape(value[1:-1]) if value.startswith("[") else _PARSERS.get(value, re.escape(value))
        position = token.end()
    regex += re.escape(pattern[position:])
    try:
        match = re.fullmatch(regex, text.strip())
    except re.error:
        match = None
    if match is None:
        raise EvaluationError(f"parseDate(): `{text}` does not match the format `{pattern}`.")
    parts = match.groupdict()
    if parts.get("unix"):
        return dt.datetime.fromtimestamp(float(parts["unix"]), dt.UTC)
    if parts.get("unixms"):
        return dt.datetime.fromtimestamp(int(parts["unixms"]) / 1000, dt.UTC)
    year = int(parts["year"]) if parts.get("year") else 2000 + int(parts["year2"]) if parts.get("year2") else 1970
    try:
        moment = dt.datetime(
            year, int(parts.get("month") or 1), int(parts.get("day") or 1), int(parts.get("hour") or 0),
            int(parts.get("minute") or 0), int(parts.get("second") or 0), int(parts.get("ms") or 0) * 1000,
            tzinfo=_zone(arg(args, 2)),
        )  # fmt: skip
    except ValueError as error:
        raise EvaluationError(f"parseDate(): `{text}` is not a valid date ({error}).") from None
    zone = parts.get("zone")
    if zone:
        offset = dt.timedelta() if zone == "Z" else dt.timedelta(hours=int(zone[:3]), minutes=int(zone[0] + zone[-2:]))
        moment = moment.replace(tzinfo=dt.timezone(offset))
    return moment.astimezone(dt.UTC)


def _adder(name: str, unit: str) -> BuiltinFunction:
    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
        moment = to_date(name, arg(args, 0))
        amount = to_number(arg(args, 1))
        if amount != amount:
            raise EvaluationError(f"{name}() expects a number to add.")
        if unit in ("months", "years"):
            months = int(amount) * (12 if unit == "years" else 1)
            total = moment.month - 1 + months
            year, month = moment.year + total // 12, total % 12 + 1
            day = min(moment.day, calendar.monthrange(year, month)[1])
            return moment.replace(year=year, month=month, day=day)
        try:
            return moment + dt.timedelta(**{unit: float(amount)})
        except OverflowError:
            raise EvaluationError(f"{name}(): the result is outside the date range.") from None

    return function(
        name,
        "date, number",
        "date",
        f"The date plus a number of {unit} (negative to subtract).",
        f"{name}(now, 1)",
        f"now plus 1 {unit[:-1]}",
        date="A date.",
        number=f"How many {unit} to add.",
    )(implementation)


add_seconds, add_minutes, add_hours, add_days, add_months, add_years = (
    _adder(name, unit)
    for name, unit in (("addSeconds", "seconds"), ("addMinutes", "minutes"), ("addHours", "hours"),
                       ("addDays", "days"), ("addMonths", "months"), ("addYears", "years"))
)  # fmt: skip

FUNCTIONS: tuple[BuiltinFunction, ...] = (
    format_date, parse_date, add_seconds, add_minutes, add_hours, add_days, add_months, add_years,
)  # fmt: skip
