"""The maritime safety administration and shipping exchange (海事与航运交易): vessel
registrations, port calls, AIS positions and shipping exchange listings.

Declared to the hub under the ``hub.adapters`` entry-point group as ``maritime``.
"""

from adapters.maritime.adapter import adapter

__all__ = ["adapter"]
