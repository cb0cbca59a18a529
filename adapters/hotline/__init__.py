"""12328 交通运输服务监督电话: complaint tickets about operators and vehicles, with how the
hotline concluded them, mapped to canonical records.

Registered under the ``hub.adapters`` entry point ``hotline``.
"""

from adapters.hotline.adapter import adapter

__all__ = ["adapter"]
