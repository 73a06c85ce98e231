"""Base types of the curated-record schema: the record base classes, evidence and shared value types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Count = Annotated[int, Field(ge=0)]
Percent = Annotated[float, Field(ge=0, le=100)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.+-]*$")]
Doi = Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")]


class Record(BaseModel):
    """Base of every curated record: unknown keys are errors, so typos cannot pass silently."""

    model_config = ConfigDict(extra="forbid")


class Evidence(Record):
    section: str = Field(pattern=r"^(\d+(\.\d+)*|References|Table \d+|Scheme \d+|Fig\. \d+|Abstract|Title)$")
    quote: str = Field(min_length=8)
    quoted_from: Doi | None = None  # the source document (data/sources/) holding the quote; default: the review


class Evidenced(Record):
    evidence: list[Evidence] = Field(min_length=1)
    note: str | None = None
    interpreted: list[str] = []  # fields read from garbled text; their reading is explained in `note`
    # set by `nckg draft` on every proposed record; the checks refuse a record that still carries them. Excluded from
    # model_dump, so they never reach the compiled graph nor the record IRIs hashed from its fields.
    status: Literal["draft"] | None = Field(default=None, exclude=True)
    confidence: float | None = Field(default=None, ge=0, le=1, exclude=True)

    @model_validator(mode="after")
    def _interpretation_explained(self):
        if self.interpreted and not self.note:
            raise ValueError("`interpreted` fields need a `note` explaining the reading of the garbled text")
        return self

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, dict) else value

    def quotes(self) -> list[str]:
        return [item.quote for item in self.evidence]


class Quantity(Record):
    value: float
    unit: str
