"""The model scoring server: an ASGI app that serves one MLflow-format model.

It shares only the error conventions with the tracking server and never needs a database.
"""
