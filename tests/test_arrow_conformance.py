"""sseflow.arrow.BatchParser against the conformance table, under every chunking.

The rows of the batches must be the events ``sseflow.Parser`` yields, with the
same last event ID, retry and truncation, whatever the chunking and the batch size.
"""

from __future__ import annotations

import pytest
from arrow_rows import event_tuples, feed_all
from chunking import all_chunkings
from spec_cases import CASES, Case

from sseflow.arrow import BatchParser


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case) -> None:
    for label, chunks in all_chunkings(case.stream):
        for batch_rows in (1, 2, 65536):
            parser = BatchParser(batch_rows=batch_rows)
            batches = feed_all(parser, chunks)
            assert event_tuples(batches) == list(case.events), (label, batch_rows, chunks)
            assert all(0 < batch.num_rows <= batch_rows for batch in batches)
            assert (parser.last_event_id, parser.retry, parser.truncated) == (
                case.last_event_id,
                case.retry,
                case.truncated,
            ), label
