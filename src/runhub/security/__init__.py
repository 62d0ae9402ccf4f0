"""Security: pure policy functions plus the thin ASGI middleware that applies them.

``hosts`` (DNS-rebinding guard), ``cors`` (origin allowlist and the server-side block of
cross-origin writes), ``headers`` (nosniff, frame options), ``body_limit`` (request size),
``policy`` (the permission rule of every route) and ``auth`` (the basic-auth app).
"""
