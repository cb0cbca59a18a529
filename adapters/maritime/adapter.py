"""The maritime adapter: what the hub knows of the maritime administration's and the shipping
exchange's documents."""

from __future__ import annotations

from adapters.maritime import demo, mapping, simulator
from hub.canonical.records import AisPosition, PortCall, ShippingListing, VesselRegistration
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType

SCHEMAS = STANDARDS_DIR / "maritime"

VESSEL_REGISTRATION = DocumentType(
    name="vessel-registration",
    title=("船舶登记", "Vessel registration"),
    schema=SCHEMAS / "vessel-registration-1.0.xsd",
    namespace=mapping.REGISTRATION_NS,
    root="VesselRegistrations",
    parse=mapping.parse_vessel_registration,
    export=mapping.export_vessel_registration,
    record_types=(VesselRegistration,),
)

PORT_CALL = DocumentType(
    name="port-call",
    title=("进出港报告", "Port call"),
    schema=SCHEMAS / "port-call-1.0.xsd",
    namespace=mapping.PORT_CALL_NS,
    root="PortCalls",
    parse=mapping.parse_port_call,
    export=mapping.export_port_call,
    record_types=(PortCall,),
)

AIS_POSITION = DocumentType(
    name="ais-position",
    title=("AIS 船位", "AIS position"),
    schema=SCHEMAS / "ais-position-1.0.xsd",
    namespace=mapping.AIS_NS,
    root="AisPositions",
    parse=mapping.parse_ais_position,
    export=mapping.export_ais_position,
    record_types=(AisPosition,),
)

SHIPPING_LISTING = DocumentType(
    name="shipping-listing",
    title=("航运交易挂牌", "Shipping exchange listing"),
    schema=SCHEMAS / "shipping-listing-1.0.xsd",
    namespace=mapping.LISTING_NS,
    root="ShippingListings",
    parse=mapping.parse_shipping_listing,
    export=mapping.export_shipping_listing,
    record_types=(ShippingListing,),
)

adapter = Adapter(
    name="maritime",
    title=("海事与航运交易", "Maritime safety administration and shipping exchange"),
    documents={
        document.name: document
        for document in (VESSEL_REGISTRATION, PORT_CALL, AIS_POSITION, SHIPPING_LISTING)
    },
    simulator=simulator.app,
    demo=demo.documents,
)
