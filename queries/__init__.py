"""Named SPARQL queries, one ``.rq`` file each, whose header gives the name, what it answers
and its parameters (``graph.queries`` reads and runs them; ``skillgraph query`` lists them).

They state in SPARQL over the store the questions behind the JSON API: similar occupations,
prospects, skill gaps, an occupation's or a skill's relations, ISCO groups, labels and
counts (career paths, matching and ranked search are computed in memory, over what these
queries read). They serve three purposes:

- **For SPARQL users**: any of them can be pasted into ``/sparql`` (its parameters replaced by
  values) or run with ``skillgraph query``, to get an answer of the API from the standard
  endpoint, or to start a query of one's own.
- **As test oracles**: most JSON answers no longer run a query per request; they come from
  indexes built in memory once per store version (career moves, skills, labels, search).
  The tests hold those answers to these queries, on the sample and on the full data, so an
  index cannot drift from what the store says.
- **At run time**: some are still run by the service, for what no index holds. Which ones
  changes as answers move to the indexes; a query's name in the code (``graph/``,
  ``service/``) says whether anything runs it.
"""
