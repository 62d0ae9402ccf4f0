"""GraphQL at ``/graphql`` (mlflow-api.md §10): read-only queries over the REST handlers."""
