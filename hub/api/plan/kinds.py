"""What a published field can be made of, and what a root field can be: the kinds the catalog
(``catalog``) declares the published types and root fields with, and the compiler reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.sql import FromClause
from sqlalchemy.types import TypeEngine

from hub.api.plan.selection import Selected
from hub.api.plan.sqljson import SqlJson
from hub.auth.principal import Principal
from hub.db import Base
from hub.paging import Listing, Relation, Sort


@dataclass(frozen=True, slots=True)
class Scalar:
    """A column as it is: text, whole numbers, dates."""

    column: str


@dataclass(frozen=True, slots=True)
class Number:
    """A floating-point column, written as Python writes a float (``20.0``, never ``20``)."""

    column: str


@dataclass(frozen=True, slots=True)
class Flag:
    """A boolean column (SQLite stores 0 / 1)."""

    column: str


@dataclass(frozen=True, slots=True)
class Code:
    """A code-list column: the database holds the code, GraphQL answers the member's name."""

    column: str
    enum_type: type[Enum]


@dataclass(frozen=True, slots=True)
class ValidityOf:
    """Where a document valid through ``column`` stands today (``hub.filters.validity_of``)."""

    column: str


@dataclass(frozen=True, slots=True)
class Overdue:
    """Whether the date in ``column`` lies before today."""

    column: str


@dataclass(frozen=True, slots=True)
class CodeList:
    """A JSON array of codes: GraphQL answers the members' names, in the stored order."""

    column: str
    enum_type: type[Enum]


@dataclass(frozen=True, slots=True)
class Stamp:
    """A UTC timestamp, written as Strawberry writes it (``isoformat``: offset +00:00)."""

    column: str


@dataclass(frozen=True, slots=True)
class RegionOf:
    """The published region of a division code column (null for codes off the list)."""

    column: str


@dataclass(frozen=True, slots=True)
class GlobalId:
    """The Relay ID: base64 of ``Type:id``."""


@dataclass(frozen=True, slots=True)
class Embedded:
    """An object published from columns of the same row (a vehicle's certificate)."""

    type_name: str


@dataclass(frozen=True, slots=True)
class EmbeddedWhen:
    """An object published from columns of the same row, null unless every one of
    ``columns`` holds a value (an alert's location)."""

    type_name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stored:
    """A JSON column published as it is stored (an alert's evidence: a list of strings)."""

    column: str


@dataclass(frozen=True, slots=True)
class ToOne:
    """A single related record by a foreign key, null when absent or outside the row rule."""

    type_name: str
    foreign_key: str

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        """As ``ByKey`` has them: the foreign key, equal to the record's id."""
        return ((self.foreign_key, "id"),)


@dataclass(frozen=True, slots=True)
class ByKey:
    """A single related record found by columns the parent row shares with it (a vehicle's
    latest position, by plate and colour), null when absent or outside its row rule."""

    type_name: str
    keys: tuple[tuple[str, str], ...]
    """Pairs of (the parent's column, the record's column) that must be equal."""


@dataclass(frozen=True, slots=True)
class Recent:
    """Whether the timestamp in ``column`` lies less than ``within`` before now, now being
    when the statement runs (a position's ``online``)."""

    column: str
    within: dt.timedelta


@dataclass(frozen=True, slots=True)
class Through:
    """A plain list of related records reached through a link table, in the link's order
    (a line's stops): the records the row rule hides are left out, as the loaders do."""

    type_name: str
    link: type[Base]
    parent_key: str
    """The link's column holding the parent's id."""
    child_key: str
    """The link's column holding the listed record's id."""
    order: str
    """The link's column that orders the list."""


@dataclass(frozen=True, slots=True)
class Rows:
    """A plain list of the rows of a child table that belong to the parent (a consignment's
    legs), in ``order``. They have no row rule of their own: they are seen with the parent,
    whose rule the parent's statement applies."""

    type_name: str
    parent_key: str
    """The child's column holding the parent's id."""
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Values:
    """A plain list of one column of a child table's rows that belong to the parent (a
    consignment's container numbers), in that column's order; seen with the parent."""

    model: type[Base]
    parent_key: str
    column: str


@dataclass(frozen=True, slots=True)
class Elements:
    """The objects of a JSON array column (a consignment's parties), in the array's order,
    each read as a row whose columns are its keys, of these SQL types."""

    type_name: str
    column: str
    keys: dict[str, type[TypeEngine[Any]]]


@dataclass(frozen=True, slots=True)
class Spelt:
    """A whole-number column published as a string (an event's cursor)."""

    column: str


@dataclass(frozen=True, slots=True)
class Computed:
    """A value worked out in Python from what the statement also returns (a consignment's
    current leg and ETA, from its timeline: ``hub.multimodal.progress``)."""


@dataclass(frozen=True, slots=True)
class ToMany:
    """A Relay connection of related records."""

    type_name: str
    relation: Relation[Any, Any]
    filter_input: Any
    order_input: Any


Field = (
    Scalar
    | Number
    | Flag
    | Code
    | CodeList
    | Stamp
    | RegionOf
    | ValidityOf
    | Overdue
    | GlobalId
    | Embedded
    | EmbeddedWhen
    | Stored
    | ToOne
    | ByKey
    | Recent
    | Through
    | Rows
    | Values
    | Elements
    | Spelt
    | Computed
    | ToMany
)


@dataclass(frozen=True, slots=True)
class TypeEntry:
    """A published type: its table (None for objects embedded in another's row) and fields."""

    name: str
    model: type[Base] | None
    fields: dict[str, Field] = field(default_factory=dict)


class Finisher(Protocol):
    """Finishes a planned answer in Python (see ``Lookup.finisher``)."""

    def finish(self, text: str) -> str | None:
        """The answer's JSON from the statement's ``[answer, facts]``; None: the resolvers
        answer the request instead."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """A root field answering one record by its natural key.

    ``key`` checks the arguments as the resolver does (BadUserInput on bad ones) and returns
    the column values that identify the record.
    """

    type_name: str
    key: Callable[[dict[str, Any]], dict[str, Any]]
    facts: Callable[[SqlJson, FromClause], ColumnElement[Any]] | None = None
    """What Python needs of the record to finish the answer (its ``Computed`` fields)."""
    finisher: Callable[[Selected, Principal], Finisher | None] | None = None
    """How a selection of the record is finished from its JSON and ``facts`` (None: as is)."""


@dataclass(frozen=True, slots=True)
class RootList:
    """A root connection over a whole listing."""

    type_name: str
    listing: Listing[Any, Any]
    filter_input: Any
    order_input: Any


@dataclass(frozen=True, slots=True)
class RootPage:
    """A root connection whose arguments the resolver's own functions turn into an order and
    the filter's conditions (alerts: their filter does more than a listing's)."""

    type_name: str
    model: type[Base]
    listed: Callable[[dict[str, Any]], tuple[Sort, list[ColumnElement[bool]]]]
    """The order and the conditions (on the model's table), from the arguments as the
    resolver receives them; BadUserInput as the resolver raises it."""


@dataclass(frozen=True, slots=True)
class Near:
    """``vehiclesNear``: vehicles by the distance of their latest position from a point
    (``hub.api.plan.nearby``)."""

    type_name: str = "LocatedVehicle"
