"""The ``>>>`` examples in the docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

import sseflow

MODULES = ["sseflow", "sseflow.reference", "sseflow.stream", "sseflow.wire", "sseflow.llm"]


@pytest.mark.parametrize("name", MODULES)
def test_module_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


@pytest.mark.parametrize("native", [sseflow.Parser, sseflow.Event, sseflow.Comment])
def test_native_docstring_examples(native: type) -> None:
    """The native classes' docstrings come from the Rust doc comments."""
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(native, native.__name__, globs=dict(vars(sseflow)))
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
