"""GraphQL of the multimodal electronic waybill (一单到底)."""
