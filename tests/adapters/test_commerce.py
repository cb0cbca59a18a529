"""The commerce registry adapter's own rules: its sample's records, how it writes capital and the
registrations it simulates (what every adapter does: test_every_adapter.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.commerce import adapter, simulator
from adapters.commerce.mapping import write_decimal
from hub.canonical import identifiers
from hub.canonical.codes import BusinessStatus
from hub.canonical.records import BusinessRegistration
from tests.adapters.cases import valid_sample


def test_business_registrations_carry_status_capital_and_authority() -> None:
    records = valid_sample(adapter, "business-registration-operators.xml")

    assert records[0] == BusinessRegistration(
        source_record_id="BR320583000123456",
        uscc="9132058313482761XY",
        name="昆山恒泰物流有限公司",
        status=BusinessStatus.ACTIVE,
        legal_representative="沈志强",
        registered_capital_wan_yuan=500.0,
        scope="道路货物运输（不含危险货物）；国内货物运输代理；"
        "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
        registered_on=dt.date(2012, 5, 8),
        authority="昆山市市场监督管理局",
    )
    statuses = [r.status for r in records if isinstance(r, BusinessRegistration)]
    assert statuses == [BusinessStatus.ACTIVE, BusinessStatus.DEREGISTERED, BusinessStatus.REVOKED]
    assert isinstance(records[2], BusinessRegistration)
    assert records[2].registered_capital_wan_yuan == 1200.5


@pytest.mark.parametrize(
    ("value", "text"),
    [(500.0, "500"), (1200.5, "1200.5"), (0.00001, "0.00001"), (123.4567891, "123.456789")],
)
def test_capital_is_written_as_a_decimal_without_exponent(value: float, text: str) -> None:
    assert write_decimal(value) == text


def test_simulated_registrations_are_mostly_active_with_one_flawed_credit_code() -> None:
    records = simulator.business_registrations(count=60, flawed=1)

    statuses = {r.status for r in records}
    assert {BusinessStatus.REVOKED, BusinessStatus.DEREGISTERED} <= statuses
    assert sum(r.status is BusinessStatus.ACTIVE for r in records) > 45
    bad = []
    for record in records:
        try:
            identifiers.uscc(record.uscc)
        except identifiers.InvalidIdentifier:
            bad.append(record.uscc)
    assert len(bad) == 1
    # The registering authority follows the division code inside the credit code.
    assert all(r.authority.endswith("市场监督管理局") for r in records)


def test_the_generator_describes_the_companies_it_is_given() -> None:
    companies = [
        ("9132058313482761XY", "昆山恒泰物流有限公司"),
        ("91320102688105328T", "南京宏远客运有限公司"),
    ]

    records = simulator.business_registrations(companies)

    assert [(r.uscc, r.name) for r in records] == companies
    assert [r.authority for r in records] == ["昆山市市场监督管理局", "南京市玄武区市场监督管理局"]
    assert records == simulator.business_registrations(companies)
