"""Realistic values the public security simulator draws from: kinds of vehicle, people's names,
Jiangsu roads and expressways, violations and blacklist reasons.

Plain data, kept apart from the generator so that the generator reads as rules. The adapter
may not import the hub's demo pools (adapters import only ``hub.canonical`` and the exchange
protocol), hence its own smaller ones.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from hub.canonical.codes import PlateColor


class VehicleKind(NamedTuple):
    """A kind of registered vehicle: its GA 802 code, plate, makers and owner."""

    code: str
    weight: int
    plate_color: PlateColor
    makers: tuple[str, ...]  # world manufacturer identifiers (ISO 3780)
    company_owned: bool
    trade: str  # what an owning company calls itself: 物流, 客运 …


_BLUE, _YELLOW, _GREEN = PlateColor.BLUE, PlateColor.YELLOW, PlateColor.GREEN
# Private cars are most of any police register; the rest are the transport industry's.
VEHICLE_KINDS: Final[tuple[VehicleKind, ...]] = (
    VehicleKind("K33", 30, _BLUE, ("LSV", "LFV", "LGB", "LVH"), False, ""),
    VehicleKind("K33", 8, _GREEN, ("LGX", "LRW", "LB3"), False, ""),
    VehicleKind("K31", 6, _BLUE, ("LEF", "LVB"), True, "客运"),
    VehicleKind("K11", 8, _YELLOW, ("LZY", "LKL"), True, "客运"),
    VehicleKind("K21", 4, _YELLOW, ("LZY", "LKL"), True, "客运"),
    VehicleKind("H11", 10, _YELLOW, ("LZZ", "LFW", "LGA", "LZG"), True, "物流"),
    VehicleKind("H12", 8, _YELLOW, ("LZZ", "LFW", "LGA"), True, "物流"),
    VehicleKind("H14", 4, _YELLOW, ("LZZ", "LGA"), True, "危险品运输"),
    VehicleKind("H31", 8, _BLUE, ("LEF", "LVB"), True, "货运"),
    VehicleKind("Q11", 8, _YELLOW, ("LZZ", "LFW", "LZG"), True, "物流"),
    VehicleKind("B11", 6, _YELLOW, ("LA9",), True, "物流"),
)
TRAILER_CODES: Final[frozenset[str]] = frozenset({"B11", "B13"})

PLATE_LETTERS: Final[str] = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # never I or O
VIN_CHARS: Final[str] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # ISO 3779: never I, O or Q
MODEL_YEARS: Final[str] = "ABCDEFGHJKLMNPRSTVWXY123456789"  # VIN position 10, 2010 is A

SURNAMES: Final[str] = (
    "王王王李李张张刘陈陈杨黄赵吴周徐徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯曹蒋沈沈陆陆顾顾钱钱"
    "丁吕姚汪范金夏戴殷季缪"
)
MALE_GIVEN: Final[str] = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊峰建国志文海林东晨亮成"
FEMALE_GIVEN: Final[str] = "芳娜敏静丽艳娟霞燕玲婷雪慧红梅兰琳颖倩洁云萍莉晶佳欣怡"

TRADE_NAMES: Final[tuple[str, ...]] = (
    "通达", "顺畅", "安运", "恒泰", "宏远", "鑫盛", "华通", "汇丰", "畅捷", "远航",
    "昌隆", "嘉祥", "德信", "诚达", "金港", "天宇", "江海", "苏运", "永安", "长兴",
)  # fmt: skip

ROADS: Final[tuple[str, ...]] = (
    "中山路", "解放路", "人民路", "建设路", "长江路", "黄河路", "淮海路", "环城路",
    "新华路", "文化路", "工业大道", "开发大道", "滨江路", "迎宾大道", "青年路", "北京路",
)  # fmt: skip
EXPRESSWAYS: Final[tuple[str, ...]] = (
    "G2京沪高速", "G15沈海高速", "G25长深高速", "G30连霍高速", "G40沪陕高速", "G42沪蓉高速",
    "S38常合高速", "S35泰镇高速", "G1515盐靖高速", "S48沿江高速",
)  # fmt: skip


class Violation(NamedTuple):
    """A kind of traffic violation: code, description, fine and points (2022 scoring rules)."""

    code: str
    description: str
    fine_yuan: int
    points: int
    weight: int


VIOLATIONS: Final[tuple[Violation, ...]] = (
    Violation("1039", "机动车违反规定停放、临时停车，妨碍其他车辆、行人通行的", 150, 0, 20),
    Violation("1625", "驾驶机动车违反道路交通信号灯通行的", 200, 6, 12),
    Violation("1344", "驾驶机动车违反禁令标志指示的", 100, 3, 14),
    Violation("1352", "驾驶机动车在高速公路上超过规定时速20%以上未达到50%的", 200, 6, 8),
    Violation("1303", "驾驶机动车超过规定时速未达20%的", 100, 1, 16),
    Violation("1208", "机动车不在机动车道内行驶的", 100, 2, 6),
    Violation("6011", "驾驶时驾驶人未按规定使用安全带的", 50, 1, 10),
    Violation("1223", "驾驶机动车在驾驶时拨打接听手持电话的", 200, 3, 8),
    Violation("1240", "驾驶货车载物超过最大允许总质量未达30%的", 200, 1, 6),
)

BLACKLIST_REASONS: Final[tuple[str, ...]] = (
    "套牌嫌疑车辆",
    "多次交通违法逾期未处理",
    "逾期未检验",
    "达到报废标准未办理注销登记",
    "肇事逃逸嫌疑车辆",
    "涉嫌非法营运",
)
STOLEN_REASON: Final[str] = "被盗抢车辆"

LICENCE_CLASSES: Final[tuple[tuple[str, int], ...]] = (
    ("C1", 55), ("C2", 6), ("B2", 12), ("A2", 9), ("A1", 6), ("A3", 2), ("B1", 2),
    ("C1E", 4), ("A2D", 2), ("D", 2),
)  # fmt: skip
