"""Tests for hub.canonical.identifiers: real identifiers pass, corrupted ones are refused."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from stdnum import imo as imo_module
from stdnum import iso6346
from stdnum.cn import uscc as uscc_module

from hub.canonical import identifiers
from hub.canonical.identifiers import InvalidIdentifier

DIGITS = "0123456789"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Published codes (the python-stdnum USCC issue #207, taken from creditchina.gov.cn and
# company sites); the last is constructed: the check character computed for the brief's
# 91320000134780437D, whose own check character is wrong.
USCCS = ["91110000600037341L", "91320214745555318W", "913205056082348768", "9144030071526726XG"]
USCCS += ["91310115MA1K3BTP2B", "91320000134780437R"]
# GB 11643's own example, a widely cited Guangdong example, and a constructed Nanjing one.
RESIDENT_IDS = ["11010519491231002X", "440524188001010014", "320102199003071239"]
# The ISO 3779 example, three widely published sample VINs, and a constructed SAIC-VW one
# (LSVAU2180N2183294 with its wrong check digit corrected).
VINS = ["1M8GDM9AXKP042788", "1HGCM82633A004352", "5GZCZ43D13S812715", "JH4KA7561PC008269"]
VINS += ["LSVAU218XN2183294"]
IMOS = ["9074729", "8814275", "9321483"]  # the last is Emma Maersk
CONTAINERS = ["CSQU3054383", "MSKU9070323"]
PLATES = ["苏A12345", "苏EA8B37", "苏C1234挂", "苏A1234学", "苏AD12345", "苏AF12345", "苏A12345D"]
PLATES += ["苏ADA1234", "京N8P8F8", "琼A12345F"]


@pytest.mark.parametrize(
    ("validator", "raw", "expected"),
    [
        *[(identifiers.uscc, v, v) for v in USCCS],
        (identifiers.uscc, " ９１１１ ００００ ６０００ ３７３４ １ｌ ", "91110000600037341L"),
        *[(identifiers.resident_id, v, v) for v in RESIDENT_IDS],
        (identifiers.resident_id, "110105 19491231 002x", "11010519491231002X"),
        (identifiers.resident_id, "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        *[(identifiers.vin, v, v) for v in VINS],
        (identifiers.vin, "1m8gdm9axkp042788\n", "1M8GDM9AXKP042788"),
        *[(identifiers.imo, v, v) for v in IMOS],
        (identifiers.imo, "IMO 9074729", "9074729"),
        (identifiers.imo, "imo９０７４７２９", "9074729"),
        (identifiers.mmsi, "412345678", "412345678"),
        (identifiers.mmsi, "413000000", "413000000"),
        (identifiers.mmsi, "201000000", "201000000"),
        (identifiers.mmsi, "775999999", "775999999"),
        (identifiers.mmsi, "413\u3000000\u3000000", "413000000"),
        *[(identifiers.container_number, v, v) for v in CONTAINERS],
        (identifiers.container_number, "csqu 305438 3", "CSQU3054383"),
        (identifiers.un_number, "1203", "1203"),
        (identifiers.un_number, "UN1203", "1203"),
        (identifiers.un_number, "un 1203", "1203"),
        (identifiers.un_number, "ＵＮ０００４", "0004"),
        (identifiers.un_number, "3599", "3599"),
        (identifiers.division_code, "320000", "320000"),
        (identifiers.division_code, "320102", "320102"),
        (identifiers.division_code, "110000", "110000"),
        (identifiers.division_code, "820000", "820000"),
        (identifiers.permit_number, "320100000123", "320100000123"),
        (identifiers.permit_number, " ３２０５００ １２３４５６ ", "320500123456"),
        *[(identifiers.plate, v, v) for v in PLATES],
        (identifiers.plate, " 苏ａ１２３４５ ", "苏A12345"),
        (identifiers.plate, "苏a12345", "苏A12345"),
        (identifiers.plate, "苏 c 1234 挂", "苏C1234挂"),
    ],
)
def test_valid_identifiers_are_returned_normalized(
    validator: Callable[..., str], raw: str, expected: str
) -> None:
    assert validator(raw) == expected


@pytest.mark.parametrize(
    ("validator", "raw", "rule"),
    [
        (identifiers.uscc, "9111000060003734", "must be 18 characters (GB 32100)"),
        (identifiers.uscc, "9111000060003734IL", "must be 8 digits then 10"),
        (
            identifiers.uscc,
            "91110000600037341M",
            "check character is wrong, expected 'L' (GB 32100)",
        ),
        (identifiers.uscc, "ÄÖÜ1000060003734ßL", "must be 8 digits then 10"),
        (identifiers.resident_id, "110105194912310", "must be 18 characters (GB 11643)"),
        (identifiers.resident_id, "1101051949123100X2", "must be 17 digits then a digit or X"),
        (identifiers.resident_id, "110105194912310021", "check character is wrong, expected 'X'"),
        (identifiers.resident_id, "320102199102311234", "birth date (digits 7-14) does not exist"),
        # The agency documents' cases: a bad check character, a 13th month, no such province.
        (identifiers.resident_id, "36042619910102009X", "check character is wrong"),
        (identifiers.resident_id, "360426199113010079", "birth date (digits 7-14) does not exist"),
        (identifiers.resident_id, "990426199112010074", "region (digits 1-6) is in no province"),
        (identifiers.party_id, "990426199112010074", "is neither a credit code"),
        (identifiers.vin, "1M8GDM9AXKP04278", "must be 17 characters (ISO 3779)"),
        (identifiers.vin, "1M8GDM9AXKP04278O", "but I, O, Q (ISO 3779)"),
        (identifiers.vin, "IM8GDM9AXKP042788", "but I, O, Q (ISO 3779)"),
        (identifiers.vin, "LSVAU2180N2183294", "position 9 is wrong, expected 'X' (ISO 3779)"),
        (identifiers.vin, "1M8GDM9A*KP042788", "but I, O, Q (ISO 3779)"),
        (identifiers.imo, "907472", "must be 7 digits, optionally after IMO"),
        (identifiers.imo, "IMO 9074728", "check digit is wrong, expected '9'"),
        (identifiers.mmsi, "41234567", "must be 9 digits"),
        (identifiers.mmsi, "41234567A", "must be 9 digits"),
        (identifiers.mmsi, "812345678", "must start with 2-7"),
        (identifiers.mmsi, "002345678", "must start with 2-7"),
        (identifiers.mmsi, "200123456", "MID 200 is not in 201-775"),
        (identifiers.mmsi, "776000000", "MID 776 is not in 201-775"),
        (identifiers.container_number, "CSQU305438", "3-letter owner code, U, J or Z"),
        (identifiers.container_number, "CSQX3054383", "3-letter owner code, U, J or Z"),
        (identifiers.container_number, "苏SQU3054383", "3-letter owner code, U, J or Z"),
        (identifiers.container_number, "C_QU3054383", "3-letter owner code, U, J or Z"),
        (identifiers.container_number, "CSQU3054384", "check digit is wrong, expected '3'"),
        (identifiers.un_number, "UN120", "must be 4 digits, optionally after UN"),
        (identifiers.un_number, "UX1203", "must be 4 digits, optionally after UN"),
        (identifiers.un_number, "0003", "must be in 0004-3599"),
        (identifiers.un_number, "3600", "must be in 0004-3599"),
        (identifiers.division_code, "32010", "must be 6 digits (GB/T 2260)"),
        (identifiers.division_code, "100000", "province 10 is not in GB/T 2260"),
        (identifiers.division_code, "830000", "province 83 is not in GB/T 2260"),
        (identifiers.permit_number, "32010000012", "must be 12 digits"),
        (identifiers.permit_number, "310100000123", "Jiangsu division code 32xxxx"),
        (identifiers.plate, "苏I12345", "issuing-authority letter must be A-Z except I and O"),
        (identifiers.plate, "苏O12345", "issuing-authority letter must be A-Z except I and O"),
        (identifiers.plate, "苏A1234", "is not a Chinese plate"),
        (identifiers.plate, "苏A123456", "is not a Chinese plate"),
        (identifiers.plate, "苏AD1B234", "is not a Chinese plate"),
        (identifiers.plate, "苏A12O45", "is not a Chinese plate"),
        (identifiers.plate, "苏A12345挂", "is not a Chinese plate"),
        (identifiers.plate, "苏A1234DF", "is not a Chinese plate"),
        (identifiers.plate, "苏", "is not a Chinese plate"),
        (identifiers.plate, "XX12345", "31 mainland province abbreviations"),
        (identifiers.plate, "台A12345", "31 mainland province abbreviations"),
        (identifiers.plate, "A12345", "31 mainland province abbreviations"),
    ],
)
def test_invalid_identifiers_name_field_and_rule(
    validator: Callable[..., str], raw: str, rule: str
) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validator(raw, field="x.y")
    assert caught.value.field == "x.y"
    assert caught.value.value == raw
    assert rule in caught.value.rule
    assert str(caught.value) == f"x.y: {raw!r} {caught.value.rule}"


VALIDATORS = [
    (identifiers.uscc, "uscc"),
    (identifiers.resident_id, "idNumber"),
    (identifiers.vin, "vin"),
    (identifiers.plate, "plate"),
    (identifiers.mmsi, "mmsi"),
    (identifiers.imo, "imo"),
    (identifiers.un_number, "unNumber"),
    (identifiers.container_number, "containerNumber"),
    (identifiers.division_code, "region"),
    (identifiers.permit_number, "number"),
]


@pytest.mark.parametrize(("validator", "field"), VALIDATORS)
@pytest.mark.parametrize("raw", ["", "   ", "\u3000\t\n"])
def test_empty_input_is_refused_under_the_default_field(
    validator: Callable[..., str], field: str, raw: str
) -> None:
    with pytest.raises(InvalidIdentifier, match=rf"^{field}: .* is empty$") as caught:
        validator(raw)
    assert (caught.value.field, caught.value.rule) == (field, "is empty")


def test_invalid_identifier_is_a_value_error_that_survives_pickling() -> None:
    exc = InvalidIdentifier("uscc", "91110000600037341M", "check character is wrong (expected 'L')")
    assert isinstance(exc, ValueError)
    assert str(exc) == "uscc: '91110000600037341M' check character is wrong (expected 'L')"
    copy = pickle.loads(pickle.dumps(exc))
    assert (copy.field, copy.value, copy.rule, str(copy)) == (
        exc.field,
        exc.value,
        exc.rule,
        str(exc),
    )


def test_normalize_folds_width_drops_whitespace_and_upper_cases_ascii() -> None:
    assert identifiers.normalize(" 苏ａ\u3000１２３４５\t") == "苏A12345"
    assert identifiers.normalize("straße") == "STRAßE"


def test_plate_province_and_vin_check_digit() -> None:
    assert [identifiers.plate_province(p) for p in ("苏A12345", "京N8P8F8", " 沪ａ1234学")] == list(
        "苏京沪"
    )
    assert identifiers.vin_check_digit("1M8GDM9A0KP042788") == "X"
    assert identifiers.vin_check_digit("1m8gdm9a?kp042788") == "X"  # position 9 is ignored
    for bad in ("1M8GDM9AXKP04278", "1M8GDM9AXKP04278Q"):
        with pytest.raises(InvalidIdentifier, match="ISO 3779"):
            identifiers.vin_check_digit(bad)


STDNUM_CASES = (
    [
        (identifiers.uscc, uscc_module, value, range(18), USCC_ALPHABET + "IOSVZ-a ")
        for value in USCCS
    ]
    + [
        (identifiers.container_number, iso6346, value, range(11), DIGITS + "AUJZQ9-a ")
        for value in CONTAINERS
    ]
    + [(identifiers.imo, imo_module, value, range(7), DIGITS + "A- ") for value in IMOS]
)


@pytest.mark.parametrize(("rule", "standard", "value", "positions", "alphabet"), STDNUM_CASES)
def test_check_digit_rules_agree_with_stdnum_validate(
    rule: Callable[..., str], standard: Any, value: str, positions: range, alphabet: str
) -> None:
    # The rules compute a check digit with stdnum and check length and format themselves,
    # instead of running stdnum's validate after them. On every single substitution of a
    # valid number (and the number cut, lengthened, spaced): what a rule takes stdnum takes,
    # and what it refuses for its check digit stdnum refuses. (A rule may be stricter on
    # format: ISO 6346 owner codes are letters, where stdnum lets any word character by.)
    variants = [mutant for _, _, mutant in mutations(value, positions, alphabet)]
    variants += [value, value[:-1], value + "0", f" {value.lower()} "]
    verdicts = {variant: refusal(rule, variant) for variant in variants}
    taken_only_by_the_rule = [
        variant
        for variant, refused in verdicts.items()
        if refused is None and not standard.is_valid(variant.strip())
    ]
    checked_only_by_the_rule = [
        variant
        for variant, refused in verdicts.items()
        if refused is not None and "check" in refused.rule and standard.is_valid(variant.strip())
    ]
    assert taken_only_by_the_rule == checked_only_by_the_rule == []
    assert verdicts[value] is None
    assert sum("check" in (refused.rule if refused else "") for refused in verdicts.values()) > 5


def mutations(value: str, positions: range, alphabet: str) -> Iterator[tuple[int, str, str]]:
    """Every single-character substitution at `positions`: (position, new char, mutant)."""
    for i in positions:
        for c in alphabet:
            if c != value[i]:
                yield i, c, value[:i] + c + value[i + 1 :]


def refusal(validator: Callable[..., str], value: str) -> InvalidIdentifier | None:
    try:
        validator(value, field="mutant")
    except InvalidIdentifier as exc:
        return exc
    return None


def assert_all_refused(
    validator: Callable[..., str], mutants: Iterator[tuple[int, str, str]]
) -> None:
    refusals = {mutant: refusal(validator, mutant) for _, _, mutant in mutants}
    assert refusals
    assert [mutant for mutant, exc in refusals.items() if exc is None] == []
    assert all(exc and (exc.field, exc.value) == ("mutant", m) for m, exc in refusals.items())


@pytest.mark.parametrize("value", USCCS)
def test_uscc_any_single_substitution_fails(value: str) -> None:
    # MOD 31-3: 31 is prime and no weight is 0, so every substitution changes the check.
    assert_all_refused(identifiers.uscc, mutations(value, range(18), USCC_ALPHABET))


@pytest.mark.parametrize("value", RESIDENT_IDS)
def test_resident_id_any_single_substitution_fails(value: str) -> None:
    assert_all_refused(identifiers.resident_id, mutations(value, range(17), DIGITS))
    assert_all_refused(identifiers.resident_id, mutations(value, range(17, 18), DIGITS + "X"))


@pytest.mark.parametrize("value", VINS)
def test_vin_digit_substitutions_fail(value: str) -> None:
    # Letters share transliteration values (A and J are both 1), so only digits are swapped;
    # every weight but position 9's is non-zero modulo the prime 11.
    assert_all_refused(identifiers.vin, mutations(value, range(8, 9), DIGITS + "X"))
    for i in (i for i, c in enumerate(value) if c.isdigit() and i != 8):
        assert_all_refused(identifiers.vin, mutations(value, range(i, i + 1), DIGITS))


@pytest.mark.parametrize("value", CONTAINERS)
def test_container_digit_substitutions_fail(value: str) -> None:
    # Letter values differ by 11 in places (A=10, K=21), and a check digit of 0 also stands
    # for remainder 10, so only digits are swapped, in numbers whose check digit is not 0.
    assert value[10] != "0"
    assert_all_refused(identifiers.container_number, mutations(value, range(4, 11), DIGITS))


@pytest.mark.parametrize("value", IMOS)
def test_imo_substitutions_fail_exactly_when_the_scheme_can_see_them(value: str) -> None:
    # Weights 7..2 modulo 10 miss a change of 5 at even weights and an even change at weight
    # 5 (9074729 -> 9094729 stays valid); every other substitution must be refused.
    assert_all_refused(identifiers.imo, mutations(value, range(6, 7), DIGITS))
    for i, c, mutant in mutations(value, range(6), DIGITS):
        if (7 - i) * (int(c) - int(value[i])) % 10 == 0:
            assert identifiers.imo(mutant) == mutant
        else:
            with pytest.raises(InvalidIdentifier, match="check digit is wrong"):
                identifiers.imo(mutant)
