"""skillgraph: the ESCO classification as a linked-data knowledge graph, over SPARQL and JSON."""
