"""Declared permissions: which scopes a type or field needs, and personal-data fields.

Rules are declared where types and fields are declared, as schema directives that partner
developers read in the SDL (``@requiresScopes``, ``@personalData``); the schema is walked once
to turn them into a table that one extension checks as each field resolves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.schema_directive import Location
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.auth.principal import PURPOSE_HEADER, Principal
from hub.auth.scopes import ENFORCEMENT_READ, OPEN_DATA, PII_READ, REGISTRY_READ, TRACKING_READ
from hub.errors import Forbidden


@strawberry.schema_directive(
    locations=[Location.OBJECT, Location.FIELD_DEFINITION],
    description=doc(
        "访问所需的授权范围（具备其一即可）。",
        "The OAuth scopes a client needs to read this (any one of them).",
    ),
)
class RequiresScopes:
    any_of: list[str]


@strawberry.schema_directive(
    locations=[
        Location.FIELD_DEFINITION,
        Location.ARGUMENT_DEFINITION,
        Location.INPUT_FIELD_DEFINITION,
    ],
    description=doc(
        "个人信息：须具备 pii:read 并在 X-Purpose-Of-Use 请求头中声明使用目的，每次读取均留痕；"
        "开放数据客户端只见脱敏值。按个人信息查找、筛选（参数或筛选条件上的本指令）同样是读取"
        "个人信息。",
        "Personal data: needs scope pii:read and a purpose stated in the X-Purpose-Of-Use "
        "header, and every read is audited; open-data clients see de-identified values. "
        "Looking up, searching or filtering by personal data (this directive on an argument or "
        "a filter field) is a read of personal data too.",
    ),
)
class PersonalData:
    kind: str


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description=doc(
        "跟踪单车：须在 X-Purpose-Of-Use 请求头中声明使用目的，每次读取均留痕（同个人信息）。",
        "Following one vehicle: needs a purpose stated in the X-Purpose-Of-Use header, and "
        "every read is audited, as personal data is.",
    ),
)
class FollowsVehicle:
    pass


OPEN = RequiresScopes(any_of=[REGISTRY_READ, OPEN_DATA])
"""Open data: de-identified, for every client and anonymous callers."""
REGISTRY = RequiresScopes(any_of=[REGISTRY_READ])
"""The data center beyond open data: registered partner and internal clients."""
TRACKING = RequiresScopes(any_of=[TRACKING_READ])
"""Vehicles' positions and tracks."""
ENFORCEMENT = RequiresScopes(any_of=[ENFORCEMENT_READ])
"""Enforcement records (inspections, cases, draws): enforcement clients, within their region."""


def mask_name(value: str) -> str:
    """张三丰 → 张**: the surname stays, the given name does not."""
    return value[:1] + "*" * (len(value) - 1)


def mask_id_number(value: str) -> str:
    """Region and check character stay; birth date and sequence do not."""
    return value[:6] + "*" * (len(value) - 7) + value[-1:]


def mask_phone(value: str) -> str:
    """138****5678."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_address(value: str) -> str:
    """Only the first 6 characters (roughly the district) stay."""
    return value[:6] + "…"


MASKS: dict[str, Callable[[str], str]] = {
    "NAME": mask_name,
    "ID_NUMBER": mask_id_number,
    "PHONE": mask_phone,
    "ADDRESS": mask_address,
}


@dataclass
class AuditTrail:
    """What one request did with personal data, for the audit log."""

    returned: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    searched: set[str] = field(default_factory=set)
    """Arguments that looked up or filtered by personal data (``practitioners.filter.search``)."""
    refused: bool = False
    """A search by personal data was refused."""

    @property
    def touched(self) -> bool:
        return bool(self.returned or self.denied or self.searched)


def missing_for_personal_data(principal: Principal) -> str:
    """What a client lacks to read personal data (it lacks something)."""
    if not principal.has(PII_READ):
        return f"scope {PII_READ}"
    return f"a stated purpose of use (the {PURPOSE_HEADER} header)"


class PersonalField(FieldExtension):
    """Releases a personal-data field only with pii:read and a stated purpose."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.mask = MASKS[kind]

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        value = next_(source, info, **kwargs)
        if value is None:
            return None
        principal: Principal = info.context.principal
        if principal.open_data_only:
            return self.mask(value)
        subject = source.subject_id()
        trail: AuditTrail = info.context.audit
        if not principal.may_read_personal_data:
            trail.denied.add(subject)
            missing = missing_for_personal_data(principal)
            raise Forbidden(f"{info.field_name}: personal data needs {missing}")
        trail.returned.add(subject)
        return value


def personal_data_missing(principal: Principal) -> str | None:
    """What a client lacks to read a person's records, if it lacks anything."""
    if principal.may_read_personal_data:
        return None
    return missing_for_personal_data(principal)


def stated_purpose_missing(principal: Principal) -> str | None:
    """Why a client may not follow one vehicle, if it may not: it stated no purpose."""
    if principal.purpose is None:
        return f"a stated purpose of use (the {PURPOSE_HEADER} header)"
    return None


class AuditedRelease(FieldExtension):
    """Releases a whole record about one subject (a vehicle's track, a driver's credit) only
    to a client that ``missing`` finds nothing lacking in; the subject is audited as returned
    or denied either way. Async only, like the fields it guards."""

    def __init__(self, missing: Callable[[Principal], str | None], what: str) -> None:
        self.missing = missing
        self.what = what

    async def resolve_async(
        self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        subject = source.subject_id()
        trail: AuditTrail = info.context.audit
        lacking = self.missing(info.context.principal)
        if lacking is not None:
            trail.denied.add(subject)
            raise Forbidden(f"{info.field_name}: {self.what} needs {lacking}")
        value = await next_(source, info, **kwargs)
        trail.returned.add(subject)
        return value


def followed(zh: str, en: str) -> Any:
    """A field that follows one vehicle (its track): scope tracking:read, a stated purpose,
    audited."""
    return strawberry.field(
        description=doc(zh, en),
        directives=[TRACKING, FollowsVehicle()],
        extensions=[AuditedRelease(stated_purpose_missing, "following a vehicle")],
    )


def personal_input(kind: str, zh: str, en: str) -> Any:
    """A filter field that searches personal data: declared in the SDL, guarded by the policy."""
    return strawberry.field(
        default=None, description=doc(zh, en), directives=[PersonalData(kind=kind)]
    )


def personal_argument(kind: str, zh: str, en: str) -> Any:
    """An argument that looks up by personal data: declared in the SDL, guarded by the policy."""
    return strawberry.argument(description=doc(zh, en), directives=[PersonalData(kind=kind)])


def personal(kind: str, zh: str, en: str) -> Any:
    """A personal-data field: declared in the SDL, guarded when resolved."""
    return strawberry.field(
        description=doc(zh, en),
        directives=[PersonalData(kind=kind)],
        extensions=[PersonalField(kind)],
    )


def _named(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _personal(graphql_thing: Any) -> bool:
    definition = graphql_thing.extensions.get("strawberry-definition")
    return any(isinstance(d, PersonalData) for d in getattr(definition, "directives", None) or ())


def _personal_paths(graphql_field: Any) -> tuple[tuple[str, ...], ...]:
    """The arguments of a field, and the fields of its input arguments, that hold personal data."""
    paths: list[tuple[str, ...]] = []
    for name, argument in graphql_field.args.items():
        if _personal(argument):
            paths.append((name,))
        named = _named(argument.type)
        if isinstance(named, GraphQLInputObjectType):
            paths += [(name, inner) for inner, f in named.fields.items() if _personal(f)]
    return tuple(paths)


def _given(arguments: dict[str, Any], path: tuple[str, ...]) -> bool:
    value: Any = arguments
    for name in path:
        if not isinstance(value, dict):
            return False
        value = value.get(name)
    return value is not None and value != ""


def _scopes(directives: Any) -> frozenset[str] | None:
    for directive in directives or ():
        if isinstance(directive, RequiresScopes):
            return frozenset(directive.any_of)
    return None


@dataclass(frozen=True, slots=True)
class Policy:
    """Who may read what: by type, and by field where a field says more than its type."""

    types: dict[str, frozenset[str]]
    fields: dict[tuple[str, str], frozenset[str]]
    searches: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    """Per field, the argument paths that look up or filter by personal data."""

    @classmethod
    def of(cls, schema: strawberry.Schema) -> Policy:
        """The rules declared in a built schema."""
        types: dict[str, frozenset[str]] = {}
        for name in schema._schema.type_map:
            definition = schema.get_type_by_name(name)
            scopes = _scopes(getattr(definition, "directives", None))
            if scopes is not None:
                types[name] = scopes
        fields: dict[tuple[str, str], frozenset[str]] = {}
        searches: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {}
        for name, graphql_type in schema._schema.type_map.items():
            if not isinstance(graphql_type, GraphQLObjectType) or name.startswith("__"):
                continue
            definition = schema.get_type_by_name(name)
            names = schema.config.name_converter
            declared = {names.from_field(f): f for f in getattr(definition, "fields", [])}
            for field_name, graphql_field in graphql_type.fields.items():
                own = _scopes(getattr(declared.get(field_name), "directives", None))
                rule = own if own is not None else types.get(_node_type(graphql_field.type))
                if rule is not None:
                    fields[(name, field_name)] = rule
                paths = _personal_paths(graphql_field)
                if paths:
                    searches[(name, field_name)] = paths
        return cls(types=types, fields=fields, searches=searches)

    def searched(
        self, type_name: str, field_name: str, arguments: dict[str, Any]
    ) -> list[tuple[str, ...]]:
        """The argument paths of a field that these arguments look up or filter personal
        data by: each makes the read a read of personal data."""
        paths = self.searches.get((type_name, field_name), ())
        return [path for path in paths if _given(arguments, path)]

    def check_type(self, principal: Principal, type_name: str) -> None:
        """Refuse a whole record type the client may not read (used by node / nodes)."""
        needed = self.types.get(type_name)
        if needed is not None and not needed & principal.scopes:
            raise Forbidden(f"{type_name}: needs scope {' or '.join(sorted(needed))}")


def _node_type(graphql_type: Any) -> str:
    named = _named(graphql_type)
    # A connection is governed by the type of its nodes.
    if isinstance(named, GraphQLObjectType) and named.name.endswith("Connection"):
        edges = named.fields.get("edges")
        if edges is not None:
            node = _named(edges.type).fields.get("node")
            if node is not None:
                return str(_named(node.type).name)
    return str(named.name)


class EnforcePolicy(SchemaExtension):
    """Checks the policy as each field resolves: null and FORBIDDEN where a scope is missing."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        key = (info.parent_type.name, info.field_name)
        # Fields under no policy (introspection among them) need no principal: the schema
        # answers them even when executed without a request context.
        needed = self.policy.fields.get(key)
        if needed is not None and not needed & info.context.principal.scopes:
            raise Forbidden(f"{info.field_name}: needs scope {' or '.join(sorted(needed))}")
        if key in self.policy.searches:
            principal: Principal = info.context.principal
            self._check_search(info, principal, self.policy.searched(*key, kwargs))
        return _next(root, info, *args, **kwargs)

    @staticmethod
    def _check_search(info: Any, principal: Principal, used: list[tuple[str, ...]]) -> None:
        """Looking up or filtering by personal data reads it: pii:read, a purpose, audited."""
        if not used:
            return
        trail: AuditTrail = info.context.audit
        named = ", ".join(".".join(path) for path in used)
        trail.searched.update(f"{info.field_name}.{'.'.join(path)}" for path in used)
        if not principal.may_read_personal_data:
            trail.refused = True
            missing = missing_for_personal_data(principal)
            raise Forbidden(
                f"{info.field_name}: looking up or filtering by personal data ({named}) "
                f"needs {missing}"
            )
