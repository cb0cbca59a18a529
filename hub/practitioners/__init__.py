"""Practitioners 从业人员 and their qualification certificates 从业资格证."""
