"""``python -m sseflow``: the command line."""

import sys

from sseflow.cli import main

sys.exit(main())
