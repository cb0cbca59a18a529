"""The audit log 审计日志: who read whose personal data, when and why, hash-chained.

Every GraphQL request that returned personal data or wrote anything appends one entry
(:func:`hub.audit.log.append`); ``hub audit verify`` (:mod:`hub.audit.verify`) walks the chain
and names any entry that was edited, removed, inserted or reordered.
"""
