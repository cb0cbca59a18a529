"""Validators for the identifiers the hub exchanges: credit codes, ID numbers, vehicles, ships.

Each validator normalises its input (full-width to half-width, no whitespace, upper case),
checks it against its published rule and returns the canonical form, or raises
``InvalidIdentifier`` naming the API field and the rule that was broken. Check-digit
arithmetic comes from python-stdnum where it has the identifier; our own checks of length and
format come first, so that its exceptions never escape and its ``validate`` (which would
compute the same check digit again, at a cost that shows on the exchange's hot path) is not
needed: a test holds each rule's verdict to stdnum's ``is_valid``.
"""

from __future__ import annotations

import re
import string
import unicodedata

from stdnum import imo as _imo
from stdnum import iso6346 as _iso6346
from stdnum.cn import ric as _ric
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import ValidationError

from hub.canonical.multimodal import REFERENCE


class InvalidIdentifier(ValueError):
    """An identifier that breaks its rule.

    ``field`` is the GraphQL/API field name, ``value`` the input as received and ``rule``
    says which rule was broken; ``str(exc)`` is ``f"{field}: {value!r} {rule}"``.
    """

    field: str
    value: str
    rule: str

    def __init__(self, field: str, value: str, rule: str) -> None:
        super().__init__(f"{field}: {value!r} {rule}")
        self.field = field
        self.value = value
        self.rule = rule

    def __reduce__(self) -> tuple[type[InvalidIdentifier], tuple[str, str, str]]:
        # The default reduce passes only the message back to __init__, so unpickling would fail.
        return (type(self), (self.field, self.value, self.rule))


_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def normalize(value: str) -> str:
    """Fold full-width forms (NFKC), drop every whitespace character and upper-case ASCII."""
    # On the hot path of every stored record: C string methods, no per-character Python.
    # split() without a separator splits on exactly the characters isspace() names; only
    # ASCII is upper-cased, as str.upper() changes the length of some letters (ß -> SS).
    folded = value if value.isascii() else unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).translate(_ASCII_UPPER)


def _prepare(value: str, field: str) -> str:
    normalized = normalize(value)
    if not normalized:
        raise InvalidIdentifier(field, value, "is empty")
    return normalized


_USCC_RE = re.compile(r"[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")


def uscc(value: str, field: str = "uscc") -> str:
    """A 统一社会信用代码 (GB 32100-2015); returns the 18 normalised characters."""
    number = _prepare(value, field)
    if len(number) != 18:
        raise InvalidIdentifier(field, value, "must be 18 characters (GB 32100)")
    # GB 32100 lets the authority and entity-type characters (1-2) be letters, e.g. N for
    # agriculture; stdnum only takes digits there and this follows it.
    if not _USCC_RE.fullmatch(number):
        raise InvalidIdentifier(
            field, value, "must be 8 digits then 10 of 0-9 and A-Y except I, O, S, V, Z (GB 32100)"
        )
    expected = str(_uscc.calc_check_digit(number))
    if number[-1] != expected:
        raise InvalidIdentifier(
            field, value, f"check character is wrong, expected {expected!r} (GB 32100)"
        )
    return number


_RIC_RE = re.compile(r"[0-9]{17}[0-9X]")
# GB/T 2260 provinces (and Taiwan, Hong Kong, Macao): the first two digits of a division code.
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
     "65", "71", "81", "82"}
)  # fmt: skip


def resident_id(value: str, field: str = "idNumber") -> str:
    """A 居民身份证号码 (GB 11643-1999): province, check character and birth date.

    Returns the 18 normalised characters. The rules it names quote no part of the number, so
    they can be reported where the number itself may not be (it is personal data).
    """
    number = _prepare(value, field)
    if len(number) != 18:
        raise InvalidIdentifier(field, value, "must be 18 characters (GB 11643)")
    if not _RIC_RE.fullmatch(number):
        raise InvalidIdentifier(field, value, "must be 17 digits then a digit or X (GB 11643)")
    if number[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(
            field, value, "region (digits 1-6) is in no province of GB/T 2260 (GB 11643)"
        )
    expected = str(_ric.calc_check_digit(number))
    if number[-1] != expected:
        raise InvalidIdentifier(
            field, value, f"check character is wrong, expected {expected!r} (GB 11643)"
        )
    # Not ric.validate(): it also looks the county up in stdnum's place table, which rejects
    # genuine numbers whose county code was later re-assigned (440524188001010014, for one).
    try:
        _ric.get_birth_date(number)
    except ValidationError as exc:
        raise InvalidIdentifier(
            field, value, "birth date (digits 7-14) does not exist (GB 11643)"
        ) from exc
    return number


def party_id(value: str, field: str = "ownerId") -> str:
    """A company's credit code (GB 32100) or a person's ID number (GB 11643), whichever it is."""
    try:
        return uscc(value, field)
    except InvalidIdentifier as as_company:
        try:
            return resident_id(value, field)
        except InvalidIdentifier as as_person:
            raise InvalidIdentifier(
                field,
                value,
                f"is neither a credit code ({as_company.rule}) nor an ID number ({as_person.rule})",
            ) from None


# ISO 3779 transliteration: I, O and Q are not used, so letters do not map to 1-26.
_VIN_VALUES = {
    c: int(v)
    for c, v in zip(
        "0123456789ABCDEFGHJKLMNPRSTUVWXYZ", "012345678912345678123457923456789", strict=True
    )
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS_RULE = "may only hold digits and letters but I, O, Q (ISO 3779)"


def _vin_check(value: str, field: str) -> tuple[str, str]:
    """The normalised VIN and its computed check character; position 9 is not looked at."""
    number = _prepare(value, field)
    if len(number) != 17:
        raise InvalidIdentifier(field, value, "must be 17 characters (ISO 3779)")
    if any(c not in _VIN_VALUES for i, c in enumerate(number) if i != 8):
        raise InvalidIdentifier(field, value, _VIN_CHARS_RULE)
    total = sum(_VIN_VALUES.get(c, 0) * w for c, w in zip(number, _VIN_WEIGHTS, strict=True))
    return number, "X" if total % 11 == 10 else str(total % 11)


def vin_check_digit(value: str) -> str:
    """The check character (0-9 or X) of a 17-character VIN; position 9 itself is ignored."""
    return _vin_check(value, "vin")[1]


def vin(value: str, field: str = "vin") -> str:
    """A vehicle identification number (ISO 3779 / GB 16735) with its check digit at position 9."""
    number, expected = _vin_check(value, field)
    if number[8] not in _VIN_VALUES:
        raise InvalidIdentifier(field, value, _VIN_CHARS_RULE)
    # GB 16735 makes the check digit mandatory for every vehicle, unlike Europe.
    if number[8] != expected:
        raise InvalidIdentifier(
            field, value, f"check digit at position 9 is wrong, expected {expected!r} (ISO 3779)"
        )
    return number


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_P = "[A-HJ-NP-Z0-9]"
# Ordinary, trailer / coach car, small new-energy, large new-energy (GA 36-2018).
_PLATE_BODY_RE = re.compile(rf"{_P}{{5}}|{_P}{{4}}[挂学]|[DF]{_P}[0-9]{{4}}|[0-9]{{5}}[DF]")


def plate(value: str, field: str = "plate") -> str:
    """A Chinese civil motor-vehicle plate (GA 36-2018), e.g. 苏A12345; returns it normalised."""
    number = _prepare(value, field)
    if number[0] not in _PROVINCES:
        raise InvalidIdentifier(
            field, value, "must start with one of the 31 mainland province abbreviations (GA 36)"
        )
    if len(number) > 1 and not re.fullmatch("[A-HJ-NP-Z]", number[1]):
        raise InvalidIdentifier(
            field, value, "issuing-authority letter must be A-Z except I and O (GA 36)"
        )
    if not _PLATE_BODY_RE.fullmatch(number[2:]):
        raise InvalidIdentifier(
            field,
            value,
            "is not a Chinese plate: province abbreviation, a letter, "
            "then 5 characters (6 for new-energy plates) (GA 36)",
        )
    return number


def plate_province(value: str) -> str:
    """The province abbreviation a valid plate starts with (苏 for 苏A12345)."""
    return plate(value)[0]


def mmsi(value: str, field: str = "mmsi") -> str:
    """A ship station MMSI (ITU-R M.585): 9 digits, a MID in 201-775 first; returns the digits."""
    number = _prepare(value, field)
    if not re.fullmatch("[0-9]{9}", number):
        raise InvalidIdentifier(field, value, "must be 9 digits (ITU-R M.585)")
    if number[0] not in "234567":
        raise InvalidIdentifier(
            field, value, "must start with 2-7 for a ship station (ITU-R M.585)"
        )
    if not 201 <= int(number[:3]) <= 775:
        raise InvalidIdentifier(field, value, f"MID {number[:3]} is not in 201-775 (ITU-R M.585)")
    return number


def imo(value: str, field: str = "imo") -> str:
    """An IMO ship identification number, with or without the "IMO" prefix; returns 7 digits."""
    match = re.fullmatch("(?:IMO)?([0-9]{7})", _prepare(value, field))
    if match is None:
        raise InvalidIdentifier(field, value, "must be 7 digits, optionally after IMO (IMO A.1117)")
    number = match.group(1)
    expected = str(_imo.calc_check_digit(number[:6]))
    if number[6] != expected:
        raise InvalidIdentifier(
            field, value, f"check digit is wrong, expected {expected!r} (IMO A.1117)"
        )
    return number


def un_number(value: str, field: str = "unNumber") -> str:
    """A UN number of dangerous goods, with or without the "UN" prefix; returns 4 digits."""
    match = re.fullmatch("(?:UN)?([0-9]{4})", _prepare(value, field))
    if match is None:
        raise InvalidIdentifier(
            field, value, "must be 4 digits, optionally after UN (UN Model Regulations)"
        )
    number = match.group(1)
    if not 4 <= int(number) <= 3599:
        raise InvalidIdentifier(field, value, "must be in 0004-3599 (UN Model Regulations)")
    return number


CONTAINER_SHAPE = "[A-Z]{3}[UJZ][0-9]{7}"
"""ISO 6346 without its check digit's arithmetic: owner code, category, serial, check digit."""


def container_number(value: str, field: str = "containerNumber") -> str:
    """A freight container number (ISO 6346), e.g. CSQU3054383; returns 11 characters."""
    number = _prepare(value, field)
    # Checked before stdnum: its pattern lets any \w through as owner code, and its check
    # digit arithmetic then raises a bare ValueError on characters outside A-Z.
    if not re.fullmatch(CONTAINER_SHAPE, number):
        raise InvalidIdentifier(
            field, value, "must be a 3-letter owner code, U, J or Z, then 7 digits (ISO 6346)"
        )
    expected = str(_iso6346.calc_check_digit(number[:10]))
    if number[10] != expected:
        raise InvalidIdentifier(
            field, value, f"check digit is wrong, expected {expected!r} (ISO 6346)"
        )
    return number


def waybill_reference(value: str, field: str = "reference") -> str:
    """A 一单到底 waybill reference: 6-40 of A-Z, 0-9 and '-' once normalised (case folded)."""
    number = _prepare(value, field)
    if not re.fullmatch(REFERENCE, number):
        raise InvalidIdentifier(
            field, value, "must be 6-40 letters, digits or '-' (multimodal waybill standard)"
        )
    return number


def division_code(value: str, field: str = "region") -> str:
    """The shape of a GB/T 2260 division code: 6 digits in a province of it (320000 is fine)."""
    number = _prepare(value, field)
    if not re.fullmatch("[0-9]{6}", number):
        raise InvalidIdentifier(field, value, "must be 6 digits (GB/T 2260)")
    if number[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(field, value, f"province {number[:2]} is not in GB/T 2260")
    return number


def permit_number(value: str, field: str = "number") -> str:
    """A permit or road transport certificate number: 12 digits, a Jiangsu (32xxxx) code first."""
    number = _prepare(value, field)
    if not re.fullmatch("[0-9]{12}", number):
        raise InvalidIdentifier(field, value, "must be 12 digits (permit numbering rule)")
    if not number.startswith("32"):
        raise InvalidIdentifier(
            field, value, "must start with a Jiangsu division code 32xxxx (permit numbering rule)"
        )
    return number
