"""The JSON API's answers, shaped from the catalog's typed values in one place.

The catalog (:mod:`graph.catalog`) answers with the values of :mod:`graph.answers`, which
know nothing of field names; here they become the JSON documents that the response models
of :mod:`service.models` describe (and that FastAPI validates against them on the way out).
Field names, what is left out, and the sentences the answers carry for people are written
here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph import answers as a
from graph import terms as t
from graph.preparation import (
    Preparation,
    describe_education,
    describe_experience,
    describe_job_zone,
    describe_training,
)
from graph.transitions import Reason

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
        "preparation": None if p.preparation is None else preparation(p.preparation),
    }


def preparation(p: Preparation) -> Json:
    """An occupation's preparation, each value with its reading on its scale."""

    def scale(value: float | None, describe: Callable[[float], str]) -> Json | None:
        return None if value is None else {"value": value, "text": describe(value)}

    return {
        "job_zone": scale(p.job_zone, describe_job_zone),
        "education_level": scale(p.education_level, describe_education),
        "related_work_experience": scale(p.related_work_experience, describe_experience),
        "on_the_job_training": scale(p.on_the_job_training, describe_training),
        "annual_earnings": p.annual_earnings,
        "inherited_from": p.inherited_from,
        "source": p.source,
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


_RELATED_NOTES = {
    a.RelatedNote.TOP_LEVEL: (
        "It is at the highest ISCO skill level (4), so it has no long-term prospects (those are "
        "occupations at a higher level). For moves from it, see /similar, or the routes to any "
        "occupation with /paths/{target}."
    ),
    a.RelatedNote.NO_SKILLS: "ESCO lists no skills for it, so nothing can be compared.",
    a.RelatedNote.EMPTY: "No occupation shares enough of its skills to be listed.",
}


def related_occupations(r: a.RelatedOccupations) -> Json:
    return {
        "occupation": occupation_ref(r.occupation),
        "note": _RELATED_NOTES.get(r.note),
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


def _level_text(level: int | None) -> str:
    return "unknown" if level is None else str(level)


def reason_text(reason: Reason) -> str:
    """One reason of a transition assessment, as a sentence a person reads."""
    f = reason.figures
    code, effect = reason.code, reason.effect
    if code == "no_skills":
        return "ESCO lists no essential skills for it, so the skills cannot be judged."
    if code == "skills":
        held, essential = f["held"], f["essential"]
        share = round(100 * held / essential)
        text = (
            f"None of its {essential} essential skills are yours."
            if held == 0
            else f"You hold {held} of its {essential} essential skills ({share}%)."
        )
        if effect == "blocks":
            text += " Too few to build on outside your field."
        return text
    if code == "similarity":
        score, needed = round(100 * f["score"]), round(100 * f["needed"])
        return (
            "Counting the skills few occupations need above common ones, the move scores "
            f"{score}%; a viable move scores at least {needed}%."
        )
    if code == "field":
        if f["relation"] == "narrower":
            return "It is a specialisation of your occupation in ESCO."
        if f["relation"] == "broader":
            return "It is the broader occupation yours specialises in ESCO."
        return f"It is in your ISCO-08 minor group ({f['group']})."
    if code == "skill_level":
        start, end = f["from"], f["to"]
        text = f"It is at ISCO skill level {end}; yours is at {start}."
        if effect == "blocks":
            return text + " Too high a rise with so few of its skills."
        if effect == "hinders":
            return text + " Expect years of further training or experience."
        return text
    if code == "job_zone":
        start, end = f["from"], f["to"]
        text = (
            f"It is Job Zone {end:g} ({describe_job_zone(end)}); "
            f"yours is Job Zone {start:g} ({describe_job_zone(start)})."
        )
        if effect == "blocks":
            return text + " More than one zone higher: not a move one makes directly."
        if effect == "hinders":
            return text + " More than one zone higher, though within your field."
        return text
    if code == "education":
        start, end = f["from"], f["to"]
        text = (
            f"It usually takes {describe_education(end)}; "
            f"yours usually takes {describe_education(start)}."
        )
        return text + (" A long way to study." if effect == "hinders" else "")
    if code == "regulated":
        text = "It is a regulated profession: it needs a recognised qualification."
        if effect == "blocks":
            return text + " You hold under half of its essential skills."
        return text
    if f.get("loaded"):
        return "The preparation data has no Job Zone for one of the two: preparation is not judged."
    return (
        "No preparation data is loaded: education, experience and training are not judged, "
        "only skills, skill levels and regulation."
    )


def _pair(values: tuple[float | int | None, float | int | None]) -> Json | None:
    start, end = values
    return None if start is None and end is None else {"from": start, "to": end}


def assessment(x: a.Assessment) -> Json:
    reasons = [{"code": r.code, "effect": r.effect, "text": reason_text(r)} for r in x.reasons]
    return {
        "rating": x.rating,
        "score": x.score,
        "summary": _summary(x, reasons),
        "similarity": x.similarity,
        "essential_coverage": x.essential_coverage,
        "optional_coverage": x.optional_coverage,
        "essential_skills": x.essential_skills,
        "held_essential_skills": x.held_essential_skills,
        "skill_level": _pair(x.skill_levels),
        "job_zone": _pair(x.job_zones),
        "education_level": _pair(x.education),
        "regulated": x.regulated,
        "field": x.field,
        "reasons": reasons,
    }


_RATING_WORDS = {
    "viable": "Viable",
    "stretch": "A stretch",
    "unrealistic": "Unrealistic",
}


def _summary(x: a.Assessment, reasons: list[Json]) -> str:
    """The rating and its first reason, in a sentence: what a list shows of a move."""
    first = next((r for r in reasons if r["effect"] in ("blocks", "hinders")), None)
    first = first or next((r for r in reasons if r["code"] == "skills"), None)
    return _RATING_WORDS[x.rating] + (f": {first['text']}" if first else ".")


def transition(x: a.Transition) -> Json:
    return {
        "from": occupation_ref(x.source),
        "to": occupation_ref(x.target),
        "assessment": assessment(x.assessment),
        "learn": _skills(x.learn),
    }


def path_note(p: a.CareerPaths) -> str | None:
    """Why a career-path answer has no paths, or fewer than asked, or what its paths mean
    when the move straight there is unrealistic, in a sentence."""
    if p.outcome is a.PathOutcome.SAME:
        return "The two occupations are the same: there is nothing to move to."
    if p.outcome is a.PathOutcome.NONE_WITHIN:
        bound = "" if p.max_learn is None else f" learning at most {p.max_learn} skills a step"
        return (
            f"No path of at most {p.max_steps} steps{bound}: the fewest steps a path takes is "
            f"{p.fewest_steps}. Allow more steps, or see the assessment of the direct move."
        )
    if p.outcome is a.PathOutcome.NONE_AT_ALL:
        return (
            "No path: every way there has a move the assessment rates unrealistic (see its "
            "reasons). Allowing more steps will not help."
        )
    if p.outcome is a.PathOutcome.STOPPED:
        return "The search stopped early: these are the best paths, but fewer than asked."
    if p.assessment.rating == "unrealistic":
        return (
            "The move straight there is unrealistic (see the assessment's reasons): each path "
            "below is a long route of smaller moves, each rated, not a shortcut."
        )
    return None


def career_path(path: a.CareerPath) -> Json:
    return {
        "rating": path.rating,
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
                "assessment": assessment(step.assessment),
            }
            for step in path.steps
        ],
    }


def career_paths(p: a.CareerPaths) -> Json:
    return {
        "from": occupation_ref(p.source),
        "to": occupation_ref(p.target),
        "max_steps": p.max_steps,
        "max_learn": p.max_learn,
        "target_essential_skills": p.target_essential_skills,
        "start_coverage": p.start_coverage,
        "assessment": assessment(p.assessment),
        "paths": [career_path(path) for path in p.paths],
        "complete": p.complete,
        "outcome": p.outcome.value,
        "fewest_steps": p.fewest_steps,
        "note": path_note(p),
    }


def routes_in(r: a.RoutesIn) -> Json:
    return {
        "to": occupation_ref(r.target),
        "max_steps": r.max_steps,
        "max_level": r.max_level,
        "max_job_zone": r.max_job_zone,
        "items": [
            {
                "from": occupation_ref(route.source),
                "assessment": assessment(route.assessment),
                "trade_share": route.trade_share,
                "path": career_path(route.path),
                "also_from": [occupation_ref(o) for o in route.also_from],
            }
            for route in r.routes
        ],
        "note": None
        if r.routes
        else "No occupation within these bounds leads there by moves the assessment accepts.",
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
                "matched_text": s.matched_text,
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
                "matched_text": r.matched_text,
                "runners_up": [skill_ref(s) for s in r.runners_up],
                **skill_ref(r.skill),
            }
            for r in m.skills
        ],
        "ambiguous": [
            {"given": x.given, "candidates": [skill_ref(s) for s in x.candidates]}
            for x in m.ambiguous
        ],
        "unknown": [{"given": u.given, "reason": u.reason} for u in m.unknown],
        "total": m.total,
        "items": [
            {
                **occupation_ref(i.occupation),
                "score": i.score,
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
