"""Tests of the stage CLI (`python -m tools`); they run on throwaway copies, never on stages/."""
