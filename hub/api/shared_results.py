"""A live event's result computed once for all the subscribers that asked the same thing.

Each subscriber's stream executes its selection set on every event (GraphQL's
ExecuteSubscriptionEvent). The fan-out hands every subscriber of a channel the same event
object, so the result of one (event, operation, variables, principal) is the same for
each of them: it is computed for the first and reused by the others, instead of graphql-core
walking the same fields once per subscriber. The principal is part of the key, so a rule
that depends on who asks is applied as it would be without the cache.

The ``next`` message's payload is then encoded to JSON once per shared result as well
(:func:`encoded_payload`): each subscriber's message differs only by its operation id.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from graphql import ExecutionResult, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

RESULTS_KEPT = 4096
"""Results kept per worker: enough for every subscribed channel's latest event several times
over (each entry holds its event, so an id cannot be reused while its entry lives)."""

_results: OrderedDict[tuple[Any, ...], tuple[object, ExecutionResult]] = OrderedDict()
_payloads: OrderedDict[int, tuple[object, str]] = OrderedDict()


def _principal_key(context: Any) -> tuple[Any, ...]:
    principal = getattr(context, "principal", None)
    if principal is None:
        return ()
    return (
        principal.client_id, principal.scopes, principal.region, principal.purpose,
        principal.uscc, principal.tier.name,
    )  # fmt: skip


class SharedEventResults(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, sharing subscription event results; see the module."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        event = self.root_value
        if self.operation.operation is not OperationType.SUBSCRIPTION or event is None:
            return super().execute_operation(serially)
        key = (
            id(event), id(self.operation), repr(self.variable_values),
            _principal_key(self.context_value),
        )  # fmt: skip
        found = _results.get(key)
        if found is not None and found[0] is event:
            _results.move_to_end(key)
            return found[1]
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult) and not result.errors:
            _results[key] = (event, result)
            if len(_results) > RESULTS_KEPT:
                _results.popitem(last=False)
        return result


def encoded_payload(data: dict[str, Any]) -> str:
    """The JSON of a ``next`` payload holding ``data``, encoded once however many subscribers
    share that result (the same ``data`` object), as Strawberry would encode it."""
    found = _payloads.get(id(data))
    if found is not None and found[0] is data:
        _payloads.move_to_end(id(data))
        return found[1]
    text = json.dumps({"data": data}, separators=(",", ":"))
    # The entry holds ``data``, so its id cannot be reused by another object while it lives.
    _payloads[id(data)] = (data, text)
    if len(_payloads) > RESULTS_KEPT:
        _payloads.popitem(last=False)
    return text
