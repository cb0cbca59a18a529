"""The bulk position intake: a stream of NDJSON or CSV lines, taken in batches.

Lines are parsed as they arrive (a chunked request body or a file, never read whole), a block
of ``batch_size`` lines at a time, in columns where they can be (``hub.positions.columns``);
each block is one transaction: the fixes stored (a fix of a vehicle and
instant already stored is a duplicate and changes nothing), the latest positions kept
current, the refused lines dead-lettered with their line numbers, the fixes that cannot be
true (``hub.positions.plausibility``) kept as quality findings instead, and for vehicles on
consignment road legs the gate-in and gate-out events derived (``hub.positions.crossings``)
and attached. A batch that fails leaves the batches before it committed: sending the whole
stream again is safe, since nothing is stored twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.canonical.geo import Point
from hub.multimodal import service as multimodal
from hub.positions import columns, crossings, live, plausibility, repository
from hub.positions.crossings import GAP, Vehicle
from hub.positions.fences import FenceFinder
from hub.positions.lines import MAX_LINE, BadLine, CsvLines, Fix, Rejected, from_json

log = logging.getLogger(__name__)

AGENCY = "positioning"
"""The agency positions come from: the source of the gate events they give."""
BATCH_SIZE = 10_000
SHOWN_REJECTIONS = 100
"""Refused lines named in a summary (all of them are dead-lettered)."""

Observer = Callable[
    [AsyncSession, Sequence[Fix], dt.datetime, Sequence[Fix]], Awaitable[list[tuple[str, bytes]]]
]
"""Called with each batch's new fixes, and the fixes refused as jumps from their vehicle's
previous one, inside its transaction (the alert engine): returns the (channel, message) pairs
to publish once the batch commits."""


class Format(Enum):
    """How the lines are written."""

    NDJSON = "ndjson"
    CSV = "csv"


class BadHeader(ValueError):
    """A CSV stream whose header row does not name the columns: no line can be read."""


@dataclass
class Summary:
    """What an intake did with its lines."""

    intake: str
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    implausible: int = 0
    """Well-formed fixes that cannot be true: kept as quality findings, not as positions."""
    events: int = 0
    rejections: list[Rejected] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "intake": self.intake,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "implausible": self.implausible,
            "events": self.events,
            "rejections": [{"line": r.line, "reason": r.reason} for r in self.rejections],
        }


class Intake:
    """One stream or file of position lines from one source."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        source: str,
        form: Format,
        *,
        finder: FenceFinder | None = None,
        publish: Callable[[list[tuple[str, bytes]]], Any] | None = None,
        observe: Observer | None = None,
        batch_size: int = BATCH_SIZE,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.sessions = sessions
        self.source = source
        self.form = form
        self.finder = finder or FenceFinder()
        self.publish = publish
        self.observe = observe
        self.batch_size = batch_size
        self.clock = clock
        self.summary = Summary(intake=uuid.uuid4().hex)
        self._csv: CsvLines | None = None
        self._csv_read: Callable[[Sequence[bytes]], list[Fix | None]] | None = None
        self._fixes: dict[tuple[str, object, dt.datetime], Fix] = {}
        self._rejected: list[tuple[int, str, str]] = []
        self._line = 0
        self._storing: asyncio.Task[None] | None = None

    async def take(self, chunks: AsyncIterable[bytes]) -> Summary:
        """Take every line of a byte stream, then the last batch; returns the summary."""
        try:
            await self._take(chunks)
            await self.flush()
        finally:
            await self._stored()
        return self.summary

    async def _take(self, chunks: AsyncIterable[bytes]) -> None:
        pending, discarding = b"", False
        block: list[bytes] = []
        async for chunk in chunks:
            if self._storing is not None:
                await asyncio.sleep(0)  # let the batch being stored go on while this one is read
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if discarding and lines:  # the end of a line refused as too long
                discarding = False
                del lines[0]
            block += lines
            if len(pending) > MAX_LINE and not discarding:
                block.append(pending)  # refused, without waiting for the rest of it
                discarding = True
            if discarding:
                pending = b""
            while len(block) >= self.batch_size:
                await self.lines(block[: self.batch_size])
                del block[: self.batch_size]
        if pending and not discarding:
            block.append(pending)
        if block:
            await self.lines(block)

    async def lines(self, block: Sequence[bytes]) -> None:
        """Take lines (without their newlines) as one batch, handed to storage.

        Read a block at a time, column by column (``hub.positions.columns``); the lines that
        path leaves, and a CSV stream's header, are read one by one.
        """
        read: list[Fix | None] = []
        start = self._line
        if self._csv is not None:
            read = self._csv_block(block)
        elif self.form is Format.NDJSON:
            read = columns.read_json(block)
        fixes = self._fixes
        for offset, raw in enumerate(block):
            fix = read[offset] if read else None
            if fix is None:
                self._line = start + offset
                self._take_line(raw)
                if self._csv is not None and not read and offset + 1 < len(block):
                    # the header read: the rest of the block in columns
                    self._line = start + offset + 1
                    await self.lines(block[offset + 1 :])
                    return
                continue
            key = (fix.plate, fix.color._value_, fix.observed_at)
            if key in fixes:
                self.summary.duplicates += 1
            else:
                fixes[key] = fix
        self._line = start + len(block)
        await self.flush()

    def _csv_block(self, block: Sequence[bytes]) -> list[Fix | None]:
        if self._csv_read is None:
            self._csv_read = columns.csv_reader(self._csv.names)  # type: ignore[union-attr]
        return self._csv_read(block)

    def _take_line(self, raw: bytes) -> None:
        self._line += 1
        if len(raw) > MAX_LINE:
            self._reject(f"longer than {MAX_LINE} bytes", raw[:600].decode(errors="replace"))
            return
        try:
            line = raw.decode("utf-8-sig" if self._line == 1 else "utf-8").rstrip("\r")
        except UnicodeDecodeError as exc:
            self._reject(f"not UTF-8 (byte {exc.start + 1})", raw.decode(errors="replace"))
            return
        if not line.strip():
            return
        try:
            fix = self._parse(line)
        except BadLine as exc:
            self._reject(str(exc), line)
            return
        if fix is None:
            return
        key = (fix.plate, fix.color._value_, fix.observed_at)
        if key in self._fixes:
            self.summary.duplicates += 1
        else:
            self._fixes[key] = fix

    def _parse(self, line: str) -> Fix | None:
        if self.form is Format.NDJSON:
            return from_json(line)
        if self._csv is None:
            try:
                self._csv = CsvLines(line)
            except BadLine as exc:
                raise BadHeader(f"line {self._line}: {exc}") from None
            return None
        return self._csv.fix(line)

    def _reject(self, reason: str, text: str) -> None:
        self.summary.rejected += 1
        if len(self.summary.rejections) < SHOWN_REJECTIONS:
            self.summary.rejections.append(Rejected(self._line, reason, text))
        self._rejected.append((self._line, reason, text))

    async def flush(self) -> None:
        """Store the lines taken so far in one transaction, once the batch before is stored.

        One batch is stored while the next is read: the database works while Python parses.
        Never two at once, so a batch's tracks include every fix of the batches before it.
        """
        fixes, self._fixes = list(self._fixes.values()), {}
        rejected, self._rejected = self._rejected, []
        if not fixes and not rejected:
            return
        await self._stored()
        self._storing = asyncio.create_task(self._store(fixes, rejected))

    async def _stored(self) -> None:
        """Wait for the batch being stored (raising what it raised)."""
        if self._storing is not None:
            storing, self._storing = self._storing, None
            await storing

    async def _store(self, taken: list[Fix], rejected: list[tuple[int, str, str]]) -> None:
        received_at = self.clock()
        fixes: list[Fix] = []
        flagged: list[plausibility.Flagged] = []
        plates = {fix.plate for fix in taken}  # a str's hash is kept: cheaper than (plate, colour)
        if taken:
            async with self.sessions() as session, session.begin():
                previous = await repository.previous(session, plates)
                fixes, flagged = plausibility.screen(taken, previous, received_at)
                await repository.ensure_partitions(
                    session, {at.date() for at in {fix.observed_at for fix in fixes}}
                )
        async with self.sessions() as session, session.begin():
            # The plates of the fixes taken: a vehicle whose every fix was flagged has none.
            stored = plates if len(fixes) == len(taken) else {fix.plate for fix in fixes}
            watched = await crossings.watched_vehicles(session, stored) if fixes else set()
            if watched:
                await crossings.serialise(session, watched)
            new = await repository.store(session, fixes, received_at)
            await repository.dead_letter(
                session, self.summary.intake, self.source, rejected, received_at
            )
            await repository.record_findings(session, self.source, flagged, received_at)
            messages = await self._events(session, fixes, watched, received_at) if watched else []
            if self.observe is not None:
                drifted = plausibility.drifted(flagged)
                messages += await self.observe(session, fixes, received_at, drifted)
        self.summary.accepted += new
        self.summary.duplicates += len(fixes) - new
        self.summary.implausible += len(flagged)
        if self.publish is not None:
            # Built only to be published: a file import follows no vehicle live.
            messages += live.messages(fixes)
            if messages:
                await self.publish(messages)
        if fixes:
            try:
                await repository.ensure_partitions_ahead(self.sessions, received_at.date())
            except SQLAlchemyError:
                # The batch is stored and published: a partition not made ahead is made by
                # the first batch of its day instead, so this must not fail the request.
                log.exception("could not make the position partitions ahead of %s", received_at)

    async def _events(
        self,
        session: AsyncSession,
        fixes: list[Fix],
        watched: set[Vehicle],
        received_at: dt.datetime,
    ) -> list[tuple[str, bytes]]:
        """Derive and attach the gate events of the watched vehicles' fixes in this batch."""
        spans: dict[Vehicle, tuple[dt.datetime, dt.datetime]] = {}
        for fix in fixes:
            vehicle = (fix.plate, fix.color)
            if vehicle in watched:
                start, end = spans.get(vehicle, (fix.observed_at, fix.observed_at))
                spans[vehicle] = (min(start, fix.observed_at), max(end, fix.observed_at))
        if not spans:  # a watched plate, under another colour: another vehicle
            return []
        low = min(start for start, _ in spans.values()) - GAP
        high = max(end for _, end in spans.values()) + GAP
        stored = await repository.tracks(session, spans, low, high)
        # Each vehicle's fixes of this batch, with the stored one just before and just after.
        chosen: dict[Vehicle, list[repository.TrackFix]] = {}
        for vehicle, (start, end) in spans.items():
            track = stored[vehicle]
            before = [f for f in track if f[0] < start][-1:]
            after = [f for f in track if f[0] > end][:1]
            chosen[vehicle] = [*before, *(f for f in track if start <= f[0] <= end), *after]
        points: list[Point] = [(f[1], f[2]) for track in chosen.values() for f in track]
        fences = iter(await self.finder(session, points))
        found = {
            vehicle: crossings.crossings([(f[0], next(fences)) for f in track])
            for vehicle, track in chosen.items()
        }
        found = {vehicle: crossed for vehicle, crossed in found.items() if crossed}
        if not found:
            return []
        known: dict[Vehicle, list[crossings.KnownCrossing]] = defaultdict(list)
        for entry in await crossings.known_crossings(session, AGENCY, found, low - GAP, high + GAP):
            known[(entry[0], entry[1])].append(entry)
        attached = []
        for (plate, color), crossed in found.items():
            for crossing in crossed:
                if crossings.is_known(known[(plate, color)], plate, color, crossing):
                    continue
                event = crossings.event(AGENCY, plate, color, crossing)
                for consignment in await multimodal.record(session, event, received_at, AGENCY):
                    attached.append((consignment, event))
        self.summary.events += len(attached)
        return await multimodal.published_events(session, attached)
