"""Pools of realistic values the demo generator draws from.

Everything here is plain data: people's names, parts of company names, vehicle makers' world
manufacturer identifiers, where Jiangsu's cities and ports are, the make-up of the industry
(kinds of operator, their fleets and staff) and an excerpt of the dangerous goods list.
Coordinates are WGS-84 (never GCJ-02), rounded to what a map shows at city scale.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from hub.canonical.codes import BusinessCategory, PermitKind, QualificationKind, VehicleType


class City(NamedTuple):
    """A prefecture-level city: its central district, centre point and share of the industry."""

    central_county: str
    latitude: float
    longitude: float
    weight: int


# Weights follow the rough size of each city's transport industry (vehicles, operators), so
# Suzhou, Nanjing and Wuxi get the most rows and Zhenjiang and Suqian the fewest.
CITIES: Final[dict[str, City]] = {
    "320100": City("320102", 32.0603, 118.7969, 14),  # 南京, 玄武区
    "320200": City("320213", 31.5689, 120.2991, 11),  # 无锡, 梁溪区
    "320300": City("320302", 34.2618, 117.1848, 9),  # 徐州, 鼓楼区
    "320400": City("320402", 31.7813, 119.9470, 7),  # 常州, 天宁区
    "320500": City("320508", 31.3114, 120.6181, 18),  # 苏州, 姑苏区
    "320600": City("320613", 32.0146, 120.8646, 8),  # 南通, 崇川区
    "320700": City("320706", 34.5967, 119.2216, 5),  # 连云港, 海州区
    "320800": City("320812", 33.6104, 119.0153, 5),  # 淮安, 清江浦区
    "320900": City("320902", 33.3776, 120.1637, 6),  # 盐城, 亭湖区
    "321000": City("321002", 32.3942, 119.4129, 5),  # 扬州, 广陵区
    "321100": City("321102", 32.1879, 119.4250, 4),  # 镇江, 京口区
    "321200": City("321202", 32.4555, 119.9229, 5),  # 泰州, 海陵区
    "321300": City("321302", 33.9630, 118.2752, 4),  # 宿迁, 宿城区
}
"""The 13 prefecture-level cities of Jiangsu by division code."""


class Port(NamedTuple):
    """A port area on the Yangtze, the coast or the Grand Canal, with its county."""

    name: str
    county: str
    latitude: float
    longitude: float


PORTS: Final[tuple[Port, ...]] = (
    Port("南京港龙潭港区", "320113", 32.1550, 119.0420),
    Port("南京港新生圩港区", "320113", 32.1400, 118.8700),
    Port("镇江港大港港区", "321102", 32.2100, 119.6600),
    Port("扬州港仪征港区", "321081", 32.2600, 119.1900),
    Port("泰州港高港港区", "321203", 32.3000, 119.8600),
    Port("泰州港靖江港区", "321282", 31.9900, 120.2700),
    Port("常州港录安洲港区", "320411", 32.0300, 119.9200),
    Port("江阴港", "320281", 31.9300, 120.2800),
    Port("张家港港", "320582", 31.9700, 120.4200),
    Port("常熟港", "320581", 31.7700, 120.9600),
    Port("太仓港", "320585", 31.6200, 121.2200),
    Port("南通港狼山港区", "320613", 31.9600, 120.8800),
    Port("连云港港连云港区", "320703", 34.7400, 119.4400),
    Port("连云港港徐圩港区", "320703", 34.5800, 119.6000),
    Port("连云港港赣榆港区", "320707", 34.9800, 119.3000),
    Port("盐城港大丰港区", "320904", 33.2200, 120.7600),
)
"""Real port areas; their terminals are the demo's port stations."""

# Port of registry → the division whose maritime and transport authorities issue the papers.
PORTS_OF_REGISTRY: Final[dict[str, str]] = {
    "南京": "320100",
    "镇江": "321100",
    "南通": "320600",
    "张家港": "320582",
    "太仓": "320585",
    "连云港": "320700",
}
# One-character abbreviations used in Jiangsu vessel names (苏宁油8816: Nanjing, oil).
REGISTRY_ABBREVIATIONS: Final[dict[str, str]] = {
    "南京": "宁",
    "镇江": "镇",
    "南通": "通",
    "张家港": "张",
    "太仓": "太",
    "连云港": "连",
}
VESSEL_CARGO_WORDS: Final[tuple[str, ...]] = ("货", "货", "货", "油", "化", "集", "砂")

# Common surnames, the frequent ones repeated so that they are drawn more often; 陆, 顾, 钱
# and 沈 are more common in southern Jiangsu than nationally.
SURNAMES: Final[str] = (
    "王王王王李李李张张张刘刘陈陈陈杨杨黄赵吴吴周周徐徐徐孙孙马朱朱胡郭何高林罗郑梁谢"
    "宋唐许许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈沈姚卢姜崔钟谭陆陆汪范"
    "金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯史陶贺顾顾毛郝龚邵万钱钱严武戴孔汤殷季"
)
MALE_GIVEN: Final[str] = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊峰建国志文海林东晨亮成"
FEMALE_GIVEN: Final[str] = "芳娜敏静丽艳娟霞燕玲婷雪慧红梅兰琳颖倩洁云萍莉晶佳欣怡秀英凤"

# Company names: city, optional county, a two-character trade name, the trade and the form.
TRADE_NAME_FIRST: Final[str] = (
    "顺通安恒宏鑫华汇畅捷远昌盛隆泰兴丰永长新荣瑞嘉祥德信诚中凯金天宇江海苏金港"
)
TRADE_NAME_SECOND: Final[str] = "达通运顺泰盛兴昌隆丰源和祥瑞航程捷利鑫安发悦洋诚宇辉"
COMPANY_FORMS: Final[tuple[str, ...]] = ("有限公司", "有限公司", "有限公司", "股份有限公司")

# Street names found in most Jiangsu towns, for addresses.
ROADS: Final[tuple[str, ...]] = (
    "中山路", "解放路", "人民路", "建设路", "长江路", "黄河路", "淮海路", "环城路",
    "新华路", "文化路", "工业大道", "开发大道", "滨江路", "迎宾大道", "青年路", "北京路",
    "上海路", "东风路", "胜利路", "幸福路", "健康路", "通江路", "运河路", "沿江大道",
)  # fmt: skip
TOWNS: Final[tuple[str, ...]] = (
    "新集", "河口", "三河", "陈集", "白马", "东桥", "西湖", "高桥",
    "马庄", "龙岗", "王营", "青山", "花园", "双沟", "土桥", "官庄",
    "沙河", "石塘", "南渡", "杨集",
)  # fmt: skip


class Maker(NamedTuple):
    """A vehicle manufacturer by its world manufacturer identifier (ISO 3780)."""

    wmi: str
    name: str


BUS_MAKERS: Final[tuple[Maker, ...]] = (
    Maker("LZY", "郑州宇通客车"),
    Maker("LKL", "金龙客车"),
)
TRUCK_MAKERS: Final[tuple[Maker, ...]] = (
    Maker("LZZ", "中国重汽"),
    Maker("LFW", "一汽解放"),
    Maker("LGA", "东风商用车"),
    Maker("LGH", "东风汽车"),
    Maker("LZG", "陕西汽车"),
    Maker("LVB", "北汽福田"),
)
LIGHT_VEHICLE_MAKERS: Final[tuple[Maker, ...]] = (
    Maker("LEF", "江铃汽车"),
    Maker("LVB", "北汽福田"),
)
# A third character 9 marks a maker of fewer than 1000 vehicles a year (ISO 3780), as most
# semi-trailer makers are; positions 12-14 of their VINs then name the maker.
TRAILER_MAKERS: Final[tuple[Maker, ...]] = (Maker("LA9", "挂车制造企业（小批量）"),)


class DangerousGoodsEntry(NamedTuple):
    """One entry of the dangerous goods list (JT/T 617.3, the UN Model Regulations list)."""

    un_number: str
    name: str
    name_en: str
    hazard_class: str  # GB 6944 class or division code, as in dangerous_goods_class.csv
    packing_group: str | None  # gases, explosives and radioactive material have none


DANGEROUS_GOODS: Final[tuple[DangerousGoodsEntry, ...]] = (
    DangerousGoodsEntry("0081", "A型爆破用炸药", "Explosive, blasting, type A", "1", None),
    DangerousGoodsEntry("1001", "溶解乙炔", "Acetylene, dissolved", "2.1", None),
    DangerousGoodsEntry("1005", "无水氨", "Ammonia, anhydrous", "2.3", None),
    DangerousGoodsEntry("1011", "丁烷", "Butane", "2.1", None),
    DangerousGoodsEntry("1013", "二氧化碳", "Carbon dioxide", "2.2", None),
    DangerousGoodsEntry("1017", "氯", "Chlorine", "2.3", None),
    DangerousGoodsEntry("1040", "环氧乙烷", "Ethylene oxide", "2.3", None),
    DangerousGoodsEntry("1049", "压缩氢", "Hydrogen, compressed", "2.1", None),
    DangerousGoodsEntry("1050", "无水氯化氢", "Hydrogen chloride, anhydrous", "2.3", None),
    DangerousGoodsEntry("1066", "压缩氮", "Nitrogen, compressed", "2.2", None),
    DangerousGoodsEntry("1072", "压缩氧", "Oxygen, compressed", "2.2", None),
    DangerousGoodsEntry("1075", "液化石油气", "Petroleum gases, liquefied", "2.1", None),
    DangerousGoodsEntry("1077", "丙烯", "Propylene", "2.1", None),
    DangerousGoodsEntry("1079", "二氧化硫", "Sulphur dioxide", "2.3", None),
    DangerousGoodsEntry("1086", "稳定的氯乙烯", "Vinyl chloride, stabilized", "2.1", None),
    DangerousGoodsEntry("1090", "丙酮", "Acetone", "3", "II"),
    DangerousGoodsEntry("1093", "稳定的丙烯腈", "Acrylonitrile, stabilized", "3", "I"),
    DangerousGoodsEntry("1114", "苯", "Benzene", "3", "II"),
    DangerousGoodsEntry("1170", "乙醇", "Ethanol", "3", "II"),
    DangerousGoodsEntry("1173", "乙酸乙酯", "Ethyl acetate", "3", "II"),
    DangerousGoodsEntry("1202", "柴油", "Diesel fuel", "3", "III"),
    DangerousGoodsEntry("1203", "汽油", "Gasoline", "3", "II"),
    DangerousGoodsEntry("1219", "异丙醇", "Isopropanol", "3", "II"),
    DangerousGoodsEntry("1223", "煤油", "Kerosene", "3", "III"),
    DangerousGoodsEntry("1230", "甲醇", "Methanol", "3", "II"),
    DangerousGoodsEntry("1280", "环氧丙烷", "Propylene oxide", "3", "I"),
    DangerousGoodsEntry("1294", "甲苯", "Toluene", "3", "II"),
    DangerousGoodsEntry("1350", "硫", "Sulphur", "4.1", "III"),
    DangerousGoodsEntry("1381", "白磷", "Phosphorus, white", "4.2", "I"),
    DangerousGoodsEntry("1428", "钠", "Sodium", "4.3", "I"),
    DangerousGoodsEntry("1495", "氯酸钠", "Sodium chlorate", "5.1", "II"),
    DangerousGoodsEntry("1547", "苯胺", "Aniline", "6.1", "II"),
    DangerousGoodsEntry("1593", "二氯甲烷", "Dichloromethane", "6.1", "III"),
    DangerousGoodsEntry("1689", "氰化钠", "Sodium cyanide, solid", "6.1", "I"),
    DangerousGoodsEntry("1789", "盐酸", "Hydrochloric acid", "8", "II"),
    DangerousGoodsEntry("1823", "固态氢氧化钠", "Sodium hydroxide, solid", "8", "II"),
    DangerousGoodsEntry("1824", "氢氧化钠溶液", "Sodium hydroxide solution", "8", "II"),
    DangerousGoodsEntry("1830", "硫酸", "Sulphuric acid", "8", "II"),
    DangerousGoodsEntry("1942", "硝酸铵", "Ammonium nitrate", "5.1", "III"),
    DangerousGoodsEntry("1971", "压缩天然气", "Natural gas, compressed", "2.1", None),
    DangerousGoodsEntry("1972", "冷冻液态天然气", "Natural gas, refrigerated liquid", "2.1", None),
    DangerousGoodsEntry("1978", "丙烷", "Propane", "2.1", None),
    DangerousGoodsEntry(
        "2014", "过氧化氢水溶液", "Hydrogen peroxide, aqueous solution", "5.1", "II"
    ),
    DangerousGoodsEntry("2789", "冰醋酸", "Acetic acid, glacial", "8", "II"),
    DangerousGoodsEntry(
        "2814", "感染性物质，对人感染", "Infectious substance, affecting humans", "6.2", None
    ),
    DangerousGoodsEntry(
        "2912",
        "低比活度放射性物质（LSA-I），非裂变或例外易裂变",
        "Radioactive material, low specific activity (LSA-I), non fissile or fissile-excepted",
        "7",
        None,
    ),
    DangerousGoodsEntry(
        "3077",
        "对环境有害的固态物质，未另作规定的",
        "Environmentally hazardous substance, solid, n.o.s.",
        "9",
        "III",
    ),
    DangerousGoodsEntry(
        "3082",
        "对环境有害的液态物质，未另作规定的",
        "Environmentally hazardous substance, liquid, n.o.s.",
        "9",
        "III",
    ),
)
"""An excerpt of the dangerous goods list: real UN numbers, names, classes, packing groups."""

# Words that say what a company does, by the kind of operator the generator makes.
TRADE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "passenger": ("汽车运输", "客运", "旅游客运", "公路客运"),
    "freight": ("运输", "物流", "货运", "供应链"),
    "dangerous": ("危险品运输", "化工物流", "危险货物运输"),
    "waterway": ("航运", "船务", "水运"),
    "ferry": ("轮渡", "水上客运"),
    "port": ("港务", "港口", "码头"),
    "training": ("驾驶培训", "机动车驾驶员培训", "驾校"),
    "repair": ("汽车维修", "汽车服务", "机动车维修"),
}
# Mobile number blocks of the three carriers (China Mobile, Unicom, Telecom).
PHONE_PREFIXES: Final[tuple[str, ...]] = tuple(
    str(block) for block in (*range(130, 140), 147, *range(150, 160), 166, 173, 176, 177,
                             *range(180, 190), 198, 199) if block != 154
)  # fmt: skip


class OperatorKind(NamedTuple):
    """A kind of operator: its share of all operators and the business categories it holds."""

    name: str
    share: float
    categories: tuple[BusinessCategory, ...]
    extra: BusinessCategory | None  # a category some of them hold besides
    extra_share: float


_B = BusinessCategory
OPERATOR_KINDS: Final[tuple[OperatorKind, ...]] = (
    OperatorKind("passenger", 0.12, (_B.ROAD_PASSENGER_TRANSPORT,),
                 _B.PASSENGER_STATION_OPERATION, 0.3),
    OperatorKind("freight", 0.50, (_B.ROAD_GENERAL_FREIGHT_TRANSPORT,),
                 _B.FREIGHT_STATION_OPERATION, 0.1),
    OperatorKind("dangerous", 0.10, (_B.ROAD_DANGEROUS_GOODS_TRANSPORT,),
                 _B.ROAD_GENERAL_FREIGHT_TRANSPORT, 0.5),
    OperatorKind("waterway", 0.07, (_B.WATERWAY_FREIGHT_TRANSPORT,), None, 0.0),
    OperatorKind("ferry", 0.01, (_B.WATERWAY_PASSENGER_TRANSPORT,),
                 _B.WATERWAY_FREIGHT_TRANSPORT, 0.3),
    OperatorKind("port", 0.02, (_B.PORT_OPERATION, _B.WATERWAY_FREIGHT_TRANSPORT), None, 0.0),
    OperatorKind("training", 0.06, (_B.DRIVER_TRAINING,), None, 0.0),
    OperatorKind("repair", 0.12, (_B.MOTOR_VEHICLE_REPAIR,), None, 0.0),
)  # fmt: skip
"""Kinds of operator; general freight (the second) takes up the rounding of the shares."""

PERMIT_SCOPES: Final[dict[PermitKind, str]] = {
    PermitKind.PASSENGER_LINE: "县际班车客运、市际班车客运、省际班车客运。",
    PermitKind.CHARTER: "县际包车客运、市际包车客运、省际包车客运。",
    PermitKind.GENERAL_FREIGHT: "道路普通货物运输、货物专用运输（集装箱、冷藏保鲜设备）。",
    PermitKind.DANGEROUS_GOODS: "经营性道路危险货物运输（2类1项、3类、8类，剧毒化学品除外）。",
    PermitKind.DRIVING_TRAINING: "普通机动车驾驶员培训（大型货车、小型汽车）。",
    PermitKind.REPAIR: "一类机动车维修（大中型客车维修、大中型货车维修）。",
    PermitKind.WATERWAY_PASSENGER: "长江江苏段及省内内河旅客运输、汽车渡船运输。",
    PermitKind.WATERWAY_FREIGHT: "国内沿海及长江中下游普通货船、成品油船运输。",
}

_V = VehicleType
FLEETS: Final[dict[str, tuple[tuple[VehicleType, ...], tuple[int, ...]]]] = {
    "passenger": ((_V.LARGE_BUS, _V.LARGE_SLEEPER_BUS, _V.MEDIUM_BUS, _V.SMALL_BUS),
                  (40, 2, 26, 32)),
    "freight": ((_V.HEAVY_TRUCK, _V.HEAVY_VAN_TRUCK, _V.MEDIUM_TRUCK, _V.LIGHT_TRUCK,
                 _V.HEAVY_SEMI_TRAILER_TRACTOR, _V.HEAVY_SEMI_TRAILER), (20, 15, 10, 20, 20, 15)),
    "dangerous": ((_V.HEAVY_TANK_TRUCK, _V.HEAVY_SEMI_TRAILER_TRACTOR, _V.HEAVY_TANK_SEMI_TRAILER),
                  (35, 30, 35)),
}  # fmt: skip
"""Vehicle types an operator kind runs, with their weights (sleeper buses are being retired)."""

SEATS: Final[dict[VehicleType, tuple[int, ...]]] = {
    _V.LARGE_BUS: (39, 41, 45, 47, 49, 51, 53, 55),
    _V.LARGE_SLEEPER_BUS: (36, 40),
    _V.MEDIUM_BUS: (19, 21, 23, 24, 29, 31, 33),
    _V.SMALL_BUS: (5, 7, 9),
}
# Rated load in tonnes; a tractor has none of its own.
TONNAGE: Final[dict[VehicleType, tuple[float, float]]] = {
    _V.HEAVY_TRUCK: (15.0, 25.0),
    _V.HEAVY_VAN_TRUCK: (10.0, 18.0),
    _V.HEAVY_TANK_TRUCK: (10.0, 20.0),
    _V.MEDIUM_TRUCK: (4.5, 8.0),
    _V.LIGHT_TRUCK: (0.9, 1.8),
    _V.HEAVY_SEMI_TRAILER: (28.0, 34.0),
    _V.HEAVY_TANK_SEMI_TRAILER: (26.0, 33.0),
}
MAKERS: Final[dict[VehicleType, tuple[Maker, ...]]] = {
    **dict.fromkeys((_V.LARGE_BUS, _V.LARGE_SLEEPER_BUS, _V.MEDIUM_BUS), BUS_MAKERS),
    **dict.fromkeys((_V.SMALL_BUS, _V.LIGHT_TRUCK), LIGHT_VEHICLE_MAKERS),
    **dict.fromkeys((_V.HEAVY_TRUCK, _V.HEAVY_VAN_TRUCK, _V.HEAVY_TANK_TRUCK, _V.MEDIUM_TRUCK,
                     _V.HEAVY_SEMI_TRAILER_TRACTOR), TRUCK_MAKERS),
    **dict.fromkeys((_V.HEAVY_SEMI_TRAILER, _V.HEAVY_TANK_SEMI_TRAILER), TRAILER_MAKERS),
}  # fmt: skip

_Q = QualificationKind
_Choice = tuple[tuple[tuple[QualificationKind, ...], ...], tuple[int, ...]]
QUALIFICATIONS: Final[dict[str, _Choice]] = {
    "passenger": (((_Q.ROAD_PASSENGER_DRIVER,), (_Q.ROAD_PASSENGER_DRIVER, _Q.ROAD_FREIGHT_DRIVER)),
                  (75, 25)),
    "freight": (((_Q.ROAD_FREIGHT_DRIVER,), (_Q.ROAD_FREIGHT_DRIVER, _Q.ROAD_PASSENGER_DRIVER)),
                (85, 15)),
    "dangerous": (((_Q.DANGEROUS_GOODS_DRIVER,),
                   (_Q.DANGEROUS_GOODS_DRIVER, _Q.ROAD_FREIGHT_DRIVER),
                   (_Q.DANGEROUS_GOODS_ESCORT,), (_Q.DANGEROUS_GOODS_LOADING_SUPERVISOR,)),
                  (50, 25, 17, 8)),
    "training": (((_Q.DRIVING_INSTRUCTOR,), (_Q.DRIVING_INSTRUCTOR, _Q.ROAD_FREIGHT_DRIVER)),
                 (60, 40)),
    "": (((_Q.TAXI_DRIVER,), (_Q.ROAD_FREIGHT_DRIVER,), (_Q.ROAD_PASSENGER_DRIVER,),
          (_Q.TAXI_DRIVER, _Q.ROAD_PASSENGER_DRIVER)), (45, 30, 15, 10)),
}  # fmt: skip
"""Qualifications held by the staff of an operator kind ("": people without an employer)."""

PASSENGER_STATION_WORDS: Final[tuple[str, ...]] = (
    "汽车客运站", "汽车客运南站", "汽车客运北站", "汽车客运东站", "汽车客运西站"
)  # fmt: skip
FREIGHT_STATION_WORDS: Final[tuple[str, ...]] = ("物流园", "公路港", "货运站", "物流中心")
