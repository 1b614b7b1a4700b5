"""The languages of a store version, and answers in the one asked for.

A store holds ESCO's labels in its main language (that of the download) and in any language
packs loaded with it (``skillgraph load BUNDLE PACK...``). The named queries answer in the
main language; :class:`Translations` holds every ESCO concept's preferred label in every
language, read once per store version, from which the catalog names each concept of an
answer in the language asked for, or in the main language's where that has no label for it
(and says which, ``language``).

Languages are BCP 47 tags in lower case, as Oxigraph keeps them (``en``, ``fr``, ``en-us``).
:meth:`Translations.lookup` finds the loaded language a tag asks for as RFC 4647's lookup
does: ``en-GB`` is answered in ``en`` when no ``en-gb`` is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.queries import QueryRunner
from graph.releases import StoreView


@dataclass
class Translations:
    """Every ESCO concept's preferred label in every language of a store version."""

    main: str
    """the main language: every concept has its labels in it"""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """language -> concept URI -> preferred label"""
    languages: tuple[str, ...] = ()
    """the main language first, then the others by how many concepts they label"""

    def __post_init__(self) -> None:
        self.labels.setdefault(self.main, {})
        others = sorted(
            (language for language in self.labels if language != self.main),
            key=lambda language: (-len(self.labels[language]), language),
        )
        self.languages = (self.main, *others)

    @classmethod
    def build(cls, store: StoreView, runner: QueryRunner) -> Translations:
        """Read the preferred labels of ``store``'s ESCO concepts in every language."""
        labels: dict[str, dict[str, str]] = {}
        for row in runner.solutions(store, "preferred_labels", {}):
            language = row["label_language"].value
            # Single-spaced: the US English pack writes "analyze  a script".
            labels.setdefault(language, {})[row["uri"].value] = " ".join(row["label"].value.split())
        return cls(runner.main_language(store), labels)

    def counts(self) -> dict[str, int]:
        """How many concepts have a preferred label in each language, main first."""
        return {language: len(self.labels[language]) for language in self.languages}

    def lookup(self, tag: str) -> str | None:
        """The loaded language that answers for ``tag`` (RFC 4647 lookup: the tag, then the
        tag less its last subtag, and so on), or None."""
        parts = tag.strip().lower().split("-")
        while parts:
            candidate = "-".join(parts)
            if candidate in self.labels:
                return candidate
            parts.pop()
            if parts and len(parts[-1]) == 1:  # a singleton (x-...) goes with what follows it
                parts.pop()
        return None

    def fallbacks(self, language: str) -> list[str]:
        """Where a text in ``language`` is looked for, in order: the language, the loaded
        languages its tag falls back to (``en`` for ``en-us``: a variant pack labels some
        concepts and has no alternative labels), the main language."""
        found = [language]
        parts = language.split("-")
        while len(parts) > 1:
            parts.pop()
            base = "-".join(parts)
            if base in self.labels and base not in found:
                found.append(base)
        if self.main not in found:
            found.append(self.main)
        return found

    def label(self, uri: str, language: str) -> tuple[str | None, str]:
        """A concept's preferred label in ``language``, else in the language it falls back
        to (:meth:`fallbacks`): (label, the language it is in)."""
        for tag in self.fallbacks(language):
            found = self.labels.get(tag, {}).get(uri)
            if found is not None:
                return found, tag
        return None, self.main
