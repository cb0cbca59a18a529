"""Demo data: a deterministic, realistic Jiangsu data center."""
