"""Facts about the book's steps, as the site shows them: one StepFacts per step.

Everything comes from the registry (manifest.toml, the stage folders) and the capability
table; nothing here renders HTML. The book's final package (registry.FINAL, when the
registry has it) is not one of the 60 steps: it has its own page, and its facts come from
`final_facts`.
"""

from __future__ import annotations

import dataclasses

from dezero_stages import capabilities, registry

BOOK_STEPS = 60

# The book's five milestones (고지), by the manifest's `milestone` number.
MILESTONES = {
    1: ("Automatic differentiation", "미분 자동 계산"),
    2: ("Natural code", "자연스러운 코드로"),
    3: ("Higher-order derivatives", "고차 미분 계산"),
    4: ("Building neural networks", "신경망 만들기"),
    5: ("DeZero's challenge", "DeZero의 도전"),
}


def final_number() -> int | None:
    """The final package's number (registry.FINAL) where the registry has one, else None."""
    return getattr(registry, "FINAL", None)


@dataclasses.dataclass(frozen=True)
class StepFacts:
    number: int
    title: str
    title_ko: str
    milestone: int
    code: bool
    adds: str
    stage: int | None  # the stage that serves it (itself for a code step); None: not built
    previous: int | None  # the stage its diff is taken against; None: the first stage
    arrives: tuple[capabilities.Capability, ...]  # capabilities whose step is this one
    lifted: tuple[capabilities.Capability, ...]  # pins whose last step was the one before

    @property
    def slug(self) -> str:
        return f"{self.number:02d}"

    @property
    def milestone_name(self) -> tuple[str, str]:
        return MILESTONES.get(self.milestone, (f"Milestone {self.milestone}", ""))


def arriving(number: int) -> tuple[capabilities.Capability, ...]:
    return tuple(cap for cap in capabilities.CAPABILITIES if cap.step == number)


def lifted(number: int) -> tuple[capabilities.Capability, ...]:
    """Pins whose limitation ends at this step: `until=M` is lifted at M + 1."""
    return tuple(cap for cap in capabilities.CAPABILITIES
                 if cap.until is not None and cap.until + 1 == number)


def book_steps() -> list[StepFacts]:
    """The book's 60 steps (the final package left out), in order."""
    manifest = registry.load_manifest()
    final = final_number()
    built = [n for n in registry.built_stages() if n != final]
    facts = []
    for number in sorted(manifest):
        if number == final or number > BOOK_STEPS:
            continue
        step = manifest[number]
        serving = [n for n in built if n <= number]
        stage = serving[-1] if serving else None
        before = [n for n in built if stage is not None and n < stage]
        facts.append(StepFacts(
            number, step.title, step.title_ko, step.milestone, step.code, step.adds,
            stage, before[-1] if before else None, arriving(number), lifted(number)))
    return facts


@dataclasses.dataclass(frozen=True)
class FinalFacts:
    stage: int  # the stage shown as the book's final package (FINAL, or step 60's)
    previous: int | None  # what its diff is against (stage 60), None without a FINAL
    title: str
    adds: str
    arrives: tuple[capabilities.Capability, ...]
    lifted: tuple[capabilities.Capability, ...]


def final_facts() -> FinalFacts | None:
    """The final package: registry.FINAL when it is built, else the newest book stage."""
    final = final_number()
    built = registry.built_stages()
    manifest = registry.load_manifest()
    if final is not None and final in built:
        book = [n for n in built if n != final]
        entry = manifest.get(final)
        return FinalFacts(final, book[-1] if book else None,
                          entry.title if entry else "The book's final package",
                          entry.adds if entry else "", arriving(final), lifted(final))
    book = [n for n in built if n <= BOOK_STEPS]
    if not book:
        return None
    newest = book[-1]
    return FinalFacts(newest, None, manifest[newest].title, manifest[newest].adds, (), ())


def stage_name(number: int) -> str:
    """'step17', or 'final': the stage's folder name."""
    return registry.stage_dir(number).name


def stage_label(number: int) -> str:
    """'step 17', or 'final': how a page names a stage."""
    final = final_number()
    return "final" if final is not None and number == final else f"step {number}"
