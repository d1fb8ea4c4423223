"""Schemathesis, every check, against each template's API on a real uvicorn (127.0.0.1).

Usage: python benchmarks/fuzz_api.py [--max-time 60] [--work DIR] [TEMPLATE ...]
Trains one project per template (or reuses DIR's), then fuzzes its API for --max-time seconds
(the fuzzing phase repeats until the time is spent) and prints the cases generated and the
failures found. Exits 1 if any API has a failure: the bar is zero.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trained_projects import ROOT, TEMPLATES, served_projects

sys.path.insert(0, str(ROOT))

from tests.slow.fuzzing import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=list(TEMPLATES))
    parser.add_argument("--max-time", type=int, default=60, help="seconds of fuzzing per API")
    parser.add_argument("--examples", type=int, default=200, help="cases per operation and round")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--work", type=Path, default=None, help="keep the trained projects here")
    args = parser.parse_args()

    failed = False
    for template, url in served_projects(args.templates, args.work, "fuzz-api-"):
        result = fuzz(url, examples=args.examples, max_time=args.max_time, seed=args.seed)
        failed |= not result.clean
        print(
            f"{template}: {result.generated} cases in {result.seconds:.0f} s, "
            f"{result.failures} failures, {result.errors} errors",
            flush=True,
        )
        if not result.clean:
            print(result.output[-8000:])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
