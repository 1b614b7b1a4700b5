"""The HTTP service: FastAPI app, routes, SPARQL protocol, problem responses."""
