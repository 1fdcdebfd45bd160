"""The mutant list itself: every mutation must apply to exactly one place of a real stage."""

import pytest

from dezero_stages import capabilities, registry
from tools import mutants


@pytest.mark.parametrize("mutant", mutants.load(), ids=lambda m: m.name)
def test_mutant_applies_once_and_names_a_capability(mutant, tmp_path):
    copy = mutants.make_copy(mutant, tmp_path)
    changed = (copy / mutant.file).read_text(encoding="utf-8")
    original = (registry.stage_dir(mutant.stage) / mutant.file).read_text(encoding="utf-8")
    assert changed != original
    assert mutant.new in changed
    assert capabilities.get(mutant.expect).applies_to(mutant.stage)


def test_a_mutation_that_does_not_match_is_reported(tmp_path):
    mutant = mutants.Mutant("nothing", 17, "dezero/__init__.py", "no such text", "x", "x")
    with pytest.raises(ValueError, match="occurs 0 times"):
        mutants.make_copy(mutant, tmp_path)
