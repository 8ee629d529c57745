"""``netkg schema``: the JSON Schema of a case file."""

from __future__ import annotations

import argparse
import json
import sys
from netkg.cases.record import CaseRecord

NAME = "schema"
HELP = "Print the JSON Schema of a case file (fields, types, allowed values)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(CaseRecord.model_json_schema(), indent=2) + "\n")
    return 0
