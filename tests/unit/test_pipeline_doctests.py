"""The examples in the pipeline docstrings are run, so the API docs cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib

import pytest

# By module name: the package re-exports the functions ``metrics`` and ``flags``, which shadow
# the submodules of the same names as attributes of ``chainmap.pipeline``.
MODULES = ["chainmap.pipeline", *(f"chainmap.pipeline.{m}" for m in ("stages", "metrics", "flags"))]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 or name == "chainmap.pipeline"
    assert result.failed == 0
