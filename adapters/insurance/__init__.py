"""保险 insurers' platform: compulsory traffic liability (交强险), carrier liability and
dangerous goods carrier liability policies and the claims on them, mapped to canonical records.

Registered under the ``hub.adapters`` entry point ``insurance``.
"""

from adapters.insurance.adapter import adapter

__all__ = ["adapter"]
