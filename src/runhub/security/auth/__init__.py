"""The basic-auth app: users, hashed passwords and tokens, permissions, and their REST API.

Its data lives in a database of its own (``database_uri`` in the auth config), with its own
migrations and version table, separate from the tracking store.
"""
