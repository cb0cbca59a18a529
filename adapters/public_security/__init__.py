"""公安交管 public security traffic police: vehicle registrations, driving licences, traffic
violations and the vehicle blacklist, mapped to the hub's canonical records.

Registered under the ``hub.adapters`` entry point ``public_security``.
"""

from adapters.public_security.adapter import adapter

__all__ = ["adapter"]
