"""skillgraph: the ESCO classification as a linked-data knowledge graph, served over SPARQL and JSON."""
