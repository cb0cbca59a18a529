"""Industry credit: penalties and complaints, credit events derived from what the hub receives,
rule files, grading, red and black lists, objections and joint sanctions."""
