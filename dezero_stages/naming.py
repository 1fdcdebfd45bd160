"""How stages are named: step numbers, and `final`, the book's released package.

The book has 60 steps; its released package (dezero 0.0.13 on PyPI) has more than step 60
teaches (hooks, ResNet, CIFAR, ...). That package is one more stage, `final`, ordered after
step 60. Inside the project it is the number FINAL, so that "arrives in", "runs from" and
"served by" stay comparisons of numbers; wherever a person reads or types it, it is `final`.
Standard library only: the noxfile imports this before any environment exists.
"""

from __future__ import annotations

FINAL = 61
FINAL_NAME = "final"


def label(number: int) -> str:
    """What people read and type: '17', or 'final'."""
    return FINAL_NAME if number == FINAL else str(number)


def step_label(number: int) -> str:
    """'step 17', or 'final' (as in "arrives in final")."""
    return FINAL_NAME if number == FINAL else f"step {number}"


def folder_name(number: int) -> str:
    """The stage's folder under stages/: 'step07', or 'final'."""
    return FINAL_NAME if number == FINAL else f"step{number:02d}"


def parse(text: str | int) -> int:
    """'17' -> 17, 'final' -> FINAL; ValueError for anything else.

    Only the form is checked here; whether the stage exists is the registry's question.
    """
    if isinstance(text, int):
        return text
    word = text.strip().lower()
    if word == FINAL_NAME:
        return FINAL
    if word.isdigit():
        return int(word)
    raise ValueError(f"{text!r} is not a step number or {FINAL_NAME!r}")
