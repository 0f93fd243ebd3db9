"""Helpers shared by the tests (fixtures are in conftest.py)."""
