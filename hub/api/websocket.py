"""GraphQL over websockets (graphql-transport-ws), held to its protocol in every corner.

Strawberry's handler, with: a message that is not a JSON object, or a subscribe whose fields
have the wrong types, closes the socket with 4400 naming the problem; errors in a subscribe
— syntax, several operations without ``operationName``, an unknown one, validation, an
access check, a consignment not found — answer an ``error`` message with a code, and the
socket stays open; the per-connection limit answers ``error`` TOO_MANY_SUBSCRIPTIONS; an
operation that fails before its first result ends with ``error`` too. A subscriber that
falls behind its queue's limits is closed with ``SLOW_SUBSCRIBER`` (1013, try again later).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from graphql import GraphQLError, GraphQLFormattedError
from starlette.requests import Request
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    Message,
    SubscribeMessage,
)
from strawberry.types.execution import ExecutionResult

from hub.api.context import Context
from hub.api.shared_results import encoded_payload
from hub.errors import ErrorCode
from hub.pubsub import Overflowed

SLOW_SUBSCRIBER = 1013
"""Close code for a subscriber that fell behind its queue's limits (RFC 6455: try again
later); the reason says which limit. Reconnect and resume with ``after``."""

MAX_CLOSE_REASON = 123
"""Bytes a close frame's reason may hold (RFC 6455 §5.5)."""

_closing: set[asyncio.Task[None]] = set()


def _reason(text: str) -> str:
    return text.encode()[:MAX_CLOSE_REASON].decode(errors="ignore")


def close_when_behind(
    websocket: Request | WebSocket | None,
) -> Callable[[Overflowed], None] | None:
    """What closes the websocket when one of its subscriptions falls behind (called by the
    fan-out, synchronously, so the close is scheduled rather than awaited)."""
    if not isinstance(websocket, WebSocket):
        return None

    def close(overflow: Overflowed) -> None:
        task = asyncio.get_running_loop().create_task(_close(websocket, str(overflow)))
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    return close


async def _close(websocket: WebSocket, reason: str) -> None:
    if websocket.application_state is WebSocketState.DISCONNECTED:
        return
    with suppress(Exception):  # the client may be gone already
        await websocket.close(SLOW_SUBSCRIBER, _reason(reason))


def _error(message: str, code: str) -> GraphQLFormattedError:
    return {"message": message, "extensions": {"code": code}}


def _malformed(message: Any) -> str | None:
    """What is wrong with a subscribe message's fields, if anything."""
    if not isinstance(message.get("id"), str) or not message["id"]:
        return "subscribe: id must be a non-empty string"
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "subscribe: payload must be an object"
    if not isinstance(payload.get("query"), str):
        return "subscribe: payload.query must be a string"
    for name in ("variables", "extensions"):
        if not isinstance(payload.get(name), dict | None):
            return f"subscribe: payload.{name} must be an object or null"
    if not isinstance(payload.get("operationName"), str | None):
        return "subscribe: payload.operationName must be a string or null"
    return None


class HubTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws as the protocol describes it; see the module."""

    async def handle_message(self, message: Message) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message(
                'a message must be a JSON object with a string "type"'
            )
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        problem = _malformed(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and limit is not None
            and len(self.operations) >= limit
        ):
            error = _error(
                f"this connection has {limit} operations running, the limit: complete one "
                "first or open another connection",
                ErrorCode.TOO_MANY_SUBSCRIPTIONS.value,
            )
            refusal: ErrorMessage = {"id": message["id"], "type": "error", "payload": [error]}
            await self.send_message(refusal)
            return
        await super().handle_subscribe(message)

    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        # Errors in a subscribe are answered with an `error` message; the socket stays open.
        return None

    async def _handle_pre_execution_error(
        self, operation: Operation[Context, None], result: Any
    ) -> None:
        errors = [error.formatted for error in result.errors]
        for formatted, error in zip(errors, result.errors, strict=True):
            if isinstance(error.original_error, CannotGetOperationTypeError):
                # Which operation to run is a request error, as it is over HTTP.
                reason = error.original_error.as_http_error_reason()
                formatted.update(_error(reason, ErrorCode.BAD_REQUEST.value))
        await operation.send_operation_message(
            {"id": operation.id, "type": "error", "payload": errors}
        )

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: Any
    ) -> None:
        try:
            async for result in result_source:
                if not isinstance(result, ExecutionResult):
                    await self._reject_incremental_delivery(operation)
                    return
                if result.data is None and result.errors:
                    # Nothing to deliver (not found, forbidden, interrupted): `error` ends it.
                    await self._handle_pre_execution_error(operation, result)
                    return
                await self._send_next(operation, result)
        except GraphQLError as error:  # the parser's, raised through the parser cache
            self.schema.process_errors([error])
            await operation.send_operation_message(
                {"id": operation.id, "type": "error", "payload": [error.formatted]}
            )

    async def _send_next(
        self, operation: Operation[Context, None], result: ExecutionResult
    ) -> None:
        """A ``next`` message whose payload was encoded once for every subscriber that shares
        the result (``hub.api.shared_results``): only the operation id is this subscriber's."""
        websocket = self.context.request
        if result.errors or result.extensions or not isinstance(websocket, WebSocket):
            await operation.send_next(result)
            return
        if operation.completed or websocket.application_state is WebSocketState.DISCONNECTED:
            return
        payload = encoded_payload(result.data or {})
        try:
            await websocket.send_text(
                f'{{"id":{json.dumps(operation.id)},"type":"next","payload":{payload}}}'
            )
        except WebSocketDisconnect:
            # The client left mid-send: the connection's handler ends its operations. Not an
            # error to log once per subscription of the socket, as Strawberry's send would.
            return

    async def send_message(self, message: Message) -> None:
        websocket = self.context.request
        if isinstance(websocket, WebSocket) and (
            websocket.application_state is WebSocketState.DISCONNECTED
        ):
            return  # closed meanwhile (a slow subscriber): nothing more is sent
        await super().send_message(message)
