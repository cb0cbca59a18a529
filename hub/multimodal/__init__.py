"""The multimodal electronic waybill (一单到底): consignments, their legs and their events."""
