"""The ASGI application: built by ``create_app``; its lifespan owns every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from hub.api.context import Context
from hub.api.schema import build_schema
from hub.cache import Cache, create_cache
from hub.config import Settings
from hub.db import check_connection, create_engine, session_factory
from hub.migrate import current_revision, head_revision


class HubGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI endpoint with the hub's per-request context."""

    def __init__(self, settings: Settings, state: dict[str, Any]) -> None:
        super().__init__(
            build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None
        )
        self.settings = settings
        self.state = state

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            settings=self.settings,
            sessions=self.state["sessions"],
            cache=self.state["cache"],
            request=request,
            response=response if isinstance(response, Response) else None,
        )


def create_app(settings: Settings) -> Starlette:
    """The hub's web application; nothing connects until its lifespan starts."""
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings)
        cache: Cache = create_cache(settings)
        try:
            await check_connection(engine)
            await cache.ping()
            state.update(engine=engine, sessions=session_factory(engine), cache=cache)
            app.state.engine = engine
            app.state.cache = cache
            yield
        finally:
            await cache.close()
            await engine.dispose()

    async def health(_request: Request) -> JSONResponse:
        revision = await current_revision(state["engine"])
        body = {"status": "ok", "schemaRevision": revision, "expectedRevision": head_revision()}
        return JSONResponse(body, status_code=200 if revision == head_revision() else 503)

    graphql = HubGraphQL(settings, state)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health),
        ],
        lifespan=lifespan,
    )


def app_from_env() -> Starlette:
    """The app configured from ``HUB_*`` variables: the factory ``hub serve`` gives uvicorn."""
    return create_app(Settings.from_env())
