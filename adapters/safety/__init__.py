"""应急管理 work-safety supervision: road transport accidents with the vehicles involved, and
safety inspections of operators with their hazard rectification, mapped to canonical records.

Registered under the ``hub.adapters`` entry point ``safety``.
"""

from adapters.safety.adapter import adapter

__all__ = ["adapter"]
