"""Searches compiled to SQL over runhub's tables: one module per entity, each taking a request
parsed by the pure grammar of ``runhub.search`` and returning a keyset-paged ``SearchQuery``."""
