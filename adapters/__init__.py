"""Agency adapters: one subpackage per agency, found by the hub through entry points.

The contract (the hub never imports this package):

- Each adapter subpackage (``adapters/<agency>/``) exposes an adapter object and declares it
  in ``pyproject.toml`` under the entry-point group ``hub.adapters``, named after the agency::

      [project.entry-points."hub.adapters"]
      public_security = "adapters.public_security:adapter"

- The hub loads that group at start-up and registers each adapter by its name; two adapters
  with the same name are refused, so an agency cannot be shadowed by accident.
- Adapters import only ``hub.canonical`` (records, identifiers, code lists) and the exchange
  protocol; never ``hub.api``, ``hub.db`` or a domain's internals. They map the agency's
  documents to canonical records and back, and nothing else.
"""
