"""A seeded corpus of random documents (1,000 root selections), each answered by the planner
and by the resolvers alike, for five principals, on both database backends."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select

from hub.alerts.models import AlertRow
from hub.operators.models import Operator, Permit
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from tests.api.plan.corpus import LISTS, Corpus, Pools
from tests.api.plan.differential import assert_same, compare
from tests.api.plan.test_operations import PRINCIPALS, principals, seed
from tests.conftest import GraphQLClient

DOCUMENTS = 200
ROOTS = 5


async def pools(sessions: Any, client: GraphQLClient) -> Pools:
    """Keys to look up (some missing) and cursors of every list and ordering."""
    async with sessions() as session:
        vehicles = (await session.execute(select(Vehicle.plate, Vehicle.plate_color))).all()
        usccs = (await session.scalars(select(Operator.uscc))).all()
        numbers = (await session.scalars(select(Permit.number))).all()
        codes = (await session.scalars(select(Station.code))).all()
    keys = {
        "vehicle": [f'plate: "{p}", plateColor: {c.name}' for p, c in vehicles[:20]]
        + ['plate: "苏Z00000", plateColor: BLUE', 'plate: "no plate", plateColor: BLUE'],
        "operator": [f'uscc: "{u}"' for u in usccs[:10]] + ['uscc: "91320100MA1234567X"'],
        "permit": [f'number: "{n}"' for n in numbers[:10]],
        "station": [f'code: "{c}"' for c in codes[:10]] + ['code: "NOPE"', 'code: "no code"'],
    }
    async with sessions() as session:
        rows = [
            (name, pk)
            for name, model in (
                ("Vehicle", Vehicle),
                ("Operator", Operator),
                ("Permit", Permit),
                ("Station", Station),
                ("Alert", AlertRow),
            )
            for pk in (await session.scalars(select(model.id).limit(15))).all()
        ]
    ids = [base64.b64encode(f"{name}:{pk}".encode()).decode() for name, pk in rows]
    ids += ["VmVzc2VsOjE=", base64.b64encode(b"Vehicle:999999").decode()]
    found = Pools(keys, ids=ids)
    for root, (_type, sorts) in LISTS.items():
        for sort in sorts:
            for direction in ("ASC", "DESC"):
                answer = await client(
                    f"{{ {root}(first: 40, orderBy: {{field: {sort}, direction: {direction}}}) "
                    "{ edges { cursor } } }"
                )
                found.cursors[(root, f"{sort}:{direction.lower()}")] = [
                    edge["cursor"] for edge in answer["data"][root]["edges"]
                ]
    return found


async def test_random_documents_answer_as_the_resolvers_do(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await seed(sessions)
    clients = list((await principals(anonymous)).items())
    internal = GraphQLClient(anonymous.http, dict(clients)["internal"])
    corpus = Corpus(2026, await pools(sessions, internal))
    planned = 0
    for n in range(DOCUMENTS):
        name, headers = clients[n % len(clients)]
        document = corpus.document(ROOTS, frozenset(PRINCIPALS[name].scopes.split()))
        compared = await compare(anonymous.http, headers, document.query, document.variables)
        assert_same(compared, f"document {n} as {name}:\n{document.query}\n{document.variables}")
        planned += compared.answered_by_planner
    # Not vacuous: most documents are the planner's (the rest: a missing record, a refused
    # argument, a field resolved in Python, a principal refused a field).
    assert planned >= DOCUMENTS // 3, planned
