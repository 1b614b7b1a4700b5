"""The ESCO model terms the graph uses, and ours (``esco.ttl``); loaded into every store."""
