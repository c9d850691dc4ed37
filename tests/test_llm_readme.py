"""The README's LLM status table and error table say exactly what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from sseflow import llm
from sseflow.llm import _anthropic, _errors, _gemini, _openai_chat

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _row(first_cell: str) -> list[str]:
    """The cells of the README table row whose first cell is ``first_cell``."""
    for line in README.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no README table row {first_cell!r}")


def _names(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_the_error_table_is_the_classification_rules() -> None:
    rows = [_row(f"`{cls.__name__}`") for _, cls in _errors._RULES]
    for (words, cls), (_, retryable, documented, _statuses) in zip(
        _errors._RULES, rows, strict=True
    ):
        assert tuple(_names(documented)) == words, cls.__name__
        assert retryable == f"`{cls.retryable_default}`", cls.__name__
    fallback = _row("`ProviderError`")
    assert fallback[1] == f"`{llm.ProviderError.retryable_default}`" == "`None`"


def test_the_error_table_has_the_statuses() -> None:
    documented: dict[int, type[llm.ProviderError]] = {}
    for _, cls in _errors._RULES:
        cell = _row(f"`{cls.__name__}`")[3]
        for status in re.findall(r"\b\d{3}\b", cell):
            documented[int(status)] = cls
        if "other 5xx" in cell:
            assert cls is llm.ServerError
            assert _errors._classify(None, None, 599) is cls
    assert documented == _errors._STATUSES


def test_the_status_table_lists_the_reasons_that_cut_an_answer_short() -> None:
    incomplete = _row("`incomplete`")[1]
    chat = re.search(r"Chat ((?:`[^`]+`(?:, )?)+);", incomplete)
    anthropic = re.search(r"Anthropic ((?:`[^`]+`(?:, )?)+);", incomplete)
    assert chat is not None
    assert anthropic is not None
    assert set(_names(chat.group(1))) == _openai_chat._INCOMPLETE
    assert set(_names(anthropic.group(1))) == _anthropic._INCOMPLETE
    completed = _row("`completed`")[1]
    assert "`finishReason` `STOP`" in completed
    assert {"STOP"} == _gemini.COMPLETED_REASONS


def test_the_statuses_are_the_tables_rows() -> None:
    for status in llm.Status:
        assert _row(f"`{status.value}`")
