"""The rail freight exchange (铁路货运交易平台): waybills and container events at stations.

Declared to the hub under the ``hub.adapters`` entry-point group as ``rail``.
"""

from adapters.rail.adapter import adapter

__all__ = ["adapter"]
