"""formatDate, parseDate, date arithmetic and setters (expected values follow moment.js)."""

from __future__ import annotations

import datetime as dt

import pytest

from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue

from .conftest import NOW, call

UTC = dt.UTC


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("YYYY-MM-DD HH:mm:ss.SSS", "2023-11-14 22:13:20.000"), ("YY M D H m s", "23 11 14 22 13 20"),
        ("MMMM MMM Do", "November Nov 14th"), ("dddd ddd d E", "Tuesday Tue 2 2"), ("DDD DDDD Q", "318 318 4"),
        ("W WW", "46 46"), ("h hh A a", "10 10 PM pm"), ("k kk", "22 22"), ("S SS", "0 00"), ("X", "1700000000"),
        ("x", "1700000000000"), ("Z ZZ", "+00:00 +0000"), ("[Today is] dddd", "Today is Tuesday"),
        ("YYYY-MM-DDTHH:mm:ssZ", "2023-11-14T22:13:20+00:00"), ("", "2023-11-14T22:13:20.000+00:00"),
    ],
)  # fmt: skip
def test_format_date_tokens(pattern: str, expected: str) -> None:
    assert call("formatDate", NOW, pattern) == expected


@pytest.mark.parametrize(
    ("date", "pattern", "zone", "expected"),
    [
        (NOW, "YYYY-MM-DD HH:mm Z", "Europe/Prague", "2023-11-14 23:13 +01:00"),
        (NOW, "HH:mm ZZ", "America/New_York", "17:13 -0500"),
        (utc(2023, 7, 1, 12), "HH:mm Z", "Europe/Prague", "14:00 +02:00"),
        (NOW, "HH:mm", "Asia/Kolkata", "03:43"),
        (NOW, "HH:mm", "utc", "22:13"),
        ("2023-11-14T22:13:20Z", "YYYY-MM-DD", UNDEFINED, "2023-11-14"),
        ("2023-11-14T23:30:00+02:00", "HH:mm", UNDEFINED, "21:30"),
        ("2023-11-14", "HH:mm", UNDEFINED, "00:00"),
        (1700000000000, "X", UNDEFINED, "1700000000"),
        (-1, "YYYY-MM-DD HH:mm:ss.SSS X x", UNDEFINED, "1969-12-31 23:59:59.999 -1 -1"),
        (utc(1, 1, 1), "h A", UNDEFINED, "12 AM"),
        (utc(2024, 1, 1, 0, 0), "k", UNDEFINED, "24"),
        (utc(2021, 1, 3), "W E d", UNDEFINED, "53 7 0"),
    ],
)  # fmt: skip
def test_format_date_zones_and_inputs(date: JsValue, pattern: str, zone: JsValue, expected: str) -> None:
    assert call("formatDate", date, pattern, zone) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((NOW, "YYYY", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
        ((NOW, "YYYY", "../etc/passwd"), "unknown time zone"),
        (("14/11/2023", "YYYY"), "not an ISO 8601 date"),
        ((None, "YYYY"), "expects a date, got null"),
        (([], "YYYY"), "expects a date, got an array"),
        ((float("inf"), "YYYY"), "expects a date"),
        ((253402300800000.0, "YYYY"), "outside the supported range"),
        ((6.77680361916768e19, "YYYY"), "outside the supported range"),
    ],
)
def test_format_date_errors(args: tuple[JsValue, ...], message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        call("formatDate", *args)


def test_format_date_without_a_format_uses_the_library_default() -> None:
    assert call("formatDate", NOW) == "2023-11-14T22:13:20.000+00:00"
    assert call("formatDate", NOW, None, "Europe/Prague") == "2023-11-14T23:13:20.000+01:00"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("14/11/2023", "DD/MM/YYYY"), utc(2023, 11, 14)),
        (("14/11/2023 10:13 PM", "DD/MM/YYYY hh:mm A"), utc(2023, 11, 14, 22, 13)),
        (("12:05 am", "h:mm a"), utc(1970, 1, 1, 0, 5)),
        (("Nov 14th, 2023", "MMM Do, YYYY"), utc(2023, 11, 14)),
        (("Tuesday, 14 november 2023", "dddd, D MMMM YYYY"), utc(2023, 11, 14)),
        (("1700000000", "X"), utc(2023, 11, 14, 22, 13, 20)),
        (("1700000000.5", "X"), dt.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        (("1700000000123", "x"), dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
        (("2023-11-14 23:13", "YYYY-MM-DD HH:mm", "Europe/Prague"), utc(2023, 11, 14, 22, 13)),
        (("2023-11-14 23:13 +0100", "YYYY-MM-DD HH:mm ZZ", "America/New_York"), utc(2023, 11, 14, 22, 13)),
        (("2023-11-14T22:13:20.5Z", "YYYY-MM-DDTHH:mm:ss.SSSZ"), dt.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        (("23-1-2", "YY-M-D"), utc(2023, 1, 2)),
        ((" 2023 ", "YYYY"), utc(2023, 1, 1)),
        (("at 2023", "[at] YYYY"), utc(2023, 1, 1)),
        (("2023-11-14T22:13:20Z",), utc(2023, 11, 14, 22, 13, 20)),
        ((NOW, UNDEFINED), NOW),
    ],
)  # fmt: skip
def test_parse_date(args: tuple[JsValue, ...], expected: dt.datetime) -> None:
    result = call("parseDate", *args)
    assert result == expected
    assert isinstance(result, dt.datetime) and result.utcoffset() == dt.timedelta()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("not a date", "YYYY-MM-DD"), "does not match the format"),
        (("2023-02-30", "YYYY-MM-DD"), "outside the supported range"),
        (("2023 2024", "YYYY YYYY"), "gives the same field twice"),
        (("Foo 2023", "MMM YYYY"), "does not match"),
        (("99999999999999", "X"), "outside the supported range"),
        (("2023", "YYYY", "Nowhere/City"), "unknown time zone"),
    ],
)
def test_parse_date_errors(args: tuple[JsValue, ...], message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        call("parseDate", *args)


@pytest.mark.parametrize(
    ("name", "amount", "expected"),
    [
        ("addSeconds", 40, utc(2023, 11, 14, 22, 14)), ("addSeconds", 0.5, dt.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        ("addMinutes", -13, utc(2023, 11, 14, 22, 0, 20)), ("addMinutes", "2", utc(2023, 11, 14, 22, 15, 20)),
        ("addHours", 2, utc(2023, 11, 15, 0, 13, 20)), ("addHours", 1.5, utc(2023, 11, 14, 23, 43, 20)),
        ("addDays", 17, utc(2023, 12, 1, 22, 13, 20)), ("addDays", 1.5, utc(2023, 11, 16, 22, 13, 20)),
        ("addDays", -1.5, utc(2023, 11, 13, 22, 13, 20)), ("addMonths", 2, utc(2024, 1, 14, 22, 13, 20)),
        ("addMonths", -11, utc(2022, 12, 14, 22, 13, 20)), ("addYears", 1, utc(2024, 11, 14, 22, 13, 20)),
    ],
)  # fmt: skip
def test_adding_time(name: str, amount: JsValue, expected: dt.datetime) -> None:
    assert call(name, NOW, amount) == expected


def test_months_keep_the_day_where_possible() -> None:
    assert call("addMonths", "2024-01-31T10:00:00Z", 1) == utc(2024, 2, 29, 10)
    assert call("addYears", "2024-02-29T00:00:00Z", 1) == utc(2025, 2, 28)
    assert call("addMonths", utc(2024, 3, 31), -1) == utc(2024, 2, 29)


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("addDays", (NOW, "x"), "expects a number"),
        ("addDays", (NOW, float("inf")), "finite number"),
        ("addDays", (NOW, 1e20), "outside the supported range"),
        ("addYears", (NOW, 9000), "outside the supported range"),
        ("addHours", ("yesterday", 1), "not an ISO 8601 date"),
        ("addMinutes", (None, 1), "expects a date, got null"),
    ],
)
def test_adding_time_errors(name: str, args: tuple[JsValue, ...], message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        call(name, *args)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("setSecond", 30, utc(2023, 11, 14, 22, 13, 30)), ("setSecond", 61, utc(2023, 11, 14, 22, 14, 1)),
        ("setMinute", 0, utc(2023, 11, 14, 22, 0, 20)), ("setHour", 8, utc(2023, 11, 14, 8, 13, 20)),
        ("setHour", 25, utc(2023, 11, 15, 1, 13, 20)), ("setDate", 1, utc(2023, 11, 1, 22, 13, 20)),
        ("setDate", 31, utc(2023, 12, 1, 22, 13, 20)), ("setMonth", 2, utc(2023, 2, 14, 22, 13, 20)),
        ("setMonth", 13, utc(2024, 1, 14, 22, 13, 20)), ("setYear", 2024, utc(2024, 11, 14, 22, 13, 20)),
        ("setHour", "7", utc(2023, 11, 14, 7, 13, 20)),
    ],
)  # fmt: skip
def test_setters_carry_over(name: str, value: JsValue, expected: dt.datetime) -> None:
    assert call(name, NOW, value) == expected


def test_setters_clamp_the_day_and_refuse_nonsense() -> None:
    assert call("setMonth", "2023-01-31T00:00:00Z", 2) == utc(2023, 2, 28)
    with pytest.raises(EvaluationError, match="is not a usable hour"):
        call("setHour", NOW, 1e12)
    with pytest.raises(EvaluationError, match="outside the supported range"):
        call("setYear", NOW, 10_000)


def test_parse_date_without_a_format_reads_iso_8601() -> None:
    assert call("parseDate", "2023-11-14T22:13:20Z") == NOW
    with pytest.raises(EvaluationError, match="not an ISO 8601 date"):
        call("parseDate", "14/11/2023")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, utc(2023, 11, 12, 22, 13, 20)), (3, NOW), (7, utc(2023, 11, 18, 22, 13, 20)), (8, utc(2023, 11, 19, 22, 13, 20)),
        (0, utc(2023, 11, 11, 22, 13, 20)), ("monday", utc(2023, 11, 13, 22, 13, 20)), ("Sun", utc(2023, 11, 12, 22, 13, 20)),
        ("SATURDAY", utc(2023, 11, 18, 22, 13, 20)), ("4", utc(2023, 11, 15, 22, 13, 20)), (2.9, utc(2023, 11, 13, 22, 13, 20)),
    ],
)  # fmt: skip
def test_set_day_counts_the_week_from_sunday(value: JsValue, expected: dt.datetime) -> None:
    assert call("setDay", NOW, value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("mo", "not a number or an English name"), ("funday", "English"), (1e9, "not a usable weekday")],
)
def test_set_day_errors(value: JsValue, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        call("setDay", NOW, value)


def test_set_month_takes_english_names() -> None:
    assert call("setMonth", NOW, "march") == utc(2023, 3, 14, 22, 13, 20)
    assert call("setMonth", NOW, "Dec") == utc(2023, 12, 14, 22, 13, 20)
    with pytest.raises(EvaluationError, match=r"setMonth\(\): 'Smarch' is not a number or an English name"):
        call("setMonth", NOW, "Smarch")


LATER = NOW + dt.timedelta(days=2, hours=3, minutes=45, seconds=10)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("D", 2), ("H", 51), ("m", 3105), ("s", 186310), ("RH", 3), ("Rm", 45), ("Rs", 10)],
)
def test_date_diff_units(unit: str, expected: int) -> None:
    assert call("dateDiff", LATER, NOW, unit) == expected


def test_date_diff_errors_and_equal_dates() -> None:
    assert call("dateDiff", NOW, NOW, "s") == 0
    assert call("dateDiff", "2023-11-15T00:00:00Z", "2023-11-14T23:59:59Z", "D") == 0
    with pytest.raises(EvaluationError, match="the start date is after the end date"):
        call("dateDiff", NOW, LATER, "D")
    with pytest.raises(EvaluationError, match="unknown unit 'days'"):
        call("dateDiff", LATER, NOW, "days")
