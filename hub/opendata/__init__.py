"""Open data for everyone: the datasets declared in ``standards/datasets/``, a CKAN-compatible
catalogue with DCAT-AP, and bulk snapshots de-identified exactly as the API de-identifies."""
