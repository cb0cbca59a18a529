"""Enforcement records: enterprise safety inspections (入户检查), cases with on-site records
(现场笔录) and their evidence files, electronic case files (电子案卷), and random inspection
draws (双随机)."""
