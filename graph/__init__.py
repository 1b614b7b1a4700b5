"""The knowledge graph: store, vocabulary, named queries and the analytics over them.

Nothing here knows about HTTP or the command line.
"""
