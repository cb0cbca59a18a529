"""Code lists of the hub, generated from ``standards/codes`` by ``hub codes generate``.

Do not edit: change the CSV files and generate again.
"""

from enum import Enum
from typing import Final

Label = tuple[str, str]
"""A code's labels: (Chinese, English)."""


class PlateColor(Enum):
    """车牌颜色 / Plate colour."""

    BLUE = "1"
    YELLOW = "2"
    BLACK = "3"
    WHITE = "4"
    GREEN = "5"
    YELLOW_GREEN = "6"
    OTHER = "9"


class OperatorStatus(Enum):
    """业户经营状态 / Operator status."""

    ACTIVE = "10"
    SUSPENDED = "20"
    CLOSED = "30"
    CANCELLED = "40"
    REVOKED = "50"


class BusinessCategory(Enum):
    """经营范围类别 / Business category."""

    ROAD_PASSENGER_TRANSPORT = "RP"
    ROAD_GENERAL_FREIGHT_TRANSPORT = "RF"
    ROAD_DANGEROUS_GOODS_TRANSPORT = "RD"
    PASSENGER_STATION_OPERATION = "PS"
    FREIGHT_STATION_OPERATION = "FS"
    DRIVER_TRAINING = "DT"
    MOTOR_VEHICLE_REPAIR = "MR"
    WATERWAY_PASSENGER_TRANSPORT = "WP"
    WATERWAY_FREIGHT_TRANSPORT = "WF"
    PORT_OPERATION = "PT"


class PermitKind(Enum):
    """经营许可类别 / Operating permit kind."""

    PASSENGER_LINE = "11"
    CHARTER = "12"
    GENERAL_FREIGHT = "21"
    DANGEROUS_GOODS = "22"
    DRIVING_TRAINING = "31"
    REPAIR = "32"
    WATERWAY_PASSENGER = "41"
    WATERWAY_FREIGHT = "42"


class LicenceStatus(Enum):
    """证照状态 / Licence status."""

    VALID = "10"
    SUSPENDED = "20"
    CANCELLED = "30"
    REVOKED = "40"


class VehicleType(Enum):
    """车辆类型 / Vehicle type."""

    LARGE_BUS = "K11"
    LARGE_SLEEPER_BUS = "K13"
    MEDIUM_BUS = "K21"
    SMALL_BUS = "K31"
    HEAVY_TRUCK = "H11"
    HEAVY_VAN_TRUCK = "H12"
    HEAVY_TANK_TRUCK = "H14"
    MEDIUM_TRUCK = "H21"
    LIGHT_TRUCK = "H31"
    HEAVY_SEMI_TRAILER_TRACTOR = "Q11"
    HEAVY_SEMI_TRAILER = "B11"
    HEAVY_TANK_SEMI_TRAILER = "B13"


class VesselCertificateKind(Enum):
    """船舶证书类别 / Vessel certificate kind."""

    CERTIFICATE_OF_NATIONALITY = "NAT"
    INSPECTION_CERTIFICATE = "INS"
    OPERATING_CERTIFICATE = "OPR"
    MINIMUM_SAFE_MANNING_CERTIFICATE = "MSM"


class QualificationKind(Enum):
    """从业资格类别 / Qualification kind."""

    ROAD_PASSENGER_DRIVER = "01"
    ROAD_FREIGHT_DRIVER = "02"
    DANGEROUS_GOODS_DRIVER = "03"
    DANGEROUS_GOODS_ESCORT = "04"
    DANGEROUS_GOODS_LOADING_SUPERVISOR = "05"
    DRIVING_INSTRUCTOR = "06"
    TAXI_DRIVER = "07"


class StationKind(Enum):
    """场站类别 / Station kind."""

    PASSENGER_STATION = "P"
    FREIGHT_STATION = "F"
    PORT_TERMINAL = "T"


class StationLevel(Enum):
    """客运站级别 / Passenger station level."""

    LEVEL_ONE = "1"
    LEVEL_TWO = "2"
    LEVEL_THREE = "3"
    LEVEL_FOUR = "4"
    LEVEL_FIVE = "5"


class DangerousGoodsClass(Enum):
    """危险货物类别项别 / Dangerous goods class or division."""

    EXPLOSIVES = "1"
    FLAMMABLE_GASES = "2.1"
    NON_FLAMMABLE_NON_TOXIC_GASES = "2.2"
    TOXIC_GASES = "2.3"
    FLAMMABLE_LIQUIDS = "3"
    FLAMMABLE_SOLIDS = "4.1"
    SUBSTANCES_LIABLE_TO_SPONTANEOUS_COMBUSTION = "4.2"
    SUBSTANCES_WHICH_EMIT_FLAMMABLE_GASES_IN_CONTACT_WITH_WATER = "4.3"
    OXIDIZING_SUBSTANCES = "5.1"
    ORGANIC_PEROXIDES = "5.2"
    TOXIC_SUBSTANCES = "6.1"
    INFECTIOUS_SUBSTANCES = "6.2"
    RADIOACTIVE_MATERIAL = "7"
    CORROSIVE_SUBSTANCES = "8"
    MISCELLANEOUS_DANGEROUS_SUBSTANCES_AND_ARTICLES = "9"


class PackingGroup(Enum):
    """包装类别 / Packing group."""

    PACKING_GROUP_I = "I"
    PACKING_GROUP_II = "II"
    PACKING_GROUP_III = "III"


class RegistrationStatus(Enum):
    """机动车登记状态 / Motor vehicle registration status."""

    NORMAL = "A"
    TRANSFERRED_OUT = "B"
    STOLEN = "C"
    CANCELLED = "E"
    SEIZED = "K"
    SCRAPPED = "M"


class DrivingLicenceStatus(Enum):
    """驾驶证状态 / Driving licence status."""

    VALID = "A"
    POINTS_EXCEEDED = "B"
    SUSPENDED = "D"
    REVOKED = "E"
    CANCELLED = "G"


class AccidentResponsibility(Enum):
    """事故责任 / Accident responsibility."""

    FULL = "1"
    MAIN = "2"
    EQUAL = "3"
    SECONDARY = "4"
    NONE = "5"


class BusinessStatus(Enum):
    """市场主体登记状态 / Business registration status."""

    ACTIVE = "1"
    REVOKED = "2"
    DEREGISTERED = "3"


class InsuranceKind(Enum):
    """保险险种 / Insurance kind."""

    COMPULSORY_TRAFFIC_LIABILITY = "CTPL"
    CARRIER_LIABILITY = "CARRIER"
    DANGEROUS_GOODS_LIABILITY = "DG"


class ContainerEventKind(Enum):
    """集装箱事件类型 / Container event kind."""

    LOADED = "LOAD"
    DEPARTED = "DEPA"
    ARRIVED = "ARRI"
    UNLOADED = "DISC"


class PortCallKind(Enum):
    """船舶进出港类型 / Port call kind."""

    ARRIVAL = "ARR"
    DEPARTURE = "DEP"


class ListingKind(Enum):
    """航运交易挂牌类型 / Shipping exchange listing kind."""

    CARGO_OFFER = "CARGO"
    VESSEL_OFFER = "VESSEL"


class TransportMode(Enum):
    """运输方式 / Transport mode."""

    ROAD = "ROAD"
    RAIL = "RAIL"
    INLAND_WATER = "INLAND_WATER"
    SEA = "SEA"
    AIR = "AIR"
    MAIL = "MAIL"
    FIXED_TRANSPORT_INSTALLATION = "FIXED"
    NOT_KNOWN = "NOT_KNOWN"

    @classmethod
    def _missing_(cls, value: object) -> Enum | None:
        # A standard's other codes for an entry: read as it, stored as its own.
        aliases = {
            "3": cls.ROAD,
            "2": cls.RAIL,
            "8": cls.INLAND_WATER,
            "1": cls.SEA,
            "4": cls.AIR,
            "5": cls.MAIL,
            "7": cls.FIXED_TRANSPORT_INSTALLATION,
            "9": cls.NOT_KNOWN,
        }
        return aliases.get(value) if isinstance(value, str) else None


class ConsignmentEventKind(Enum):
    """多式联运状态事件类型 / Consignment event kind."""

    GATE_IN = "GTIN"
    GATE_OUT = "GTOT"
    LOAD = "LOAD"
    DEPART = "DEPA"
    ARRIVE = "ARRI"
    DISCHARGE = "DISC"
    HANDOVER = "HAND"
    DELIVERED = "DLVD"
    EXCEPTION = "EXCP"


class ConsignmentStatus(Enum):
    """运单状态 / Consignment status."""

    BOOKED = "BOOKED"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    CLOSED = "CLOSED"


class AlertKind(Enum):
    """告警类型 / Alert kind."""

    OVER_SPEED = "OVER_SPEED"
    FATIGUE = "FATIGUE"
    NIGHT_BAN = "NIGHT_BAN"
    OFF_ROUTE = "OFF_ROUTE"
    CHARTER_OUT_OF_AREA = "CHARTER_OUT_OF_AREA"
    TRAINING_CAR_OUT_OF_AREA = "TRAINING_CAR_OUT_OF_AREA"
    OUT_OF_PROVINCE_ENTRY = "OUT_OF_PROVINCE_ENTRY"
    TERMINAL_OFFLINE = "TERMINAL_OFFLINE"
    POSITION_DRIFT = "POSITION_DRIFT"
    BLACKLISTED = "BLACKLISTED"
    ANNUAL_REVIEW_OVERDUE = "ANNUAL_REVIEW_OVERDUE"
    MAINTENANCE_OVERDUE = "MAINTENANCE_OVERDUE"
    VIOLATION_UNHANDLED = "VIOLATION_UNHANDLED"


class AlertStatus(Enum):
    """告警状态 / Alert status."""

    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    CLOSED = "CLOSED"


class InspectionKind(Enum):
    """企业安全检查类别 / Inspection kind."""

    ROUTINE = "R"
    RANDOM_DRAW = "D"
    FOLLOW_UP = "F"


class InspectionItemResult(Enum):
    """检查项目结果 / Inspection item result."""

    PASS = "P"
    FAIL = "F"
    NOT_APPLICABLE = "N"


class InspectionResult(Enum):
    """检查结论 / Inspection result."""

    PASSED = "P"
    HAZARDS_FOUND = "H"


class CreditSubjectKind(Enum):
    """信用主体类别 / Credit subject kind."""

    OPERATOR = "OPERATOR"
    PRACTITIONER = "PRACTITIONER"


class CreditEventKind(Enum):
    """信用事件类别 / Credit event kind."""

    TRAFFIC_VIOLATION = "TRAFFIC_VIOLATION"
    ACCIDENT_FULL = "ACCIDENT_FULL"
    ACCIDENT_MAIN = "ACCIDENT_MAIN"
    ACCIDENT_EQUAL = "ACCIDENT_EQUAL"
    ACCIDENT_SECONDARY = "ACCIDENT_SECONDARY"
    PENALTY = "PENALTY"
    COMPLAINT_SUBSTANTIATED = "COMPLAINT_SUBSTANTIATED"
    COMMENDATION = "COMMENDATION"
    INSPECTION_FAILED = "INSPECTION_FAILED"


class ComplaintStatus(Enum):
    """投诉办理状态 / Complaint handling status."""

    ACCEPTED = "ACCEPTED"
    ASSIGNED = "ASSIGNED"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


class CreditListKind(Enum):
    """信用名单类别 / Credit list kind."""

    WATCH = "WATCH"
    BLACK = "BLACK"


class ObjectionStatus(Enum):
    """信用异议状态 / Credit objection status."""

    PENDING = "PENDING"
    UPHELD = "UPHELD"
    REJECTED = "REJECTED"


REGIONS: Final[dict[str, Label]] = {
    "320000": ("江苏省", "Jiangsu Province"),
    "320100": ("南京市", "Nanjing"),
    "320102": ("玄武区", "Xuanwu District"),
    "320104": ("秦淮区", "Qinhuai District"),
    "320105": ("建邺区", "Jianye District"),
    "320106": ("鼓楼区", "Gulou District"),
    "320111": ("浦口区", "Pukou District"),
    "320113": ("栖霞区", "Qixia District"),
    "320114": ("雨花台区", "Yuhuatai District"),
    "320115": ("江宁区", "Jiangning District"),
    "320116": ("六合区", "Luhe District"),
    "320117": ("溧水区", "Lishui District"),
    "320118": ("高淳区", "Gaochun District"),
    "320200": ("无锡市", "Wuxi"),
    "320205": ("锡山区", "Xishan District"),
    "320206": ("惠山区", "Huishan District"),
    "320211": ("滨湖区", "Binhu District"),
    "320213": ("梁溪区", "Liangxi District"),
    "320214": ("新吴区", "Xinwu District"),
    "320281": ("江阴市", "Jiangyin"),
    "320282": ("宜兴市", "Yixing"),
    "320300": ("徐州市", "Xuzhou"),
    "320302": ("鼓楼区", "Gulou District"),
    "320303": ("云龙区", "Yunlong District"),
    "320305": ("贾汪区", "Jiawang District"),
    "320311": ("泉山区", "Quanshan District"),
    "320312": ("铜山区", "Tongshan District"),
    "320321": ("丰县", "Feng County"),
    "320322": ("沛县", "Pei County"),
    "320324": ("睢宁县", "Suining County"),
    "320381": ("新沂市", "Xinyi"),
    "320382": ("邳州市", "Pizhou"),
    "320400": ("常州市", "Changzhou"),
    "320402": ("天宁区", "Tianning District"),
    "320404": ("钟楼区", "Zhonglou District"),
    "320411": ("新北区", "Xinbei District"),
    "320412": ("武进区", "Wujin District"),
    "320413": ("金坛区", "Jintan District"),
    "320481": ("溧阳市", "Liyang"),
    "320500": ("苏州市", "Suzhou"),
    "320505": ("虎丘区", "Huqiu District"),
    "320506": ("吴中区", "Wuzhong District"),
    "320507": ("相城区", "Xiangcheng District"),
    "320508": ("姑苏区", "Gusu District"),
    "320509": ("吴江区", "Wujiang District"),
    "320581": ("常熟市", "Changshu"),
    "320582": ("张家港市", "Zhangjiagang"),
    "320583": ("昆山市", "Kunshan"),
    "320585": ("太仓市", "Taicang"),
    "320600": ("南通市", "Nantong"),
    "320612": ("通州区", "Tongzhou District"),
    "320613": ("崇川区", "Chongchuan District"),
    "320614": ("海门区", "Haimen District"),
    "320623": ("如东县", "Rudong County"),
    "320681": ("启东市", "Qidong"),
    "320682": ("如皋市", "Rugao"),
    "320685": ("海安市", "Hai'an"),
    "320700": ("连云港市", "Lianyungang"),
    "320703": ("连云区", "Lianyun District"),
    "320706": ("海州区", "Haizhou District"),
    "320707": ("赣榆区", "Ganyu District"),
    "320722": ("东海县", "Donghai County"),
    "320723": ("灌云县", "Guanyun County"),
    "320724": ("灌南县", "Guannan County"),
    "320800": ("淮安市", "Huai'an"),
    "320803": ("淮安区", "Huai'an District"),
    "320804": ("淮阴区", "Huaiyin District"),
    "320812": ("清江浦区", "Qingjiangpu District"),
    "320813": ("洪泽区", "Hongze District"),
    "320826": ("涟水县", "Lianshui County"),
    "320830": ("盱眙县", "Xuyi County"),
    "320831": ("金湖县", "Jinhu County"),
    "320900": ("盐城市", "Yancheng"),
    "320902": ("亭湖区", "Tinghu District"),
    "320903": ("盐都区", "Yandu District"),
    "320904": ("大丰区", "Dafeng District"),
    "320921": ("响水县", "Xiangshui County"),
    "320922": ("滨海县", "Binhai County"),
    "320923": ("阜宁县", "Funing County"),
    "320924": ("射阳县", "Sheyang County"),
    "320925": ("建湖县", "Jianhu County"),
    "320981": ("东台市", "Dongtai"),
    "321000": ("扬州市", "Yangzhou"),
    "321002": ("广陵区", "Guangling District"),
    "321003": ("邗江区", "Hanjiang District"),
    "321012": ("江都区", "Jiangdu District"),
    "321023": ("宝应县", "Baoying County"),
    "321081": ("仪征市", "Yizheng"),
    "321084": ("高邮市", "Gaoyou"),
    "321100": ("镇江市", "Zhenjiang"),
    "321102": ("京口区", "Jingkou District"),
    "321111": ("润州区", "Runzhou District"),
    "321112": ("丹徒区", "Dantu District"),
    "321181": ("丹阳市", "Danyang"),
    "321182": ("扬中市", "Yangzhong"),
    "321183": ("句容市", "Jurong"),
    "321200": ("泰州市", "Taizhou"),
    "321202": ("海陵区", "Hailing District"),
    "321203": ("高港区", "Gaogang District"),
    "321204": ("姜堰区", "Jiangyan District"),
    "321281": ("兴化市", "Xinghua"),
    "321282": ("靖江市", "Jingjiang"),
    "321283": ("泰兴市", "Taixing"),
    "321300": ("宿迁市", "Suqian"),
    "321302": ("宿城区", "Sucheng District"),
    "321311": ("宿豫区", "Suyu District"),
    "321322": ("沭阳县", "Shuyang County"),
    "321323": ("泗阳县", "Siyang County"),
    "321324": ("泗洪县", "Sihong County"),
}
"""江苏省行政区划 / Administrative divisions of Jiangsu: code → labels."""


PLATE_PREFIXES: Final[dict[str, Label]] = {
    "苏A": ("南京市", "Nanjing"),
    "苏B": ("无锡市", "Wuxi"),
    "苏C": ("徐州市", "Xuzhou"),
    "苏D": ("常州市", "Changzhou"),
    "苏E": ("苏州市", "Suzhou"),
    "苏F": ("南通市", "Nantong"),
    "苏G": ("连云港市", "Lianyungang"),
    "苏H": ("淮安市", "Huai'an"),
    "苏J": ("盐城市", "Yancheng"),
    "苏K": ("扬州市", "Yangzhou"),
    "苏L": ("镇江市", "Zhenjiang"),
    "苏M": ("泰州市", "Taizhou"),
    "苏N": ("宿迁市", "Suqian"),
}
"""号牌发牌机关代号 / Plate issuing authority prefix: code → labels."""


PURPOSES_OF_USE: Final[dict[str, Label]] = {
    "LAW_ENFORCEMENT": ("执法检查", "Law enforcement inspection"),
    "ADMINISTRATIVE_LICENSING": ("行政许可", "Administrative licensing"),
    "ACCIDENT_INVESTIGATION": ("事故调查", "Accident investigation"),
    "CREDIT_EVALUATION": ("信用评价", "Credit evaluation"),
    "COMPLAINT_HANDLING": ("投诉处理", "Complaint handling"),
    "EMERGENCY_RESPONSE": ("应急处置", "Emergency response"),
    "SAFETY_SUPERVISION": ("安全监管", "Safety supervision"),
    "OVERSIGHT_AUDIT": ("监督审计", "Oversight audit"),
    "SYSTEM_TESTING": ("系统联调测试（非生产数据）", "System testing (no production data)"),
}
"""个人信息使用目的 / Purpose of use of personal data: code → labels."""


INSPECTION_ITEMS: Final[dict[str, Label]] = {
    "SI01": ("安全生产责任制建立和落实", "Safety responsibility system set up and applied"),
    "SI02": ("安全生产管理机构和专职安全管理人员配备", "Safety management body and full-time safety staff"),
    "SI03": ("安全生产费用提取和使用", "Safety funds set aside and spent"),
    "SI04": ("从业人员安全教育培训", "Safety training of staff"),
    "SI05": ("驾驶员从业资格和聘用管理", "Drivers' qualifications and hiring"),
    "SI06": ("车辆技术管理和二级维护", "Vehicle technical management and secondary maintenance"),
    "SI07": ("卫星定位动态监控", "Satellite positioning and dynamic monitoring"),
    "SI08": ("危险货物运输装卸和押运管理", "Dangerous goods loading and escort management"),
    "SI09": ("安全隐患排查治理", "Hazard identification and correction"),
    "SI10": ("应急预案和演练", "Emergency plans and drills"),
    "SI11": ("事故报告和处理", "Accident reporting and handling"),
    "SI12": ("场站消防和安全设施", "Fire safety and safety equipment of premises"),
}
"""企业安全检查项目 / Enterprise safety inspection items: code → labels."""


LABELS: Final[dict[Enum, Label]] = {
    PlateColor.BLUE: ("蓝色", "Blue"),
    PlateColor.YELLOW: ("黄色", "Yellow"),
    PlateColor.BLACK: ("黑色", "Black"),
    PlateColor.WHITE: ("白色", "White"),
    PlateColor.GREEN: ("绿色", "Green"),
    PlateColor.YELLOW_GREEN: ("黄绿色", "Yellow green"),
    PlateColor.OTHER: ("其他", "Other"),
    OperatorStatus.ACTIVE: ("营业", "Active"),
    OperatorStatus.SUSPENDED: ("停业", "Suspended"),
    OperatorStatus.CLOSED: ("歇业", "Closed"),
    OperatorStatus.CANCELLED: ("注销", "Cancelled"),
    OperatorStatus.REVOKED: ("吊销", "Revoked"),
    BusinessCategory.ROAD_PASSENGER_TRANSPORT: ("道路旅客运输", "Road passenger transport"),
    BusinessCategory.ROAD_GENERAL_FREIGHT_TRANSPORT: ("道路普通货物运输", "Road general freight transport"),
    BusinessCategory.ROAD_DANGEROUS_GOODS_TRANSPORT: ("道路危险货物运输", "Road dangerous goods transport"),
    BusinessCategory.PASSENGER_STATION_OPERATION: ("道路旅客运输站经营", "Passenger station operation"),
    BusinessCategory.FREIGHT_STATION_OPERATION: ("道路货物运输站（场）经营", "Freight station operation"),
    BusinessCategory.DRIVER_TRAINING: ("机动车驾驶员培训", "Driver training"),
    BusinessCategory.MOTOR_VEHICLE_REPAIR: ("机动车维修", "Motor vehicle repair"),
    BusinessCategory.WATERWAY_PASSENGER_TRANSPORT: ("水路旅客运输", "Waterway passenger transport"),
    BusinessCategory.WATERWAY_FREIGHT_TRANSPORT: ("水路货物运输", "Waterway freight transport"),
    BusinessCategory.PORT_OPERATION: ("港口经营", "Port operation"),
    PermitKind.PASSENGER_LINE: ("班车客运", "Passenger line"),
    PermitKind.CHARTER: ("包车客运", "Charter"),
    PermitKind.GENERAL_FREIGHT: ("道路普通货物运输", "General freight"),
    PermitKind.DANGEROUS_GOODS: ("道路危险货物运输", "Dangerous goods"),
    PermitKind.DRIVING_TRAINING: ("机动车驾驶员培训", "Driving training"),
    PermitKind.REPAIR: ("机动车维修", "Repair"),
    PermitKind.WATERWAY_PASSENGER: ("水路旅客运输", "Waterway passenger"),
    PermitKind.WATERWAY_FREIGHT: ("水路货物运输", "Waterway freight"),
    LicenceStatus.VALID: ("有效", "Valid"),
    LicenceStatus.SUSPENDED: ("暂扣", "Suspended"),
    LicenceStatus.CANCELLED: ("注销", "Cancelled"),
    LicenceStatus.REVOKED: ("吊销", "Revoked"),
    VehicleType.LARGE_BUS: ("大型普通客车", "Large bus"),
    VehicleType.LARGE_SLEEPER_BUS: ("大型卧铺客车", "Large sleeper bus"),
    VehicleType.MEDIUM_BUS: ("中型普通客车", "Medium bus"),
    VehicleType.SMALL_BUS: ("小型普通客车", "Small bus"),
    VehicleType.HEAVY_TRUCK: ("重型普通货车", "Heavy truck"),
    VehicleType.HEAVY_VAN_TRUCK: ("重型厢式货车", "Heavy van truck"),
    VehicleType.HEAVY_TANK_TRUCK: ("重型罐式货车", "Heavy tank truck"),
    VehicleType.MEDIUM_TRUCK: ("中型普通货车", "Medium truck"),
    VehicleType.LIGHT_TRUCK: ("轻型普通货车", "Light truck"),
    VehicleType.HEAVY_SEMI_TRAILER_TRACTOR: ("重型半挂牵引车", "Heavy semi-trailer tractor"),
    VehicleType.HEAVY_SEMI_TRAILER: ("重型普通半挂车", "Heavy semi-trailer"),
    VehicleType.HEAVY_TANK_SEMI_TRAILER: ("重型罐式半挂车", "Heavy tank semi-trailer"),
    VesselCertificateKind.CERTIFICATE_OF_NATIONALITY: ("船舶国籍证书", "Certificate of nationality"),
    VesselCertificateKind.INSPECTION_CERTIFICATE: ("船舶检验证书", "Inspection certificate"),
    VesselCertificateKind.OPERATING_CERTIFICATE: ("船舶营业运输证", "Operating certificate"),
    VesselCertificateKind.MINIMUM_SAFE_MANNING_CERTIFICATE: ("最低安全配员证书", "Minimum safe manning certificate"),
    QualificationKind.ROAD_PASSENGER_DRIVER: ("道路旅客运输驾驶员", "Road passenger driver"),
    QualificationKind.ROAD_FREIGHT_DRIVER: ("道路货物运输驾驶员", "Road freight driver"),
    QualificationKind.DANGEROUS_GOODS_DRIVER: ("道路危险货物运输驾驶员", "Dangerous goods driver"),
    QualificationKind.DANGEROUS_GOODS_ESCORT: ("道路危险货物运输押运人员", "Dangerous goods escort"),
    QualificationKind.DANGEROUS_GOODS_LOADING_SUPERVISOR: ("道路危险货物运输装卸管理人员", "Dangerous goods loading supervisor"),
    QualificationKind.DRIVING_INSTRUCTOR: ("机动车驾驶培训教练员", "Driving instructor"),
    QualificationKind.TAXI_DRIVER: ("出租汽车驾驶员", "Taxi driver"),
    StationKind.PASSENGER_STATION: ("汽车客运站", "Passenger station"),
    StationKind.FREIGHT_STATION: ("道路货运站（场）", "Freight station"),
    StationKind.PORT_TERMINAL: ("港口码头", "Port terminal"),
    StationLevel.LEVEL_ONE: ("一级站", "Level one"),
    StationLevel.LEVEL_TWO: ("二级站", "Level two"),
    StationLevel.LEVEL_THREE: ("三级站", "Level three"),
    StationLevel.LEVEL_FOUR: ("四级站", "Level four"),
    StationLevel.LEVEL_FIVE: ("五级站", "Level five"),
    DangerousGoodsClass.EXPLOSIVES: ("爆炸品", "Explosives"),
    DangerousGoodsClass.FLAMMABLE_GASES: ("易燃气体", "Flammable gases"),
    DangerousGoodsClass.NON_FLAMMABLE_NON_TOXIC_GASES: ("非易燃无毒气体", "Non-flammable non-toxic gases"),
    DangerousGoodsClass.TOXIC_GASES: ("毒性气体", "Toxic gases"),
    DangerousGoodsClass.FLAMMABLE_LIQUIDS: ("易燃液体", "Flammable liquids"),
    DangerousGoodsClass.FLAMMABLE_SOLIDS: ("易燃固体", "Flammable solids"),
    DangerousGoodsClass.SUBSTANCES_LIABLE_TO_SPONTANEOUS_COMBUSTION: ("易于自燃的物质", "Substances liable to spontaneous combustion"),
    DangerousGoodsClass.SUBSTANCES_WHICH_EMIT_FLAMMABLE_GASES_IN_CONTACT_WITH_WATER: ("遇水放出易燃气体的物质", "Substances which emit flammable gases in contact with water"),
    DangerousGoodsClass.OXIDIZING_SUBSTANCES: ("氧化性物质", "Oxidizing substances"),
    DangerousGoodsClass.ORGANIC_PEROXIDES: ("有机过氧化物", "Organic peroxides"),
    DangerousGoodsClass.TOXIC_SUBSTANCES: ("毒性物质", "Toxic substances"),
    DangerousGoodsClass.INFECTIOUS_SUBSTANCES: ("感染性物质", "Infectious substances"),
    DangerousGoodsClass.RADIOACTIVE_MATERIAL: ("放射性物质", "Radioactive material"),
    DangerousGoodsClass.CORROSIVE_SUBSTANCES: ("腐蚀性物质", "Corrosive substances"),
    DangerousGoodsClass.MISCELLANEOUS_DANGEROUS_SUBSTANCES_AND_ARTICLES: ("杂项危险物质和物品", "Miscellaneous dangerous substances and articles"),
    PackingGroup.PACKING_GROUP_I: ("包装类别 I（高度危险）", "Packing group I"),
    PackingGroup.PACKING_GROUP_II: ("包装类别 II（中度危险）", "Packing group II"),
    PackingGroup.PACKING_GROUP_III: ("包装类别 III（轻度危险）", "Packing group III"),
    RegistrationStatus.NORMAL: ("正常", "Normal"),
    RegistrationStatus.TRANSFERRED_OUT: ("转出", "Transferred out"),
    RegistrationStatus.STOLEN: ("被盗抢", "Stolen"),
    RegistrationStatus.CANCELLED: ("注销", "Cancelled"),
    RegistrationStatus.SEIZED: ("查封", "Seized"),
    RegistrationStatus.SCRAPPED: ("强制注销（报废）", "Scrapped"),
    DrivingLicenceStatus.VALID: ("正常", "Valid"),
    DrivingLicenceStatus.POINTS_EXCEEDED: ("超分", "Points exceeded"),
    DrivingLicenceStatus.SUSPENDED: ("暂扣", "Suspended"),
    DrivingLicenceStatus.REVOKED: ("吊销", "Revoked"),
    DrivingLicenceStatus.CANCELLED: ("注销", "Cancelled"),
    AccidentResponsibility.FULL: ("全部责任", "Full"),
    AccidentResponsibility.MAIN: ("主要责任", "Main"),
    AccidentResponsibility.EQUAL: ("同等责任", "Equal"),
    AccidentResponsibility.SECONDARY: ("次要责任", "Secondary"),
    AccidentResponsibility.NONE: ("无责任", "None"),
    BusinessStatus.ACTIVE: ("存续（在营、开业、在册）", "Active"),
    BusinessStatus.REVOKED: ("吊销", "Revoked"),
    BusinessStatus.DEREGISTERED: ("注销", "Deregistered"),
    InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY: ("机动车交通事故责任强制保险（交强险）", "Compulsory traffic liability"),
    InsuranceKind.CARRIER_LIABILITY: ("承运人责任险", "Carrier liability"),
    InsuranceKind.DANGEROUS_GOODS_LIABILITY: ("危险货物道路运输承运人责任险", "Dangerous goods liability"),
    ContainerEventKind.LOADED: ("装车", "Loaded"),
    ContainerEventKind.DEPARTED: ("发车", "Departed"),
    ContainerEventKind.ARRIVED: ("到达", "Arrived"),
    ContainerEventKind.UNLOADED: ("卸车", "Unloaded"),
    PortCallKind.ARRIVAL: ("抵港", "Arrival"),
    PortCallKind.DEPARTURE: ("离港", "Departure"),
    ListingKind.CARGO_OFFER: ("货盘", "Cargo offer"),
    ListingKind.VESSEL_OFFER: ("船盘", "Vessel offer"),
    TransportMode.ROAD: ("公路", "Road"),
    TransportMode.RAIL: ("铁路", "Rail"),
    TransportMode.INLAND_WATER: ("内河", "Inland water"),
    TransportMode.SEA: ("海运", "Sea"),
    TransportMode.AIR: ("航空", "Air"),
    TransportMode.MAIL: ("邮政", "Mail"),
    TransportMode.FIXED_TRANSPORT_INSTALLATION: ("固定设施运输", "Fixed transport installation"),
    TransportMode.NOT_KNOWN: ("运输方式未知", "Not known"),
    ConsignmentEventKind.GATE_IN: ("进闸", "Gate in"),
    ConsignmentEventKind.GATE_OUT: ("出闸", "Gate out"),
    ConsignmentEventKind.LOAD: ("装载", "Load"),
    ConsignmentEventKind.DEPART: ("出发", "Depart"),
    ConsignmentEventKind.ARRIVE: ("到达", "Arrive"),
    ConsignmentEventKind.DISCHARGE: ("卸载", "Discharge"),
    ConsignmentEventKind.HANDOVER: ("交接", "Handover"),
    ConsignmentEventKind.DELIVERED: ("交付", "Delivered"),
    ConsignmentEventKind.EXCEPTION: ("异常", "Exception"),
    ConsignmentStatus.BOOKED: ("已订舱", "Booked"),
    ConsignmentStatus.IN_TRANSIT: ("运输中", "In transit"),
    ConsignmentStatus.DELIVERED: ("已交付", "Delivered"),
    ConsignmentStatus.CLOSED: ("已结单", "Closed"),
    AlertKind.OVER_SPEED: ("超速", "Over speed"),
    AlertKind.FATIGUE: ("疲劳驾驶", "Fatigue"),
    AlertKind.NIGHT_BAN: ("夜间禁行", "Night ban"),
    AlertKind.OFF_ROUTE: ("偏离班线", "Off route"),
    AlertKind.CHARTER_OUT_OF_AREA: ("包车越区", "Charter out of area"),
    AlertKind.TRAINING_CAR_OUT_OF_AREA: ("教练车越区", "Training car out of area"),
    AlertKind.OUT_OF_PROVINCE_ENTRY: ("外省车辆入苏", "Out of province entry"),
    AlertKind.TERMINAL_OFFLINE: ("终端离线", "Terminal offline"),
    AlertKind.POSITION_DRIFT: ("定位漂移", "Position drift"),
    AlertKind.BLACKLISTED: ("黑名单车辆", "Blacklisted"),
    AlertKind.ANNUAL_REVIEW_OVERDUE: ("年审逾期", "Annual review overdue"),
    AlertKind.MAINTENANCE_OVERDUE: ("二级维护逾期", "Maintenance overdue"),
    AlertKind.VIOLATION_UNHANDLED: ("违法逾期未处理", "Violation unhandled"),
    AlertStatus.OPEN: ("待处理", "Open"),
    AlertStatus.ACKNOWLEDGED: ("已确认", "Acknowledged"),
    AlertStatus.CLOSED: ("已关闭", "Closed"),
    InspectionKind.ROUTINE: ("日常检查", "Routine"),
    InspectionKind.RANDOM_DRAW: ("双随机抽查", "Random draw"),
    InspectionKind.FOLLOW_UP: ("复查", "Follow up"),
    InspectionItemResult.PASS: ("符合", "Pass"),
    InspectionItemResult.FAIL: ("不符合（存在隐患）", "Fail"),
    InspectionItemResult.NOT_APPLICABLE: ("不适用", "Not applicable"),
    InspectionResult.PASSED: ("合格", "Passed"),
    InspectionResult.HAZARDS_FOUND: ("发现隐患", "Hazards found"),
    CreditSubjectKind.OPERATOR: ("业户", "Operator"),
    CreditSubjectKind.PRACTITIONER: ("从业人员", "Practitioner"),
    CreditEventKind.TRAFFIC_VIOLATION: ("交通违法", "Traffic violation"),
    CreditEventKind.ACCIDENT_FULL: ("事故全部责任", "Accident full"),
    CreditEventKind.ACCIDENT_MAIN: ("事故主要责任", "Accident main"),
    CreditEventKind.ACCIDENT_EQUAL: ("事故同等责任", "Accident equal"),
    CreditEventKind.ACCIDENT_SECONDARY: ("事故次要责任", "Accident secondary"),
    CreditEventKind.PENALTY: ("行政处罚", "Penalty"),
    CreditEventKind.COMPLAINT_SUBSTANTIATED: ("有效投诉", "Complaint substantiated"),
    CreditEventKind.COMMENDATION: ("表彰奖励", "Commendation"),
    CreditEventKind.INSPECTION_FAILED: ("检查不合格", "Inspection failed"),
    ComplaintStatus.ACCEPTED: ("已受理", "Accepted"),
    ComplaintStatus.ASSIGNED: ("已分派", "Assigned"),
    ComplaintStatus.ANSWERED: ("已答复", "Answered"),
    ComplaintStatus.CLOSED: ("已办结", "Closed"),
    CreditListKind.WATCH: ("重点关注名单（红名单）", "Watch"),
    CreditListKind.BLACK: ("失信名单（黑名单）", "Black"),
    ObjectionStatus.PENDING: ("待复核", "Pending"),
    ObjectionStatus.UPHELD: ("异议成立", "Upheld"),
    ObjectionStatus.REJECTED: ("异议不成立", "Rejected"),
}
"""Every enum member → (Chinese, English) label."""


TITLES: Final[dict[type[Enum], Label]] = {
    PlateColor: ("车牌颜色", "Plate colour"),
    OperatorStatus: ("业户经营状态", "Operator status"),
    BusinessCategory: ("经营范围类别", "Business category"),
    PermitKind: ("经营许可类别", "Operating permit kind"),
    LicenceStatus: ("证照状态", "Licence status"),
    VehicleType: ("车辆类型", "Vehicle type"),
    VesselCertificateKind: ("船舶证书类别", "Vessel certificate kind"),
    QualificationKind: ("从业资格类别", "Qualification kind"),
    StationKind: ("场站类别", "Station kind"),
    StationLevel: ("客运站级别", "Passenger station level"),
    DangerousGoodsClass: ("危险货物类别项别", "Dangerous goods class or division"),
    PackingGroup: ("包装类别", "Packing group"),
    RegistrationStatus: ("机动车登记状态", "Motor vehicle registration status"),
    DrivingLicenceStatus: ("驾驶证状态", "Driving licence status"),
    AccidentResponsibility: ("事故责任", "Accident responsibility"),
    BusinessStatus: ("市场主体登记状态", "Business registration status"),
    InsuranceKind: ("保险险种", "Insurance kind"),
    ContainerEventKind: ("集装箱事件类型", "Container event kind"),
    PortCallKind: ("船舶进出港类型", "Port call kind"),
    ListingKind: ("航运交易挂牌类型", "Shipping exchange listing kind"),
    TransportMode: ("运输方式", "Transport mode"),
    ConsignmentEventKind: ("多式联运状态事件类型", "Consignment event kind"),
    ConsignmentStatus: ("运单状态", "Consignment status"),
    AlertKind: ("告警类型", "Alert kind"),
    AlertStatus: ("告警状态", "Alert status"),
    InspectionKind: ("企业安全检查类别", "Inspection kind"),
    InspectionItemResult: ("检查项目结果", "Inspection item result"),
    InspectionResult: ("检查结论", "Inspection result"),
    CreditSubjectKind: ("信用主体类别", "Credit subject kind"),
    CreditEventKind: ("信用事件类别", "Credit event kind"),
    ComplaintStatus: ("投诉办理状态", "Complaint handling status"),
    CreditListKind: ("信用名单类别", "Credit list kind"),
    ObjectionStatus: ("信用异议状态", "Credit objection status"),
}
"""Every enum → (Chinese, English) title of its code list."""
