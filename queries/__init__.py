"""Named SPARQL queries, one ``.rq`` file each, that back the JSON endpoints."""
