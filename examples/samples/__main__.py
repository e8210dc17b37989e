"""`python -m examples.samples DIR` (from the repository root): the same as `pajama samples DIR`."""

from __future__ import annotations

import sys
from pathlib import Path

from examples.samples import build_all

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "samples")
    print(f"samples in {out}/: {', '.join(build_all(out))}")
