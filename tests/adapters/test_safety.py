"""The work-safety supervision (应急管理) adapter's own rules: its samples' records, the accidents
and inspections it simulates, what its export refuses (the rest: test_every_adapter.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from adapters.safety import adapter, pools, simulator
from hub.canonical import identifiers
from hub.canonical.codes import REGIONS, AccidentResponsibility, PlateColor
from hub.canonical.records import Accident, AccidentVehicle, SafetyInspection
from hub.exchange.protocol import Header
from tests.adapters.cases import valid_sample

CHINA = dt.timezone(dt.timedelta(hours=8))
# Jiangsu's extent, a little generously: 30.7-35.2 N, 116.3-121.9 E.
JIANGSU = ((30.6, 35.3), (116.2, 122.0))


def test_accident_sample_gives_its_records() -> None:
    records = valid_sample(adapter, "accident-rear-end-and-rollover.xml")

    assert records == (
        Accident(
            source_record_id="SG2026320113000187",
            occurred_at=dt.datetime(2026, 10, 14, 7, 42, tzinfo=CHINA),
            place="G42沪蓉高速K246+500（南京市栖霞区段）",
            region_code="320113",
            latitude=32.108452,
            longitude=118.936107,
            deaths=1,
            injuries=2,
            operator_uscc="91320115725839145M",
            summary="10月14日7时42分许，苏A7K352号重型厢式货车在G42沪蓉高速K246+500处与前方"
            "苏AD28611号新能源小型客车发生追尾碰撞，造成1人死亡、2人受伤。"
            "初步查明系货车驾驶人未保持安全车距所致。",
            vehicles=(
                AccidentVehicle("苏A7K352", PlateColor.YELLOW, AccidentResponsibility.MAIN),
                AccidentVehicle("苏AD28611", PlateColor.GREEN, AccidentResponsibility.SECONDARY),
            ),
        ),
        Accident(
            source_record_id="SG2026321322000064",
            occurred_at=dt.datetime(2026, 10, 13, 23, 15, tzinfo=CHINA),
            place="G205国道K876+200（宿迁市沭阳县段）",
            region_code="321322",
            latitude=None,
            longitude=None,
            deaths=0,
            injuries=1,
            operator_uscc=None,
            summary="10月13日23时15分许，苏N3H809号重型半挂牵引车行经G205国道沭阳段弯道时侧翻，"
            "造成驾驶人受伤。事故原因正在调查。",
            vehicles=(AccidentVehicle("苏N3H809", PlateColor.YELLOW, AccidentResponsibility.FULL),),
        ),
    )
    assert records[0].occurred_at.utcoffset() == dt.timedelta(hours=8)


def test_inspection_sample_gives_its_records() -> None:
    records = valid_sample(adapter, "safety-inspection-quarterly.xml")

    assert len(records) == 3
    assert records[0] == SafetyInspection(
        source_record_id="AQJC2026320115000318",
        operator_uscc="91320115725839145M",
        inspected_on=dt.date(2026, 9, 18),
        authority="南京市江宁区应急管理局",
        hazards_found=3,
        rectification_due=dt.date(2026, 10, 18),
        rectified=True,
        result="发现一般安全隐患3项（车辆灭火器过期失效、驾驶员安全教育培训记录不全等），责令限期整改。",
    )
    clean = records[1]
    assert isinstance(clean, SafetyInspection)
    assert (clean.hazards_found, clean.rectification_due, clean.rectified) == (0, None, True)


def test_a_wrong_check_character_is_kept_as_received() -> None:
    # Given a credit code of the right shape with a wrong check character, spaces around it,
    # when parsed, then it is normalised and kept: finding it is the pipeline's work.
    (record,) = valid_sample(adapter, "safety-inspection-wrong-check-character.xml")

    assert isinstance(record, SafetyInspection)
    assert record.operator_uscc == "91320115725839145N"
    assert record.rectified is False  # sent as xs:boolean 0
    with pytest.raises(identifiers.InvalidIdentifier, match="check character is wrong"):
        identifiers.uscc(record.operator_uscc)


def test_accidents_involve_the_vehicles_and_operators_given() -> None:
    vehicles = [("苏A12345", "2"), ("苏E6K218", "2"), ("苏NF3306", "5")]
    operators = ["91320115725839145M", "91320506134729585H"]

    accidents = simulator.accidents(vehicles, operators, count=40, seed=11)

    assert len(accidents) == 40
    assert len({a.source_record_id for a in accidents}) == 40
    for accident in accidents:
        first = accident.vehicles[0]
        assert (first.plate, first.plate_color.value) in vehicles
        assert accident.operator_uscc in (*operators, None)
        assert accident.region_code in REGIONS
        assert not accident.region_code.endswith("00"), "a county, not a city"
        assert accident.occurred_at.utcoffset() == dt.timedelta(hours=8)
        assert accident.occurred_at.date() < simulator.REFERENCE_DAY
        if accident.latitude is not None and accident.longitude is not None:
            assert JIANGSU[0][0] < accident.latitude < JIANGSU[0][1]
            assert JIANGSU[1][0] < accident.longitude < JIANGSU[1][1]
        plates = [v.plate for v in accident.vehicles]
        assert len(set(plates)) == len(plates), plates
        for vehicle in accident.vehicles:
            identifiers.plate(vehicle.plate)
    assert any(a.operator_uscc is None for a in accidents)
    assert {len(a.vehicles) for a in accidents} == {1, 2, 3}


def test_accidents_name_the_operator_of_the_first_vehicle_when_told() -> None:
    vehicles = [("苏A12345", "2"), ("苏B54321", "2")]
    operator_of = {vehicles[0]: "91320115725839145M"}

    accidents = simulator.accidents(vehicles, operator_of=operator_of, count=20)

    for accident in accidents:
        first = (accident.vehicles[0].plate, accident.vehicles[0].plate_color.value)
        assert accident.operator_uscc == operator_of.get(first)


def test_made_up_identifiers_are_valid() -> None:
    for accident in simulator.accidents(count=30):
        if accident.operator_uscc is not None:
            assert identifiers.uscc(accident.operator_uscc)
        for vehicle in accident.vehicles:
            assert identifiers.plate(vehicle.plate)[:2] in {f"苏{c}" for c in "ABCDEFGHJKLMN"}
    for inspection in simulator.safety_inspections(count=30):
        assert identifiers.uscc(inspection.operator_uscc)


def test_inspections_cover_every_operator_and_keep_their_rules() -> None:
    operators = ["91320115725839145M", "91320506134729585H", "91320311655204717B"]

    inspections = simulator.safety_inspections(operators, count=9, seed=5, flawed=1)

    assert len(inspections) == 9
    valid = [i.operator_uscc for i in inspections if i.operator_uscc in operators]
    assert set(valid) == set(operators)
    assert len(valid) == 8
    for inspection in inspections:
        assert inspection.inspected_on < simulator.REFERENCE_DAY
        if inspection.hazards_found == 0:
            assert (inspection.rectification_due, inspection.rectified) == (None, True)
        else:
            assert inspection.rectification_due is not None
            assert inspection.rectification_due > inspection.inspected_on
        assert inspection.authority.endswith(("应急管理局", "应急管理厅"))
        assert len(inspection.result) <= 200


def test_county_centres_cover_every_county_of_jiangsu() -> None:
    counties = {code for code in REGIONS if not code.endswith("00")}

    assert set(pools.COUNTY_CENTRES) == counties
    for latitude, longitude in pools.COUNTY_CENTRES.values():
        assert JIANGSU[0][0] < latitude < JIANGSU[0][1]
        assert JIANGSU[1][0] < longitude < JIANGSU[1][1]


def test_export_refuses_what_the_standard_cannot_carry() -> None:
    (accident,) = simulator.accidents(count=1)
    header = Header("safety-accident-000001", "safety", "2026-11-25T08:00:00+08:00")
    document = adapter.documents["accident"]

    half = dataclasses.replace(accident, latitude=32.1, longitude=None)
    with pytest.raises(ValueError, match="half a position"):
        document.export([half], header)
    alone = dataclasses.replace(accident, vehicles=())
    with pytest.raises(ValueError, match="no vehicle"):
        document.export([alone], header)
