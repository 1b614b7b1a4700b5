"""The example queries of the query page: the README's, and a few that start from the
occupation the README starts from (producer). ``tests/test_pages_sparql.py`` checks that every
SPARQL block of the README is here, so the page and the README do not drift apart."""

from __future__ import annotations

from typing import Final

EXAMPLES: Final = (
    (
        "Producer's essential skills",
        """PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?skill ?label WHERE {
  <http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f>
      esco:relatedEssentialSkill ?skill .
  ?skill skos:prefLabel ?label FILTER(LANG(?label) = "en")
}
ORDER BY ?label""",
    ),
    (
        "Occupations of ISCO group 2654",
        """PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?occupation ?label WHERE {
  ?occupation a esco:Occupation ;
      skos:broader+ <http://data.europa.eu/esco/isco/C2654> ;
      skos:prefLabel ?label FILTER(LANG(?label) = "en")
}
ORDER BY ?label""",
    ),
    (
        "Skills most occupations need",
        """PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label (COUNT(?occupation) AS ?occupations) WHERE {
  ?occupation esco:relatedEssentialSkill ?skill .
  ?skill skos:prefLabel ?label FILTER(LANG(?label) = "en")
}
GROUP BY ?label
ORDER BY DESC(?occupations)
LIMIT 20""",
    ),
    (
        "The model's terms",
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?label WHERE { ?term rdfs:isDefinedBy ?model ; rdfs:label ?label }""",
    ),
    (
        "Job titles mapped to ESCO, with Holland codes",
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sg: <https://w3id.org/skillgraph/model#>
SELECT ?title ?occupation ?onet_title ?holland WHERE {
  ?job skos:inScheme <https://jobs.example.org/titles> ; skos:prefLabel ?title .
  ?esco skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?job ;
        skos:prefLabel ?occupation ;
        skos:closeMatch|skos:broadMatch ?onet .
  FILTER(LANG(?occupation) = "en")
  ?onet skos:inScheme <https://w3id.org/skillgraph/id/onet-soc/2019> ;
        skos:prefLabel ?onet_title ; sg:hollandCode ?holland .
}
ORDER BY ?title""",
    ),
    (
        "Labels in French, else English",
        """PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?occupation ?label WHERE {
  ?occupation a esco:Occupation .
  OPTIONAL { ?occupation skos:prefLabel ?asked FILTER(LANG(?asked) = "fr") }
  OPTIONAL { ?occupation skos:prefLabel ?main FILTER(LANG(?main) = "en") }
  BIND(COALESCE(?asked, ?main) AS ?label)
}
ORDER BY ?label""",
    ),
    (
        "Labels changed from v1.1.1 to v1.2.0 (both releases loaded)",
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?occupation ?before ?after WHERE {
  GRAPH <https://w3id.org/skillgraph/graph/esco/v1.1.1> { ?occupation skos:prefLabel ?before }
  GRAPH <https://w3id.org/skillgraph/graph/esco/v1.2.0> { ?occupation skos:prefLabel ?after }
  FILTER(LANG(?before) = "en" && LANG(?after) = "en" && ?before != ?after)
}""",
    ),
)
"""(name, query): the examples, the first shown in the editor."""
