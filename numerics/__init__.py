"""JAX numerics: networks as pure functions over parameter pytrees, posterior samplers, estimators.

Never imports ``theory``; comparisons that need both layers live in ``proofs_checks``.
"""
