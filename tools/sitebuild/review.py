"""The study group's review of steps 1-36, split by its own headings, and its errata.

The review (docs/reference/book-review-ko.txt, a copy of the study group's text) is a deck
of slides; each opens with a heading line such as "17단계: 메모리 관리 및 순환 참조.",
"11, 12단계 - 가변 길이 인수(순전파)" or "15~16단계: 복잡한 계산 그래프". A slide runs to the
next heading, or to a milestone's title ("제 2고지 ..."). A slide headed with two steps
belongs to both.

The errata (docs/review-errata.md) are the rows of its Markdown table: step, what the
review says, what is correct, why, and the tests that check it.
"""

from __future__ import annotations

import collections
import dataclasses
import pathlib
import re

from dezero_stages import registry

REVIEW = registry.ROOT / "docs" / "reference" / "book-review-ko.txt"
ERRATA = registry.ROOT / "docs" / "review-errata.md"

HEADING = re.compile(r"^(\d{1,2})(?:\s*([,~])\s*(\d{1,2}))?단계")
MILESTONE_TITLE = re.compile(r"^제\s*\d\s*고지")


@dataclasses.dataclass(frozen=True)
class Slide:
    heading: str
    body: str  # the slide's text, blank runs squeezed, without its heading
    line: int  # the heading's line in the review file


def _steps_of(match: re.Match) -> list[int]:
    first = int(match[1])
    if match[3] is None:
        return [first]
    last = int(match[3])
    return list(range(first, last + 1)) if match[2] == "~" else [first, last]


def _squeeze(lines: list[str]) -> str:
    out, blank = [], False
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            blank = bool(out)
            continue
        if blank:
            out.append("")
        out.append(line)
        blank = False
    return "\n".join(out)


def split_review(text: str) -> dict[int, list[Slide]]:
    """{step: [slides]} in the order of the review."""
    slides: dict[int, list[Slide]] = collections.defaultdict(list)
    current: tuple[list[int], str, int, list[str]] | None = None

    def close():
        if current is not None:
            steps, heading, line, body = current
            for step in steps:
                slides[step].append(Slide(heading, _squeeze(body), line))

    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADING.match(line.strip())
        if match:
            close()
            current = (_steps_of(match), line.strip(), number, [])
        elif MILESTONE_TITLE.match(line.strip()):
            close()
            current = None
        elif current is not None:
            current[3].append(line)
    close()
    return dict(sorted(slides.items()))


def load_review(path: pathlib.Path = REVIEW) -> dict[int, list[Slide]]:
    if not path.is_file():
        return {}
    return split_review(path.read_text(encoding="utf-8"))


@dataclasses.dataclass(frozen=True)
class Erratum:
    step: int
    says: str  # Markdown (inline code, bold) as the errata file writes it
    correct: str
    why: str
    checked_by: str

    def wrong_tokens(self) -> list[str]:
        """Numbers the review has wrong: in what it says, not in the correct value."""
        correct = set(re.findall(r"\d[\d.]*", self.correct))
        says = re.sub(r"step \d+", "", self.says)
        return [n for n in dict.fromkeys(re.findall(r"\d[\d.]*\d", says))
                if n not in correct]


def parse_errata(text: str) -> list[Erratum]:
    found = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].isdigit():
            found.append(Erratum(int(cells[0]), *cells[1:]))
    return found


def load_errata(path: pathlib.Path = ERRATA) -> dict[int, list[Erratum]]:
    by_step: dict[int, list[Erratum]] = collections.defaultdict(list)
    if path.is_file():
        for erratum in parse_errata(path.read_text(encoding="utf-8")):
            by_step[erratum.step].append(erratum)
    return dict(by_step)
