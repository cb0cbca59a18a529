"""Rows of the dangerous goods list."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import DangerousGoodsClass, PackingGroup
from hub.db import Base, Code, Provenance


class DangerousGoods(Provenance, Base):
    """危险货物: one entry of the list, by UN number."""

    __tablename__ = "dangerous_goods"

    id: Mapped[int] = mapped_column(primary_key=True)
    un_number: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    hazard_class: Mapped[DangerousGoodsClass] = mapped_column(Code(DangerousGoodsClass))
    packing_group: Mapped[PackingGroup | None] = mapped_column(Code(PackingGroup))
