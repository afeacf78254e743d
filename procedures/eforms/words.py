"""A day written in Vietnamese words, as civil-status papers write the date
of birth beside its figures ("ghi bằng chữ"): 05/03/2026 → "Ngày năm,
tháng ba, năm hai nghìn không trăm hai mươi sáu"."""

from __future__ import annotations

import datetime as dt

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def below_hundred(number: int) -> str:
    """1–99: "mười lăm", "hai mươi mốt", "hai mươi tư", "ba mươi"."""
    tens, units = divmod(number, 10)
    if tens == 0:
        return DIGITS[units]
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if units == 0:
        return head
    if units == 1 and tens > 1:
        tail = "mốt"
    elif units == 4 and tens > 1:
        tail = "tư"
    elif units == 5:
        tail = "lăm"
    else:
        tail = DIGITS[units]
    return f"{head} {tail}"


def below_thousand(number: int, *, inner: bool) -> str:
    """0–999; `inner` when thousands come before it, so that the hundreds
    and a lone unit are spoken in full ("không trăm linh năm")."""
    hundreds, rest = divmod(number, 100)
    parts = []
    if hundreds or inner:
        parts.append(f"{DIGITS[hundreds]} trăm")
    if rest:
        if rest < 10 and parts:
            parts.append(f"linh {DIGITS[rest]}")
        else:
            parts.append(below_hundred(rest))
    return " ".join(parts)


def number_in_words(number: int) -> str:
    """0–9999 in words: 2026 → "hai nghìn không trăm hai mươi sáu"."""
    if not 0 <= number <= 9999:
        raise ValueError(number)
    if number == 0:
        return DIGITS[0]
    thousands, rest = divmod(number, 1000)
    if not thousands:
        return below_thousand(rest, inner=False)
    head = f"{DIGITS[thousands]} nghìn"
    return f"{head} {below_thousand(rest, inner=True)}" if rest else head


def date_in_words(day: dt.date) -> str:
    return f"Ngày {below_hundred(day.day)}, tháng {below_hundred(day.month)}, năm {number_in_words(day.year)}"
