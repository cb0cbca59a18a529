"""市场监管 commerce registry: business registrations by unified social credit code, mapped to
the hub's canonical records.

Registered under the ``hub.adapters`` entry point ``commerce``.
"""

from adapters.commerce.adapter import adapter

__all__ = ["adapter"]
