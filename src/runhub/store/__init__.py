"""Storage: the schema, migrations, and the stores behind the API (see stores.py)."""
