"""Schema of the detailed chemistry records: hydride sites, metal vacancies, durability evidence, light sources and
synthesis-condition fields (see data/README.md, "Hydride sites, vacancies, durability, light and conditions")."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from nckg.sources.schema_base import Count, Evidenced, Quantity, Record, Slug

# The light a photoreaction or photophysical step is run under, as the review names it. Each kind has a spectral
# band; "visible light" names none, so it agrees with any visible band (see LIGHT_BANDS and the light-source issue).
LightSource = Literal["visible light", "blue light", "blue LED", "purple LED", "UV LED"]
LIGHT_BANDS: dict[str, str | None] = {"visible light": None, "blue light": "blue", "blue LED": "blue",
                                      "purple LED": "purple", "UV LED": "UV"}


class HydrideSite(Evidenced):
    """A set of hydrides of one bonding mode in a cluster: μn mode, how many, where, and their role in catalysis."""

    cluster: Slug
    mode: Slug  # a hydride coordination mode of data/topics/coordination-modes.yaml (h-mu3, h-mu4, h-mu5)
    count: Count | None = None  # None where the review names the site but not how many
    location: Literal["interstitial", "interfacial", "surface"] | None = None
    role: str | None = None  # the role in catalysis the review states
    model: str | None = None  # the computed model the site is stated for, where not the cluster itself


class Vacancy(Evidenced):
    """Metal atoms missing from a cluster, relative to a parent cluster where the review names one."""

    cluster: Slug
    element: Literal["Cu"] = "Cu"
    count: Count = 1
    parent: Slug | None = None
    site: str  # where the atom is missing, in the review's words ("a tetrahedron's vertex", "shell 4")
    location: Literal["surface", "vertex", "shell"] | None = None


class Durability(Evidenced):
    """Durability or reuse evidence: how long, under what, how many cycles, what was retained, what was checked."""

    cluster: Slug
    reaction: str | None = None
    test: Literal["long-term operation", "recycling", "chemical stability", "post-reaction structure"] | None = None
    duration: Quantity | None = None
    potential_v: float | None = None  # applied potential (the review names no reference electrode)
    cycles: Count | None = None
    media: list[str] = []  # media the cluster was exposed to (acids, bases, boiling water ...)
    retained: str | None = None  # the retained performance or structure, as stated
    post_characterisation: list[str] = []  # characterisation methods applied after the test

    @model_validator(mode="after")
    def _something_measured(self):
        if not (self.duration or self.cycles or self.media or self.retained or self.post_characterisation):
            raise ValueError("durability evidence needs a duration, cycles, media, a retained property or a "
                             "post-reaction characterisation")
        return self


class Equivalent(Record):
    reagent: str  # as written
    value: float


# The condition fields every synthesis answers: a value where the review states one, else "not stated".
SYNTHESIS_CONDITIONS = ("solvent", "temperature", "time", "equivalents", "atmosphere", "colour change")


class SynthesisConditionFields(Record):
    """Synthesis conditions as fields (solvents and colour changes live in `solvents` and `steps`)."""

    temperature: str | None = None
    time: str | None = None
    atmosphere: str | None = None
    equivalents: list[Equivalent] = []
    alternative_to: Slug | None = None  # a synthesis this one is an alternative route of (another reagent)
