"""The ASGI application: built by ``create_app``; its lifespan owns every backend."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from time import monotonic
from typing import Any
from urllib.parse import urlencode

from cross_web import HTTPException
from graphql import OperationType
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from hub.alerts.sweeper import run as sweep_alerts
from hub.alerts.thresholds import ThresholdError
from hub.alerts.thresholds import standard as alert_thresholds
from hub.api.console import console_page, console_routes
from hub.api.context import Context
from hub.api.documents import TrustedDocuments, document_hash
from hub.api.enforcement.routes import enforcement_routes
from hub.api.http import (
    MAX_JSON_DEPTH,
    QueriesOnlyOverGet,
    json_depth,
    limit_body,
    parse_json,
    request_error,
)
from hub.api.limits import DOCUMENT_CACHE_SIZE
from hub.api.plan.planner import Operation, Planner, operation_of
from hub.api.plan.sqljson import prepare_engine
from hub.api.response_cache import Cached, ResponseCache, cacheable
from hub.api.schema import build_schema, sdl_of
from hub.api.usage import count_usage
from hub.api.websocket import HubTransportWSHandler
from hub.audit.checkpoints import Checkpointer, Checkpoints
from hub.auth.gate import BadRequest, Gate, unauthorized
from hub.auth.keys import KeyStore
from hub.auth.principal import ANONYMOUS, PURPOSE_HEADER, Principal
from hub.auth.registration import REGISTRATION_PATH, register
from hub.auth.server import INTROSPECTION_PATH, REVOCATION_PATH, TOKEN_PATH, OAuthServer
from hub.auth.tokens import InvalidToken, Revocations
from hub.cache import Cache, create_cache
from hub.collector import Freezer
from hub.config import Settings
from hub.credit import rules as credit_rules
from hub.dataversion import data_version, versioned_sessions
from hub.db import check_connection, create_engine, session_factory
from hub.docsite import docs_routes
from hub.errors import ConfigError
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from hub.exchange.routes import exchange_routes
from hub.exchange.worker import work
from hub.health import GRAPHQL_RESPONSE, AnswerOutages, health_routes
from hub.logs import configure as configure_logging
from hub.metrics import RATE_LIMITED, process_ended
from hub.opendata.routes import opendata_routes
from hub.outages import outage_of
from hub.pubsub import create_pubsub
from hub.queue import create_queue
from hub.ratelimit import Clock, Quota, RateLimiter, create_rate_limiter
from hub.request_log import RequestLog, count_statements, note_document, note_operation
from hub.scrape import metrics_endpoint
from hub.sealing import key_encryption_key


class HubGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI endpoint with the hub's per-request context and trusted documents.

    Websockets speak graphql-transport-ws only (the older subscriptions-transport-ws
    protocol is refused with 4406).
    """

    graphql_transport_ws_handler_class = HubTransportWSHandler

    def __init__(self, settings: Settings, state: dict[str, Any]) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings
        self.state = state
        self._document_queries: OrderedDict[bytes, bytes] = OrderedDict()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        principal: Principal = getattr(request.state, "principal", ANONYMOUS)
        return Context(
            settings=self.settings,
            sessions=self.state["sessions"],
            read_sessions=self.state["read_sessions"],
            pubsub=self.state["pubsub"],
            checkpointer=self.state["checkpointer"],
            cache=self.state["cache"],
            versions=self.state["versions"],
            credit_rules=self.state["credit_rules"],
            limiter=self.state["limiter"],
            principal=principal,
            policy=self.schema.policy,  # type: ignore[attr-defined]
            request=request,
            response=response if isinstance(response, Response) else None,
        )

    async def on_ws_connect(self, context: Context) -> Any:
        """A websocket may carry its token in connection_init, as browsers cannot set headers."""
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        if authorization is None:
            return UNSET
        scheme, _, token = str(authorization).partition(" ")
        gate: Gate = self.state["gate"]
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise InvalidToken("Authorization must be 'Bearer <access token>'")
            purpose = params.get(PURPOSE_HEADER)
            context.principal = await gate.principal_of_token(
                token.strip(), str(purpose) if purpose else None
            )
        except InvalidToken as exc:
            raise ConnectionRejectionError({"message": exc.description}) from None
        except BadRequest as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        return UNSET

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the hub's own files (``console/dist``), never from a CDN."""
        return console_page(request.url.path)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # An outage met by a resolver fails the whole request with 503 (see AnswerOutages),
        # rather than a 200 whose data is missing for a reason the client cannot act on.
        for error in result.errors or ():
            outage = outage_of(error.original_error)
            if outage is not None:
                raise outage from error.original_error
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            # A request error: the document did not parse or validate, no field ran. A
            # client that accepts application/graphql-response+json gets a 400 (GraphQL over
            # HTTP); one that accepts only application/json gets the 200 it expects.
            request.state.request_error = True
        return await super().process_result(request, result)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's, with the body limit, and its refusals as GraphQL errors (not text)."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            bounded = limit_body(scope, receive, self.settings.max_request_bytes)
            if scope["method"] == "GET":
                scope = self._with_document_text(scope)
            request = Request(scope, bounded)
            response = await self._planned(request) or await self.run(request)
            if getattr(request.state, "request_error", False) and GRAPHQL_RESPONSE in (
                request.headers.get("accept", "")
            ):
                response.status_code = 400
                response.headers["content-type"] = GRAPHQL_RESPONSE
            if scope["method"] == "GET" and "cache-control" not in response.headers:
                # Only the planner's open-data answers are public; anything else a GET
                # answers (errors, myUsage, the console) is for the caller alone.
                response.headers["Cache-Control"] = "private, no-store"
        except HTTPException as exc:
            response = request_error(exc.status_code, exc.reason, getattr(exc, "headers", None))
        except ClientDisconnect:
            return  # gone before its body came: no one to answer, and nothing went wrong here
        await response(scope, receive, send)

    def _with_document_text(self, scope: Scope) -> Scope:
        """A GET by ``documentId`` with the registered text added as ``query``, so that the
        planner and Strawberry read it as any GET (the hash is checked against it again)."""
        sent: bytes = scope["query_string"]
        query_string = self._document_queries.get(sent)
        if query_string is None:
            params = QueryParams(sent)
            document_id = params.get("documentId")
            if document_id is None or "query" in params:
                return scope
            documents: TrustedDocuments = self.state["documents"]
            text = documents.text_of(document_id)
            query_string = sent + b"&" + urlencode({"query": text}).encode()
            # Kept, as a CDN's misses repeat the same few URLs: a repeated GET is rewritten
            # by one look-up, before its answer is looked up in the response cache.
            self._document_queries[sent] = query_string
            if len(self._document_queries) > DOCUMENT_CACHE_SIZE:
                self._document_queries.popitem(last=False)
        return {**scope, "query_string": query_string}

    def decode_json(self, data: str | bytes) -> object:
        # Websocket messages: JSON nested too deep is refused as not JSON (4400) before
        # Python's parser recurses into it.
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if json_depth(text) > MAX_JSON_DEPTH:
            raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH}", text, 0)
        return json.loads(text)

    async def _planned(self, request: Request) -> Response | None:
        """The read planner's answer (one statement per root field), if it gives one; for
        open data, from the response cache while the data has not changed."""
        planner: Planner | None = self.state.get("planner")
        if planner is None:
            return None
        principal: Principal = getattr(request.state, "principal", ANONYMOUS)
        get = request.method == "GET"
        if principal.trusted_documents_only and not (get and "documentId" in request.query_params):
            return None  # Strawberry's path refuses its own documents (TrustedDocuments.resolve)
        if get:
            sent: bytes = request.scope["query_string"]
        elif not request.headers.get("content-type", "").startswith("application/json"):
            return None
        else:
            sent = await request.body()
        responses: ResponseCache | None = self.state.get("responses")
        lookup = None
        if responses is not None and planner.enabled and cacheable(principal):
            # Before anything is parsed: a hit is the request's bytes looked up, bytes out.
            lookup = await responses.lookup(responses.key(principal, request.method, sent))
            if lookup.hit is not None:
                return await self._answer(request, principal, lookup.hit)
        if get:
            operation = _operation_in_url(request, planner, self.state["documents"])
        else:
            operation = operation_of(sent)
        if operation is None or not planner.enabled:
            return None
        answer = await planner.answer_operation(operation, principal)
        if answer is None:
            return None
        if lookup is not None and responses is not None:
            return await self._answer(request, principal, await responses.store(lookup, answer))
        return await self._answer(request, principal, Cached.of(answer))

    async def _answer(self, request: Request, principal: Principal, answer: Cached) -> Response:
        documents: TrustedDocuments = self.state["documents"]
        note_document(answer.document, documents.name_of(answer.document))
        note_operation(answer.operation_name, "query")
        await count_usage(self.state["cache"], principal, request, answer.cost)
        if request.method != "GET":
            return Response(answer.body, media_type="application/json")
        headers = {"ETag": answer.etag}
        if principal.is_anonymous and cacheable(principal):
            # Public: a CDN may keep it for everyone, keyed also by the headers that would
            # make the hub answer differently.
            headers["Cache-Control"] = f"public, max-age={self.settings.open_data_max_age}"
            headers["Vary"] = f"Authorization, {PURPOSE_HEADER}"
        else:
            headers["Cache-Control"] = "private, no-store"
        if _matches(request.headers.get("if-none-match", ""), answer.etag):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type="application/json", headers=headers)

    def parse_json(self, data: str | bytes) -> Any:
        # Strawberry passes the body as bytes, query parameters (variables, extensions) as text.
        return parse_json(data, whole_request=isinstance(data, bytes))

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)
        if not isinstance(data, list) and not isinstance(data.operation_name, str | None):
            raise HTTPException(400, "operationName must be a string or null")
        documents: TrustedDocuments = self.state["documents"]
        body = await request.get_body() if request.method == "POST" else b""
        document_id = request.query_params.get("documentId") if request.method == "GET" else None
        # The adapter keeps the Starlette request private; its state is the ASGI scope's,
        # where Guarded put the principal.
        state = request._request.state
        if isinstance(data, list):
            return [documents.resolve(item, b"", state) for item in data]
        resolved = documents.resolve(data, body, state, document_id)
        if resolved.query is not None:
            digest = document_hash(resolved.query)
            note_document(digest, documents.name_of(digest))
        return resolved


def _operation_in_url(
    request: Request, planner: Planner, documents: TrustedDocuments
) -> Operation | None:
    """The operation of a GET (``query`` — added for a ``documentId`` —, ``variables``,
    ``operationName``); None leaves it to Strawberry (the console page, extensions).
    A mutation or subscription is refused with 405."""
    params = request.query_params
    query = params.get("query")
    if query is None or set(params) - {"query", "documentId", "variables", "operationName"}:
        return None
    document_id = params.get("documentId")
    if document_id is not None and query != documents.text_of(document_id):
        raise HTTPException(400, "documentId: the query sent does not match its hash")
    raw = params.get("variables")
    variables = parse_json(raw, whole_request=False) if raw else {}
    if not isinstance(variables, dict):
        raise HTTPException(400, "variables: must be a JSON object")
    operation = Operation(query, variables, params.get("operationName") or None)
    kind = planner.operation_type(operation)
    if kind is not None and kind is not OperationType.QUERY:
        raise QueriesOnlyOverGet(kind.value)
    return operation


def _matches(header: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110), or is
    ``*``."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


class Guarded:
    """``/graphql`` behind the gate: the principal is found, and the rate limit taken, first."""

    def __init__(self, graphql: HubGraphQL, state: dict[str, Any], settings: Settings) -> None:
        self.graphql = graphql
        self.state = state
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gate: Gate = self.state["gate"]
        headers = Headers(scope=scope)
        try:
            principal = await gate.principal(headers)
        except InvalidToken as exc:
            # A websocket upgrade is answered 401 as plain HTTP is (where the server can send
            # an HTTP answer to an upgrade; else the socket is closed 4401 before it opens).
            if scope["type"] == "websocket" and not _can_deny(scope):
                await send({"type": "websocket.close", "code": 4401, "reason": exc.description})
                return
            await unauthorized(exc.description)(scope, receive, send)
            return
        except BadRequest as exc:
            if scope["type"] == "websocket" and not _can_deny(scope):
                await send({"type": "websocket.close", "code": 4400, "reason": str(exc)[:120]})
                return
            await request_error(400, str(exc))(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        if scope["type"] != "http" or not self.settings.rate_limits:
            await self.graphql(scope, receive, send)
            return
        limiter: RateLimiter = self.state["limiter"]
        client = scope.get("client") or ("unknown", 0)
        key = principal.client_id or f"anonymous:{client[0]}"
        decision = await limiter.take(key, Quota(principal.tier.rate, principal.tier.burst))
        if not decision.allowed:
            RATE_LIMITED.labels(principal.tier.name).inc()
            body = {
                "errors": [
                    {
                        "message": f"rate limit of tier {principal.tier.name} exceeded: "
                        f"retry after {decision.retry_after} s",
                        "extensions": {"code": "RATE_LIMITED"},
                    }
                ]
            }
            response = JSONResponse(body, status_code=429, headers=decision.headers())
            await response(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(decision.headers())
            await send(message)

        await self.graphql(scope, receive, send_with_limits)


def _can_deny(scope: Scope) -> bool:
    """Whether the server can answer a websocket upgrade with an HTTP response (ASGI's
    Websocket Denial Response extension: uvicorn and Starlette's test client can)."""
    return "websocket.http.response" in scope.get("extensions", {})


def create_app(
    settings: Settings, adapters: AdapterRegistry | None = None, *, clock: Clock | None = None
) -> Starlette:
    """The hub's web application; nothing connects until its lifespan starts.

    ``adapters`` replaces the installed adapters (found through entry points) and ``clock``
    the clock of the rate limiter and of the checks for a rotated signing key — for tests.
    """
    state: dict[str, Any] = {}
    graphql_app = HubGraphQL(settings, state)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A rule file that does not validate stops the start, naming its file and line.
        state["credit_rules"] = credit_rules.load(settings.credit_rules_dir)
        engine = create_engine(settings)
        cache: Cache = create_cache(settings)
        limiter = create_rate_limiter(settings, clock)
        queue = create_queue(settings)
        pubsub = create_pubsub(settings)
        stop = asyncio.Event()
        worker: asyncio.Task[int] | None = None
        checkpointing: asyncio.Task[None] | None = None
        freezer = Freezer()
        freezing: asyncio.Task[None] | None = None
        sweeping: asyncio.Task[None] | None = None
        try:
            try:
                alert_thresholds()  # read once, here: a broken file stops the start, named
            except ThresholdError as exc:
                raise ConfigError(str(exc)) from None
            count_statements(engine)
            prepare_engine(engine)
            await check_connection(engine)
            await cache.ping()
            # Every write of the hub's own requests and workers moves the data version.
            versions = state["versions"] = data_version(settings, cache)
            sessions = versioned_sessions(engine, versions)
            kek = key_encryption_key(settings)
            keys = KeyStore(sessions, settings.token_ttl, kek, clock=clock or monotonic)
            await keys.ensure_active()
            revocations = Revocations(cache)
            checkpointer = Checkpointer(sessions, Checkpoints(settings.audit_checkpoints, kek))
            state.update(
                engine=engine,
                sessions=sessions,
                checkpointer=checkpointer,
                read_sessions=session_factory(engine, reads_only=True),
                pubsub=pubsub,
                cache=cache,
                limiter=limiter,
                keys=keys,
                gate=Gate(settings, sessions, keys, revocations),
                oauth=OAuthServer(settings, sessions, keys, revocations, cache),
                documents=TrustedDocuments.load(),
                planner=Planner(graphql_app.schema, settings, engine),
                responses=(
                    ResponseCache(cache, versions, settings.response_cache_seconds)
                    if settings.response_cache_seconds
                    else None
                ),
                exchange=Exchange(
                    adapters or AdapterRegistry.discover(),
                    sessions,
                    queue,
                    pubsub=pubsub,
                    max_attempts=settings.exchange_max_attempts,
                ),
            )
            if settings.exchange_worker:
                worker = asyncio.create_task(work(state["exchange"], queue, stop))
                sweeping = asyncio.create_task(sweep_alerts(sessions, pubsub, stop, turns=cache))
            checkpointing = asyncio.create_task(
                checkpointer.run(stop, settings.audit_checkpoint_seconds)
            )
            app.state.engine = engine
            app.state.sessions = sessions
            app.state.versions = versions
            app.state.planner = state["planner"]
            app.state.cache = cache
            app.state.keys = keys
            app.state.pubsub = pubsub
            app.state.exchange = state["exchange"]
            # What start-up made (modules, schema, plans, code lists) lives as long as the app,
            # and so do live subscriptions: frozen, the collector's full passes no longer walk
            # them. Start-up alone was ~100k objects, 50-150 ms every few thousand fixes of a
            # stream (10-30 us a fix); 5,000 subscriptions ~900k, 0.5 s a pass (hub.collector).
            freezer.start()
            freezing = asyncio.create_task(freezer.run(stop))
            yield
        finally:
            stop.set()
            if freezing is not None:
                await freezing
            freezer.stop()
            if worker is not None:
                await worker
            if checkpointing is not None:
                await checkpointing
            if sweeping is not None:
                await sweeping
            if "planner" in state:
                await state["planner"].close()
            await queue.close()
            await pubsub.close()
            await limiter.close()
            if "versions" in state:
                state["versions"].close()
            await cache.close()
            await engine.dispose()
            process_ended()

    async def token(request: Request) -> Response:
        server: OAuthServer = state["oauth"]
        return await server.token(request)

    async def introspect(request: Request) -> Response:
        server: OAuthServer = state["oauth"]
        return await server.introspect(request)

    async def revoke(request: Request) -> Response:
        server: OAuthServer = state["oauth"]
        return await server.revoke(request)

    async def registration(request: Request) -> Response:
        return await register(request, state["oauth"], state["limiter"])

    async def jwks(_request: Request) -> JSONResponse:
        keys: KeyStore = state["keys"]
        await keys.current()
        return JSONResponse(keys.jwks(), headers={"Cache-Control": "max-age=60"})

    async def metadata(_request: Request) -> JSONResponse:
        server: OAuthServer = state["oauth"]
        return JSONResponse(server.metadata())

    graphql = Guarded(graphql_app, state, settings)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route(TOKEN_PATH, token, methods=["POST"]),
            Route(INTROSPECTION_PATH, introspect, methods=["POST"]),
            Route(REVOCATION_PATH, revoke, methods=["POST"]),
            Route(REGISTRATION_PATH, registration, methods=["POST"]),
            Route("/.well-known/jwks.json", jwks),
            Route("/.well-known/oauth-authorization-server", metadata),
            *exchange_routes(state),
            *enforcement_routes(state, settings),
            *health_routes(state, redis=settings.redis_url is not None),
            Route("/metrics", metrics_endpoint(state)),
            *console_routes(lambda: sdl_of(graphql_app.schema)),
            *docs_routes(),
            # Open data: the CKAN catalogue, DCAT-AP and the bulk files (hub/opendata/).
            *opendata_routes(settings),
        ],
        middleware=[Middleware(RequestLog), Middleware(AnswerOutages)],
        lifespan=lifespan,
    )


def app_from_env() -> Starlette:
    """The app configured from ``HUB_*`` variables: the factory ``hub serve`` gives uvicorn.

    Each worker process calls it, so each sets up its logging here.
    """
    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level, server=True)
    return create_app(settings)
