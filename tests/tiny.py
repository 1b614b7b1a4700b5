"""A tiny hand-made ESCO bundle, written as real CSV files in the official layout.

Six occupations at three ISCO skill levels and nine skills, small enough that every score
the tests expect can be worked out by hand:

    occupation        ISCO  level  essential                 optional
    producer          2654  4      budget, script            camera, music
    director          2654  4      script, camera, acting    budget, acting   (acting: both)
    sound designer    2654  4      music                     mixing           (under producer)

Director lists acting as both essential and optional, as ESCO does for 17 pairs; the sound
designer sits below the producer in the occupation pillar.
    army officer      0110  4      drill                     -
    camera operator   3521  3      camera, lighting          music
    instrument maker  7312  2      woodwork                  music

Cosine similarity = shared / sqrt(|A| * |B|), e.g. producer~director = 3 / sqrt(4 * 4) = 0.75.
"""

from __future__ import annotations

import csv
from pathlib import Path

OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"
ISCO = "http://data.europa.eu/esco/isco/C"

PRODUCER = OCC + "11111111-1111-4111-8111-000000000001"
DIRECTOR = OCC + "11111111-1111-4111-8111-000000000002"
SOUND_DESIGNER = OCC + "11111111-1111-4111-8111-000000000003"
ARMY_OFFICER = OCC + "11111111-1111-4111-8111-000000000004"
CAMERA_OPERATOR = OCC + "11111111-1111-4111-8111-000000000005"
INSTRUMENT_MAKER = OCC + "11111111-1111-4111-8111-000000000006"

BUDGET = SKILL + "22222222-2222-4222-8222-000000000001"
SCRIPT = SKILL + "22222222-2222-4222-8222-000000000002"
CAMERA = SKILL + "22222222-2222-4222-8222-000000000003"
MUSIC = SKILL + "22222222-2222-4222-8222-000000000004"
ACTING = SKILL + "22222222-2222-4222-8222-000000000005"
DRILL = SKILL + "22222222-2222-4222-8222-000000000006"
LIGHTING = SKILL + "22222222-2222-4222-8222-000000000007"
WOODWORK = SKILL + "22222222-2222-4222-8222-000000000008"
MIXING = SKILL + "22222222-2222-4222-8222-000000000009"
ARTS_GROUP = SKILL + "33333333-3333-4333-8333-000000000001"
SKILLS_ROOT = SKILL + "33333333-3333-4333-8333-000000000000"

SKILL_LEVELS = {
    PRODUCER: 4,
    DIRECTOR: 4,
    SOUND_DESIGNER: 4,
    ARMY_OFFICER: 4,
    CAMERA_OPERATOR: 3,
    INSTRUMENT_MAKER: 2,
}

OCCUPATIONS = [
    # conceptUri, iscoGroup, preferredLabel, altLabels, hiddenLabels, code, description
    (
        PRODUCER,
        "2654",
        "producer",
        "film producer\nexecutive producer",
        "prodcuer",
        "2654.3",
        "Producers manage the production of music, motion pictures or series.",
    ),
    (DIRECTOR, "2654", "director", "film director", "", "2654.1", "Directors lead productions."),
    (
        SOUND_DESIGNER,
        "2654",
        "sound designer",
        "music producer",
        "",
        "2654.3.1",
        "Sound designers shape sound.",
    ),
    (
        ARMY_OFFICER,
        "0110",
        "army officer",
        "commissioned officer",
        "",
        "0110.1",
        "Officers lead units.",
    ),
    (
        CAMERA_OPERATOR,
        "3521",
        "camera operator",
        "cameraman\ncamera technician",
        "",
        "3521.1",
        "Camera operators set up and operate cameras.",
    ),
    (
        INSTRUMENT_MAKER,
        "7312",
        "instrument maker",
        "luthier",
        "",
        "7312.1",
        "They make instruments.",
    ),
]

SKILLS = [
    # conceptUri, skillType, reuseLevel, preferredLabel, altLabels, description
    (
        BUDGET,
        "skill/competence",
        "cross-sector",
        "manage budgets",
        "budgeting",
        "Plan and monitor budgets.",
    ),
    (SCRIPT, "knowledge", "sector-specific", "script writing", "", "The craft of writing scripts."),
    (
        CAMERA,
        "skill/competence",
        "",
        "operate camera",
        "use a camera\nhandle cameras",
        "Operate cameras.",
    ),
    (MUSIC, "knowledge", "transversal", "music theory", "", "Harmony, rhythm and form."),
    (ACTING, "skill/competence", "", "direct actors", "", "Guide actors."),
    (DRILL, "skill/competence", "occupation-specific", "lead drills", "", "Lead military drills."),
    (LIGHTING, "skill/competence", "", "set up lighting", "", "Place and aim lights."),
    (WOODWORK, "skill/competence", "", "shape wood", "", "Cut and shape wood."),
    (MIXING, "skill/competence", "", "mix sound", "", "Balance recorded tracks."),
]

RELATIONS = [
    (PRODUCER, "essential", BUDGET),
    (PRODUCER, "essential", SCRIPT),
    (PRODUCER, "optional", CAMERA),
    (PRODUCER, "optional", MUSIC),
    (DIRECTOR, "essential", SCRIPT),
    (DIRECTOR, "essential", CAMERA),
    (DIRECTOR, "essential", ACTING),
    (DIRECTOR, "optional", BUDGET),
    (DIRECTOR, "optional", ACTING),
    (SOUND_DESIGNER, "essential", MUSIC),
    (SOUND_DESIGNER, "optional", MIXING),
    (ARMY_OFFICER, "essential", DRILL),
    (CAMERA_OPERATOR, "essential", CAMERA),
    (CAMERA_OPERATOR, "essential", LIGHTING),
    (CAMERA_OPERATOR, "optional", MUSIC),
    (INSTRUMENT_MAKER, "essential", WOODWORK),
    (INSTRUMENT_MAKER, "optional", MUSIC),
]

ISCO_GROUPS = [
    ("0", "Armed forces occupations"),
    ("01", "Commissioned armed forces officers"),
    ("011", "Commissioned armed forces officers"),
    ("0110", "Commissioned armed forces officers"),
    ("2", "Professionals"),
    ("26", "Legal, social and cultural professionals"),
    ("265", "Creative and performing artists"),
    ("2654", "Film, stage and related directors and producers"),
    ("3", "Technicians and associate professionals"),
    ("35", "Information and communications technicians"),
    ("352", "Telecommunications and broadcasting technicians"),
    ("3521", "Broadcasting and audio-visual technicians"),
    ("7", "Craft and related trades workers"),
    ("73", "Handicraft and printing workers"),
    ("731", "Handicraft workers"),
    ("7312", "Musical instrument makers and tuners"),
]

HEADERS = {
    "occupations": [
        "conceptType",
        "conceptUri",
        "iscoGroup",
        "preferredLabel",
        "altLabels",
        "hiddenLabels",
        "status",
        "modifiedDate",
        "regulatedProfessionNote",
        "scopeNote",
        "definition",
        "inScheme",
        "description",
        "code",
    ],
    "skills": [
        "conceptType",
        "conceptUri",
        "skillType",
        "reuseLevel",
        "preferredLabel",
        "altLabels",
        "hiddenLabels",
        "status",
        "modifiedDate",
        "scopeNote",
        "definition",
        "inScheme",
        "description",
    ],
    "occupationSkillRelations": ["occupationUri", "relationType", "skillType", "skillUri"],
    "ISCOGroups": [
        "conceptType",
        "conceptUri",
        "code",
        "preferredLabel",
        "status",
        "altLabels",
        "inScheme",
        "description",
    ],
    "broaderRelationsOccPillar": ["conceptType", "conceptUri", "broaderType", "broaderUri"],
    "broaderRelationsSkillPillar": ["conceptType", "conceptUri", "broaderType", "broaderUri"],
    "skillGroups": [
        "conceptType",
        "conceptUri",
        "preferredLabel",
        "altLabels",
        "hiddenLabels",
        "status",
        "modifiedDate",
        "scopeNote",
        "inScheme",
        "description",
        "code",
    ],
    "skillSkillRelations": [
        "originalSkillUri",
        "originalSkillType",
        "relationType",
        "relatedSkillType",
        "relatedSkillUri",
    ],
    "greenSkillsCollection": [
        "conceptType",
        "conceptUri",
        "preferredLabel",
        "status",
        "skillType",
        "reuseLevel",
        "altLabels",
        "description",
        "broaderConceptUri",
        "broaderConceptPT",
    ],
}


def rows(kind: str) -> list[list[str]]:
    """The rows of one file of the tiny bundle (without the header)."""
    if kind == "occupations":
        return [
            [
                "Occupation",
                uri,
                isco,
                label,
                alt,
                hidden,
                "released",
                "2024-01-25T11:28:50.295Z",
                "http://data.europa.eu/esco/regulated-professions/unregulated",
                "",
                "",
                "http://data.europa.eu/esco/concept-scheme/occupations,\nhttp://data.europa.eu/esco/concept-scheme/member-occupations",
                description,
                code,
            ]
            for uri, isco, label, alt, hidden, code, description in OCCUPATIONS
        ]
    if kind == "skills":
        return [
            [
                "KnowledgeSkillCompetence",
                uri,
                skill_type,
                reuse,
                label,
                alt,
                "",
                "released",
                "",
                "",
                "",
                "http://data.europa.eu/esco/concept-scheme/skills",
                description,
            ]
            for uri, skill_type, reuse, label, alt, description in SKILLS
        ]
    if kind == "occupationSkillRelations":
        return [[occ, relation, "", skill] for occ, relation, skill in RELATIONS]
    if kind == "ISCOGroups":
        return [
            [
                "ISCOGroup",
                ISCO + code,
                code,
                label,
                "released",
                "",
                "http://data.europa.eu/esco/concept-scheme/isco",
                f"ISCO group {code}.",
            ]
            for code, label in ISCO_GROUPS
        ]
    if kind == "broaderRelationsOccPillar":
        groups = [
            ["ISCOGroup", ISCO + code, "ISCOGroup", ISCO + code[:-1]]
            for code, _ in ISCO_GROUPS
            if len(code) > 1
        ]
        members = [
            ["Occupation", uri, "ISCOGroup", ISCO + isco]
            for uri, isco, *_ in OCCUPATIONS
            if uri != SOUND_DESIGNER
        ]
        return [*groups, *members, ["Occupation", SOUND_DESIGNER, "Occupation", PRODUCER]]
    if kind == "skillGroups":
        return [
            ["SkillGroup", SKILLS_ROOT, "skills", "", "", "released", "", "", "", "", "S"],
            [
                "SkillGroup",
                ARTS_GROUP,
                "artistic skills",
                "",
                "",
                "released",
                "",
                "",
                "",
                "Arts.",
                "S1",
            ],
        ]
    if kind == "broaderRelationsSkillPillar":
        return [
            ["SkillGroup", ARTS_GROUP, "SkillGroup", SKILLS_ROOT],
            ["KnowledgeSkillCompetence", MUSIC, "SkillGroup", ARTS_GROUP],
            ["KnowledgeSkillCompetence", MIXING, "KnowledgeSkillCompetence", MUSIC],
        ]
    if kind == "skillSkillRelations":
        return [[MIXING, "skill/competence", "optional", "knowledge", MUSIC]]
    if kind == "greenSkillsCollection":
        return [
            [
                "KnowledgeSkillCompetence",
                WOODWORK,
                "shape wood",
                "released",
                "skill/competence",
                "",
                "",
                "",
                "",
                "",
            ]
        ]
    raise KeyError(kind)


def write_bundle(folder: Path, *, language: str = "en", skip: tuple[str, ...] = ()) -> Path:
    """Write the tiny bundle's CSV files into ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, header in HEADERS.items():
        if kind in skip:
            continue
        with open(folder / f"{kind}_{language}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows(kind))
    return folder


def append_line(path: Path, line: str) -> int:
    """Append a raw line to a CSV file; returns its line number."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1
