"""The examples of the API docs: concepts of the bundled sample that give real answers.

``/docs`` prefills every operation's parameters with these, so that "Try it out" answers on
the sample at once; ``tests/test_docs_examples.py`` calls every operation with them on the
sample and checks each answer is a real one (a 200 with something in it).
"""

from __future__ import annotations

from typing import Any

from loaders import sample

PRODUCER = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
"""producer (ISCO 2654, skill level 4): many skills and similar occupations"""
CAMERA_OPERATOR = "6fed206a-ac4d-492b-a81a-5a3a0f2b67bc"
"""camera operator (skill level 3): its long-term prospects are at level 4, producer among them"""
PIANO_MAKER = "97dd9a0c-dd6b-416d-9537-655a08dd2895"
"""piano maker (skill level 2): holds none of the producer's essential skills, an unrealistic
move with its reasons"""
MANAGE_BUDGETS = "21c5790c-0930-4d74-b3b0-84caf5af12ea"
"""the skill "manage budgets", essential for several occupations"""

SAMPLE_RELEASE = sample.RELEASE
CHECKED_URIS = ["http://data.europa.eu/esco/occupation/" + PRODUCER]
"""the body of the migration check's example"""

PARAMETERS: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/occupations"): {"q": "producer"},
    ("get", "/occupations/{id}"): {"id": PRODUCER},
    ("get", "/occupations/{id}/similar"): {"id": PRODUCER},
    ("get", "/occupations/{id}/prospects"): {"id": CAMERA_OPERATOR},
    ("get", "/occupations/{id}/mappings"): {"id": PRODUCER},
    ("get", "/occupations/{id}/skill-gap/{target}"): {"id": CAMERA_OPERATOR, "target": PRODUCER},
    ("get", "/occupations/{id}/paths/{target}"): {"id": CAMERA_OPERATOR, "target": PRODUCER},
    ("get", "/occupations/{id}/transition/{target}"): {"id": PIANO_MAKER, "target": PRODUCER},
    ("get", "/occupations/{id}/routes-in"): {"id": PRODUCER, "max_level": 2},
    ("get", "/skills"): {"q": "manage budgets"},
    ("get", "/skills/{id}"): {"id": MANAGE_BUDGETS},
    ("get", "/occupations/{id}/history"): {"id": PRODUCER},
    ("get", "/skills/{id}/history"): {"id": MANAGE_BUDGETS},
    # The sample is one release: what changed from it to itself (nothing), on a store of
    # several, from=v1.1.1&to=v1.2.0
    ("get", "/changes"): {"from": SAMPLE_RELEASE},
    ("post", "/changes/check"): {"from": SAMPLE_RELEASE},
    ("get", "/suggest"): {"q": "prod"},
    ("get", "/isco/{code}"): {"code": "2654"},
    ("get", "/resource"): {"uri": "http://data.europa.eu/esco/occupation/" + PRODUCER},
    ("get", "/esco/api/resource/{kind}"): {
        "kind": "occupation",
        "uri": "http://data.europa.eu/esco/occupation/" + PRODUCER,
    },
    ("get", "/esco/api/resource/related"): {
        "uri": "http://data.europa.eu/esco/occupation/" + PRODUCER,
        "relation": "hasEssentialSkill",
    },
    ("get", "/esco/api/search"): {"text": "producer"},
    ("get", "/esco/api/suggest2"): {"text": "prod"},
    ("get", "/reconcile/properties"): {"type": "Occupation"},
    ("get", "/reconcile/preview"): {"id": "http://data.europa.eu/esco/occupation/" + PRODUCER},
    ("get", "/reconcile/suggest/entity"): {"prefix": "prod"},
    ("get", "/reconcile/suggest/type"): {"prefix": "occ"},
    ("get", "/reconcile/suggest/property"): {"prefix": "isco"},
    ("get", "/sparql"): {
        "query": "PREFIX esco: <http://data.europa.eu/esco/model#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?occupation ?label WHERE {\n"
        "  ?occupation a esco:Occupation ; skos:prefLabel ?label .\n"
        "} ORDER BY ?label LIMIT 10"
    },
}
"""(method, path) -> parameter -> its example"""

PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("malformed-query", "/sparql", "error at 1:10: expected a variable or '*'"),
    403: ("read-only", "/sparql", "this endpoint is read-only: SPARQL updates are refused"),
    404: (
        "not-found",
        f"/occupations/{PRODUCER[:-1]}0",
        f"no occupation {PRODUCER[:-1]}0 in this store",
    ),
    405: ("method-not-allowed", "/occupations", "DELETE is not allowed here; allowed: GET"),
    406: ("not-acceptable", "/sparql", "no acceptable format for a SELECT or ASK answer"),
    413: ("too-large", "/match", "the request body is over 1 MiB"),
    414: ("uri-too-long", "/sparql", "the URL is over 32 KiB: POST the query instead"),
    415: ("unsupported-media-type", "/sparql", "the body's charset is latin-1; send UTF-8"),
    422: ("invalid-parameter", "/occupations/producer", "'producer' is not an ESCO occupation id"),
    502: ("service-failed", "/sparql", "a SERVICE call failed: connection refused"),
    503: ("busy", "/sparql", "every SPARQL worker is busy and the queue is full; retry"),
}
"""status -> (problem type, instance, detail) of the example body of each documented error"""

RECONCILE_QUERIES = (
    '{"q0": {"query": "music producers", "type": "Occupation"}, '
    '"q1": {"query": "manage budget", "type": "Skill", "limit": 3}}'
)
"""A reconciliation batch, as OpenRefine sends it in the form field ``queries``."""
