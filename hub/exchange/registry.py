"""Finding the agency adapters: the ``hub.adapters`` entry-point group, never an import.

The hub does not import ``adapters``; installed adapter packages declare themselves and are
registered by name here. Two adapters claiming one name are refused, so an agency cannot be
shadowed by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points

from hub.errors import HubError, NotFound
from hub.exchange.protocol import ENTRY_POINT_GROUP, Adapter


class RegistryError(HubError):
    """An adapter that cannot be registered: duplicate name, wrong type, failed import."""


class AdapterRegistry(Mapping[str, Adapter]):
    """Adapters by agency name."""

    def __init__(self, adapters: Iterable[Adapter]) -> None:
        self._adapters: dict[str, Adapter] = {}
        for adapter in adapters:
            if adapter.name in self._adapters:
                raise RegistryError(f"two adapters claim the agency {adapter.name!r}")
            self._adapters[adapter.name] = adapter

    @classmethod
    def discover(cls, points: Iterable[EntryPoint] | None = None) -> AdapterRegistry:
        """Every adapter installed under the entry-point group."""
        loaded = []
        for point in entry_points(group=ENTRY_POINT_GROUP) if points is None else points:
            try:
                adapter = point.load()
            except Exception as exc:  # an adapter that fails to import must say which one
                raise RegistryError(f"adapter {point.name!r} failed to load: {exc}") from exc
            if not isinstance(adapter, Adapter):
                raise RegistryError(f"entry point {point.name!r} is not an Adapter: {adapter!r}")
            if adapter.name != point.name:
                raise RegistryError(
                    f"entry point {point.name!r} loads adapter {adapter.name!r}: names must match"
                )
            loaded.append(adapter)
        return cls(loaded)

    def __getitem__(self, name: str) -> Adapter:
        try:
            return self._adapters[name]
        except KeyError:
            known = ", ".join(sorted(self._adapters)) or "none installed"
            raise NotFound(f"no adapter for agency {name!r} (known: {known})") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._adapters)

    def __len__(self) -> int:
        return len(self._adapters)
