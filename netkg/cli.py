"""The ``netkg`` command line: one sub-command per job.

Each sub-command lives in its own module under :mod:`netkg.commands` and
exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``;
they are discovered here, so adding a command never touches this file.

Exit codes (documented in the README):
  0  success (and, for checks, nothing found)
  1  the command ran and found a problem (a failed check, a violation query with rows)
  2  bad input or usage: the message names the field and what is allowed
  3  environment problem: Java missing, reasoner failure, store locked or corrupt
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Optional, Sequence

import netkg.commands as commands
from netkg import __version__
from netkg.errors import EXIT_ENVIRONMENT, EXIT_INPUT, NetkgError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every discovered sub-command."""
    parser = argparse.ArgumentParser(prog="netkg", description="Reason over neuroendocrine neoplasm cases with the netkg knowledge graph. "
                                     "Supports professionals and research; does not replace clinical judgement.")
    parser.add_argument("--version", action="version", version=f"netkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"netkg.commands.{info.name}")
        if not hasattr(module, "NAME"):
            continue
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``netkg`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return int(args._run(args) or 0)
    except NetkgError as exc:
        print(f"netkg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("netkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("netkg: error: out of memory", file=sys.stderr)
        return EXIT_ENVIRONMENT


if __name__ == "__main__":
    sys.exit(main())
