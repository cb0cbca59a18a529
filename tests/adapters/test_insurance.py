"""The insurers' platform (保险) adapter's own rules: its samples' records, the policies and
claims it simulates, what its export refuses (what every adapter does: test_every_adapter.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from adapters.insurance import adapter, simulator
from hub.canonical import identifiers
from hub.canonical.codes import InsuranceKind, PlateColor
from hub.canonical.records import InsuranceClaim, InsurancePolicy
from hub.exchange.protocol import Header
from hub.exchange.validation import parse
from tests.adapters.cases import valid_sample

HEADER = Header("insurance-insurance-policy-000001", "insurance", "2026-11-25T08:00:00+08:00")


def test_policy_sample_gives_its_records() -> None:
    # Given a vehicle's, an operator's and a policy naming both, when parsed, then each
    # carries exactly the insured it names.
    ctpl, carrier, dangerous_goods = valid_sample(adapter, "insurance-policy-fleet.xml")

    assert ctpl == InsurancePolicy(
        source_record_id="BD2026110100017",
        policy_number="RBDZA2026320500004718",
        kind=InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY,
        insurer="中国人民财产保险股份有限公司江苏省分公司",
        insured_uscc=None,
        plate="苏E5T271",
        plate_color=PlateColor.YELLOW,
        cover_yuan=200_000,
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2027, 2, 28),
    )
    assert isinstance(carrier, InsurancePolicy)
    assert (carrier.kind, carrier.insured_uscc, carrier.plate, carrier.plate_color) == (
        InsuranceKind.CARRIER_LIABILITY,
        "91320506134729585H",
        None,
        None,
    )
    assert carrier.cover_yuan == 10_000_000
    assert isinstance(dangerous_goods, InsurancePolicy)
    assert (dangerous_goods.kind, dangerous_goods.insured_uscc, dangerous_goods.plate) == (
        InsuranceKind.DANGEROUS_GOODS_LIABILITY,
        "91320113671208451N",
        "苏A9G736",
    )


def test_claim_sample_gives_its_records() -> None:
    records = valid_sample(adapter, "insurance-claim-settled-and-open.xml")

    assert records == (
        InsuranceClaim(
            source_record_id="LP2026112000041",
            claim_number="RBLP20260712000388",
            policy_number="RBDZA2026320500004718",
            occurred_on=dt.date(2026, 7, 12),
            amount_yuan=12_800,
            settled=True,
        ),
        InsuranceClaim(
            source_record_id="LP2026112000042",
            claim_number="ZJLP20261102000051",
            policy_number="ZJEWX2025320100000266",
            occurred_on=dt.date(2026, 11, 2),
            amount_yuan=386_000,
            settled=False,
        ),
    )


def test_simulated_claims_are_on_the_simulated_policies() -> None:
    documents = simulator.documents()
    policies = [
        record
        for data in documents["insurance-policy"]
        for record in adapter.documents["insurance-policy"].parse(parse(data).element)
    ]
    numbers = {p.policy_number for p in policies if isinstance(p, InsurancePolicy)}

    for data in documents["insurance-claim"]:
        for claim in adapter.documents["insurance-claim"].parse(parse(data).element):
            assert isinstance(claim, InsuranceClaim)
            assert claim.policy_number in numbers


def test_policies_cover_every_vehicle_and_operator_given() -> None:
    vehicles = [("苏A12345", "2"), ("苏E6K218", "2"), ("苏NF3306", "5")]
    operators = ["91320115725839145M", "91320506134729585H", "91320113671208451N"]
    dangerous = {"91320113671208451N"}

    policies = simulator.insurance_policies(vehicles, operators, dangerous_goods=dangerous)

    assert len(policies) == 6
    by_vehicle = {(p.plate, p.plate_color.value): p for p in policies if p.plate and p.plate_color}
    assert set(by_vehicle) == set(vehicles)
    assert {p.kind for p in by_vehicle.values()} == {InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY}
    assert {p.cover_yuan for p in by_vehicle.values()} == {200_000}
    by_operator = {p.insured_uscc: p for p in policies if p.insured_uscc}
    assert set(by_operator) == set(operators)
    for uscc, policy in by_operator.items():
        assert policy.plate is None
        assert policy.kind is (
            InsuranceKind.DANGEROUS_GOODS_LIABILITY
            if uscc in dangerous
            else InsuranceKind.CARRIER_LIABILITY
        )
    assert len({p.policy_number for p in policies}) == 6
    assert len({p.source_record_id for p in policies}) == 6


def test_policy_terms_are_a_year_and_some_have_lapsed() -> None:
    policies = simulator.insurance_policies(count=200, seed=2)

    today = simulator.REFERENCE_DAY
    for policy in policies:
        start = policy.valid_from
        assert start <= today
        if (start.month, start.day) != (2, 29):
            assert policy.valid_to == start.replace(year=start.year + 1) - dt.timedelta(days=1)
    lapsed = sum(p.valid_to < today for p in policies)
    assert 0 < lapsed < len(policies) // 4


def test_made_up_identifiers_are_valid_but_the_flawed() -> None:
    policies = simulator.insurance_policies(count=40, seed=9, flawed=2)

    codes = [p.insured_uscc for p in policies if p.insured_uscc]
    assert len(codes) == 10
    broken = [code for code in codes if not _valid_uscc(code)]
    assert len(broken) == 2
    for policy in policies:
        if policy.plate is not None:
            assert identifiers.plate(policy.plate)[0] == "苏"


def _valid_uscc(code: str) -> bool:
    try:
        identifiers.uscc(code)
    except identifiers.InvalidIdentifier:
        return False
    return True


def test_claims_fall_within_their_policy_and_its_limit() -> None:
    policies = simulator.insurance_policies(count=30, seed=4)
    by_number = {p.policy_number: p for p in policies}

    claims = simulator.insurance_claims(policies, count=60, seed=4)

    assert len(claims) == 60
    assert len({c.claim_number for c in claims}) == 60
    for claim in claims:
        policy = by_number[claim.policy_number]
        assert policy.valid_from <= claim.occurred_on <= policy.valid_to
        assert claim.occurred_on <= simulator.REFERENCE_DAY
        assert 0 <= claim.amount_yuan <= policy.cover_yuan
    assert {c.settled for c in claims} == {True, False}


def test_claims_need_a_policy_in_force() -> None:
    (policy,) = simulator.insurance_policies([("苏A12345", "2")], [])
    future = dataclasses.replace(policy, valid_from=dt.date(2027, 1, 1))

    with pytest.raises(ValueError, match="no policy began"):
        simulator.insurance_claims([future], count=1)
    assert simulator.insurance_claims([future], count=0) == []


def test_export_refuses_what_the_standard_cannot_carry() -> None:
    (policy,) = simulator.insurance_policies([("苏A12345", "2")], [])
    document = adapter.documents["insurance-policy"]

    with pytest.raises(ValueError, match="a plate needs its colour"):
        document.export([dataclasses.replace(policy, plate_color=None)], HEADER)
    nobody = dataclasses.replace(policy, plate=None, plate_color=None)
    with pytest.raises(ValueError, match="insures neither operator nor vehicle"):
        document.export([nobody], HEADER)
    with pytest.raises(TypeError, match="carries InsurancePolicy"):
        document.export([InsuranceClaim("C1", "C1", "P1", dt.date(2026, 1, 1), 1, True)], HEADER)
