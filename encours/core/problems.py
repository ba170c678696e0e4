"""Problems found in input, reported as ``file:line:field: message`` so a person can fix them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: a file name and a 1-based line number (0 when the whole file is meant)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Problem:
    source: Source
    field: str
    message: str

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.source}:{field}{self.message}" if self.source.line or self.field else f"{self.source}: {self.message}"


class Refused(Exception):
    """Input refused as a whole; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); first: {problems[0]}" if problems else "refused")
