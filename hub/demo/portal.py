"""The demo's portal client: what GraphiQL uses to look at the demo, journeys included.

`hub demo` registers it (internal tier; registry, enforcement and consignment scopes; no
personal data), with no secret anyone knows: `hub demo-token` has the hub itself issue it a
token, as the token endpoint would, for whoever runs the hub on this machine.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.auth import clients
from hub.auth.clients import RegisteredClient
from hub.auth.keys import KeyStore
from hub.auth.models import OAuthClient
from hub.auth.server import HubTokenGenerator
from hub.config import Settings
from hub.errors import HubError
from hub.sealing import key_encryption_key

AGENCY = "demo_portal"
NAME = "演示门户 / demo portal"
SCOPES = "registry:read enforcement:read enforcement:write consignment:write"


async def register(session: AsyncSession) -> str:
    """Register the demo portal client; returns its client id."""
    made = await clients.add(session, name=NAME, agency=AGENCY, scopes=SCOPES, tier="internal")
    return made.row.client_id


async def token(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> str:
    """A fresh access token of the demo portal client."""
    async with sessions() as session:
        row = await session.scalar(
            select(OAuthClient).where(OAuthClient.agency == AGENCY, OAuthClient.disabled.is_(False))
        )
    if row is None:
        raise HubError("no demo portal client here: load the demo first (`hub demo`)")
    keys = KeyStore(sessions, settings.token_ttl, key_encryption_key(settings))
    await keys.ensure_active()
    issued = HubTokenGenerator(settings, keys)(
        grant_type="client_credentials", client=RegisteredClient.of(row), user=None, scope=None,
        include_refresh_token=False,
    )  # fmt: skip
    return str(issued["access_token"])
