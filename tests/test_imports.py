"""``import sseflow`` needs nothing beyond the standard library."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent(
    """
    import sys
    import sseflow, sseflow.reference, sseflow.cli, sseflow.sdk
    third_party = {"typing_extensions", "httpx", "aiohttp", "requests", "asyncio", "anyio"}
    third_party |= {"httpx2", "openai", "anthropic", "groq", "mcp", "pyspark", "py4j", "pyarrow"}
    print(sorted(third_party & {name.partition(".")[0] for name in sys.modules}))
    """
)


def test_import_loads_no_optional_dependency() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
