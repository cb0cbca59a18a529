"""The road transport vehicle satellite positioning platform (道路运输车辆卫星定位监管平台).

Declared to the hub under the ``hub.adapters`` entry-point group as ``positioning``.
"""

from adapters.positioning.adapter import adapter

__all__ = ["adapter"]
