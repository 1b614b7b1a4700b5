"""The JSON API's answers, shaped from the catalog's typed values in one place.

The catalog (:mod:`graph.catalog`) answers with the values of :mod:`graph.answers`, which
know nothing of field names; here they become the JSON documents that the response models
of :mod:`service.models` describe (and that FastAPI validates against them on the way out).
Field names, what is left out, and the sentences the answers carry for people are written
here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from graph import answers as a
from graph import terms as t

Json = dict[str, Any]


def occupation_ref(o: a.OccupationRef) -> Json:
    return {
        "id": o.id,
        "uri": o.uri,
        "label": o.label,
        "language": o.language,
        "isco_group": o.isco_group,
        "skill_level": o.skill_level,
    }


def skill_ref(s: a.SkillRef) -> Json:
    return {
        "id": s.id,
        "uri": s.uri,
        "label": s.label,
        "language": s.language,
        "skill_type": s.skill_type,
    }


def _skills(skills: list[a.SkillRef]) -> list[Json]:
    return [skill_ref(s) for s in skills]


def _occupations(occupations: list[a.OccupationRef]) -> list[Json]:
    return [occupation_ref(o) for o in occupations]


def concept_ref(c: a.ConceptRef) -> Json:
    shaped: Json = {"id": c.id, "uri": c.uri, "label": c.label}
    if c.language is not None:
        shaped["language"] = c.language
    return shaped


def isco_ref(g: a.IscoRef, *, with_level: bool = False) -> Json:
    shaped: Json = {"code": g.code, "uri": g.uri, "label": g.label, "language": g.language}
    if with_level:
        shaped["skill_level"] = g.skill_level
    return shaped


def texts(x: a.Texts) -> Json:
    """A concept's own texts, in the fields every profile shares."""
    shaped: Json = {
        "label": x.label,
        "language": x.language,
        "description": x.description,
        "description_language": x.description_language,
        "translations": None,
    }
    if x.alt_labels is not None:
        shaped["alt_labels"] = x.alt_labels
    if x.translations is not None:
        shaped["translations"] = {
            tag: {
                "label": found.label,
                **({"alt_labels": found.alt_labels} if found.alt_labels is not None else {}),
                "description": found.description,
            }
            for tag, found in x.translations.items()
        }
    return shaped


def occupation_profile(p: a.OccupationProfile) -> Json:
    return {
        "id": t.concept_id(p.uri),
        "uri": p.uri,
        **texts(p.texts),
        "code": p.code,
        "isco_group": None if p.isco_group is None else isco_ref(p.isco_group),
        "skill_level": p.skill_level,
        "essential_skills": _skills(p.essential_skills),
        "optional_skills": _skills(p.optional_skills),
        "onet": None if p.onet is None else [onet_link(link) for link in p.onet],
        "interests": p.interests,
        "holland_code": p.holland_code,
    }


def onet_link(link: a.OnetLink) -> Json:
    return {
        "code": link.code,
        "uri": link.uri,
        "title": link.title,
        "match": link.match,
        "confidence": link.confidence,
        "similarity": link.similarity,
        "inherited": link.inherited_from is not None,
        "inherited_from": link.inherited_from,
        "crosswalk_code": link.crosswalk_code,
    }


def related_occupations(r: a.RelatedOccupations) -> Json:
    return {
        "occupation": occupation_ref(r.occupation),
        "items": [
            {
                **occupation_ref(item.occupation),
                "score": item.score,
                "shared_essential": item.shared_essential,
                "shared_optional": item.shared_optional,
            }
            for item in r.items
        ],
    }


def mapping(m: a.Mapping) -> Json:
    return {
        "match": m.match,
        "uri": m.uri,
        "label": m.label,
        "code": m.code,
        "scheme": m.scheme,
        "graph": m.graph,
        "confidence": m.confidence,
        "similarity": m.similarity,
        "inherited_from": m.inherited_from,
        "source_code": m.source_code,
    }


def mappings(m: a.Mappings) -> Json:
    return {"occupation": occupation_ref(m.occupation), "items": [mapping(i) for i in m.items]}


def skill_gap(g: a.SkillGap) -> Json:
    return {
        "from": occupation_ref(g.source),
        "to": occupation_ref(g.target),
        "shared_skills": _skills(g.shared_skills),
        "missing_essential": _skills(g.missing_essential),
        "missing_optional": _skills(g.missing_optional),
        "coverage": g.coverage,
    }


def path_note(p: a.CareerPaths) -> str | None:
    """Why a career-path answer has no paths, or fewer than asked, in a sentence."""
    if p.outcome is a.PathOutcome.SAME:
        return "The two occupations are the same: there is nothing to move to."
    if p.outcome is a.PathOutcome.NONE_WITHIN:
        return (
            f"No path of at most {p.max_steps} steps: no chain of similar occupations and "
            "prospects leads there (moves never go down a skill level). Allow more steps, "
            "or see the direct skill gap."
        )
    if p.outcome is a.PathOutcome.STOPPED:
        return "The search stopped early: these are the best paths, but fewer than asked."
    return None


def career_paths(p: a.CareerPaths) -> Json:
    return {
        "from": occupation_ref(p.source),
        "to": occupation_ref(p.target),
        "max_steps": p.max_steps,
        "target_essential_skills": p.target_essential_skills,
        "start_coverage": p.start_coverage,
        "paths": [
            {
                "new_essential_skills": path.new_essential_skills,
                "step_count": len(path.steps),
                "largest_step": path.largest_step,
                "steps": [
                    {
                        "occupation": occupation_ref(step.occupation),
                        "move": step.move,
                        "score": step.score,
                        "learn": _skills(step.learn),
                        "coverage": step.coverage,
                    }
                    for step in path.steps
                ],
            }
            for path in p.paths
        ],
        "complete": p.complete,
        "note": path_note(p),
    }


_MATCHED = ("matched_label", "matched_text", "matched_language", "match", "score")


def _matched(m: a.MatchedLabel | None) -> Json:
    """How a search matched a concept; every field null when listing without a text."""
    if m is None:
        return dict.fromkeys(_MATCHED)
    return {
        "matched_label": m.kind,
        "matched_text": m.text,
        "matched_language": m.language,
        "match": m.match,
        "score": m.score,
    }


def occupation_hits(h: a.OccupationHits) -> Json:
    return {
        "total": h.total,
        "items": [{**occupation_ref(i.occupation), **_matched(i.matched)} for i in h.items],
    }


def listed_skill(hit: a.SkillHit) -> Json:
    """A skill as a list or a search shows it (without what matched when listing)."""
    return {**skill_ref(hit.skill), "reuse_level": hit.reuse_level, **_matched(hit.matched)}


def skill_hits(h: a.SkillHits) -> Json:
    return {"total": h.total, "items": [listed_skill(i) for i in h.items]}


def suggestions(found: list[a.Suggestion]) -> Json:
    return {
        "items": [
            {
                "type": s.type,
                "id": s.id,
                "uri": s.uri,
                "label": s.label,
                "language": s.language,
                "matched_label": s.matched_kind,
                "matched_language": s.matched_language,
            }
            for s in found
        ]
    }


def match_result(m: a.MatchResult) -> Json:
    return {
        "skills": [
            {
                "given": r.given,
                "resolved_by": r.resolved_by,
                "resolved_language": r.resolved_language,
                **skill_ref(r.skill),
            }
            for r in m.skills
        ],
        "unknown": [{"given": u.given, "reason": u.reason} for u in m.unknown],
        "total": m.total,
        "items": [
            {
                **occupation_ref(i.occupation),
                "coverage": i.coverage,
                "essential_skills": i.essential_skills,
                "matched_essential": i.matched_essential,
                "matched_optional": i.matched_optional,
                "missing_essential": _skills(i.missing_essential),
            }
            for i in m.items
        ],
    }


def skill_profile(p: a.SkillProfile) -> Json:
    return {
        "id": t.concept_id(p.uri),
        "uri": p.uri,
        **texts(p.texts),
        "skill_type": p.skill_type,
        "reuse_level": p.reuse_level,
        "essential_for": _occupations(p.essential_for),
        "optional_for": _occupations(p.optional_for),
        "broader": [concept_ref(c) for c in p.broader],
        "narrower": [concept_ref(c) for c in p.narrower],
    }


def isco_group(g: a.IscoGroup) -> Json:
    return {
        "code": g.code,
        "uri": g.uri,
        **texts(g.texts),
        "skill_level": g.skill_level,
        "parent": None if g.parent is None else isco_ref(g.parent),
        "children": [isco_ref(c, with_level=True) for c in g.children],
        "occupation_count": g.occupation_count,
        "occupations": _occupations(g.occupations),
    }
