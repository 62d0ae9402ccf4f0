"""How the ASGI app is served: server protocols, workers and process-wide middleware."""
