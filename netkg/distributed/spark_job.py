"""The Apache Spark job: reason JSON Lines of cases on a cluster and write the output of ``netkg reason --out``.

Run it with ``spark-submit`` or in local mode (docs/distributed.md)::

    python -m netkg.distributed.spark_job --input cases.jsonl --out DIR [--master local[2]]

The input (a JSON Lines file, a folder of them, or any path or glob Spark reads as text) is read
as lines and partitioned.  Each partition validates its lines with the case model, reasons the
valid cases with one reasoner (the knowledge is loaded once per Python worker, which Spark
reuses across tasks), and builds the reports, the case graphs and the rows with the same
functions as ``netkg reason --out`` (:mod:`netkg.registry.export`).  It writes

``DIR/cases.nq/``         text part files: one named graph per case (N-Quads);
``DIR/findings.parquet/`` the finding rows (:data:`netkg.registry.export.FINDING_SCHEMA`);
``DIR/cases.parquet/``    the case rows (:data:`netkg.registry.export.CASE_SCHEMA`);
``DIR/invalid.jsonl/``    one JSON object per rejected case or line: source, case_id, field, message.

The knowledge graph is not written: it is ``knowledge.nq`` of ``netkg reason --out`` or the release.
Unlike ``netkg reason``, the job does not check that case ids are unique across the input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from netkg import pipeline
from netkg.cases.reader import parse_case_text, validate_case
from netkg.cases.record import CaseError, CaseInputError, CaseRecord
from netkg.errors import InputError
from netkg.reasoning import ENGINES
from netkg.registry.export import CASE_SCHEMA, FINDING_SCHEMA, export_chunk

CASES_NQ = "cases.nq"
FINDINGS_PARQUET = "findings.parquet"
CASES_PARQUET = "cases.parquet"
INVALID_JSONL = "invalid.jsonl"
OUTPUTS = (CASES_NQ, FINDINGS_PARQUET, CASES_PARQUET, INVALID_JSONL)

#: Cases reasoned together within a partition (one ``classify_many`` call).
CHUNK = 250

# Tags of the records one partition emits.
_QUADS, _FINDING, _CASE, _INVALID = "q", "f", "c", "i"


@dataclass
class JobSummary:
    """What the job wrote."""

    cases: int
    findings: int
    invalid: int


def _error_record(error: CaseError) -> tuple[str, str]:
    return _INVALID, json.dumps(asdict(error), ensure_ascii=False, sort_keys=True)


def parse_line(line: str, source: str) -> tuple[Optional[CaseRecord], list[CaseError]]:
    """One JSON Lines line: the valid record, or the errors that reject it (as ``netkg reason`` reports them)."""
    try:
        items = parse_case_text(line, source, ".json")
    except CaseInputError as exc:
        return None, [CaseError(source, None, "(line)", e.message) for e in exc.errors]
    data = items if line.lstrip().startswith("[") else items[0]  # a line holds one case, not a list
    result = validate_case(data, source)
    return result.record, list(result.errors)


def process_partition(lines: Iterable[tuple[str, str]], engine: str, ontology: Optional[str],
                      chunk: int = CHUNK) -> Iterator[tuple[str, Any]]:
    """Validate, reason and export the ``(source, line)`` pairs of one partition, as tagged records."""
    knowledge = pipeline.knowledge(SparkFiles.get(ontology) if ontology else None)
    records: list[CaseRecord] = []
    sources: dict[str, str] = {}

    def flush() -> Iterator[tuple[str, Any]]:
        done, failed = export_chunk(records, knowledge, engine)
        for case in done:
            yield _QUADS, case.nquads.rstrip("\n")
            for row in case.findings:
                yield _FINDING, tuple(row[name] for name in FINDING_SCHEMA.names)
            yield _CASE, tuple(dict(v) if name == "key_facts" else v
                               for name, v in ((n, case.case[n]) for n in CASE_SCHEMA.names))
        for case_id, message in failed:
            yield _error_record(CaseError(sources[case_id], case_id, "(reasoning)", message))
        records.clear()

    for source, line in lines:
        if not line.strip():
            continue
        record, errors = parse_line(line, source)
        if record is None:
            yield from (_error_record(e) for e in errors)
            continue
        records.append(record)
        sources[record.id] = source
        if len(records) >= chunk:
            yield from flush()
    if records:
        yield from flush()


def run_job(spark: SparkSession, input_path: str, out: str, engine: str = "fast",
            ontology: Optional[str] = None, partitions: Optional[int] = None) -> JobSummary:
    """Reason the JSON Lines at ``input_path`` into the folders of the module docstring under ``out``."""
    if engine not in ENGINES:
        raise InputError(f"--engine: {engine!r} is not one of {', '.join(ENGINES)}")
    taken = [name for name in OUTPUTS if os.path.exists(os.path.join(out, name))]
    if taken:
        raise InputError(f"--out: {out} already holds {', '.join(taken)}; give a new folder")
    shipped = None
    if ontology is not None:
        if not os.path.exists(ontology):
            raise InputError(f"--ontology: no such file or folder: {ontology}")
        spark.sparkContext.addFile(os.path.abspath(ontology), recursive=os.path.isdir(ontology))
        shipped = os.path.basename(os.path.normpath(ontology))

    lines = spark.read.text(input_path).select(F.input_file_name().alias("source"), "value")
    n = partitions or max(spark.sparkContext.defaultParallelism, lines.rdd.getNumPartitions())
    tagged = (lines.repartition(n).rdd
              .map(lambda row: (row[0], row[1]))
              .mapPartitions(lambda part: process_partition(part, engine, shipped))
              .persist())
    try:
        tagged.filter(lambda r: r[0] == _QUADS).values().saveAsTextFile(os.path.join(out, CASES_NQ))
        findings = spark.createDataFrame(tagged.filter(lambda r: r[0] == _FINDING).values(),
                                         from_arrow_schema(FINDING_SCHEMA))
        findings.write.parquet(os.path.join(out, FINDINGS_PARQUET))
        cases = spark.createDataFrame(tagged.filter(lambda r: r[0] == _CASE).values(), from_arrow_schema(CASE_SCHEMA))
        cases.write.parquet(os.path.join(out, CASES_PARQUET))
        tagged.filter(lambda r: r[0] == _INVALID).values().saveAsTextFile(os.path.join(out, INVALID_JSONL))
        counts = dict(tagged.map(lambda r: (r[0], 1)).countByKey())
    finally:
        tagged.unpersist()
    return JobSummary(cases=counts.get(_CASE, 0), findings=counts.get(_FINDING, 0), invalid=counts.get(_INVALID, 0))


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m netkg.distributed.spark_job", description=__doc__.split("\n")[0])
    parser.add_argument("--input", required=True, help="a JSON Lines file of cases, a folder of them, or a glob")
    parser.add_argument("--out", required=True, help="output folder (must not hold the outputs already)")
    parser.add_argument("--master", default=None, help="Spark master when not given by spark-submit (e.g. local[2])")
    parser.add_argument("--engine", choices=ENGINES, default="fast",
                        help="fast (default) or hermit (needs Java on every executor; slow)")
    parser.add_argument("--ontology", default=None,
                        help="ontology file or module folder shipped to the executors (default: the bundled one, "
                             "which every executor must be able to read)")
    parser.add_argument("--partitions", type=int, default=None,
                        help="partitions to reason in (default: the cluster's default parallelism)")
    args = parser.parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    return args


def main(argv: Optional[list[str]] = None) -> int:
    """Run the job from the command line; exit 0, or 1 when some case was invalid, 2 on bad options."""
    args = parse_args(argv)
    builder = SparkSession.builder.appName("netkg reason")
    if args.master:
        builder = builder.master(args.master)
    if (args.master or "").startswith("local"):  # the Python workers run in this environment (with netkg)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    try:
        summary = run_job(spark, args.input, args.out, args.engine, args.ontology, args.partitions)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    print(f"{summary.cases} case(s) reasoned, {summary.findings} finding row(s), {summary.invalid} invalid; "
          f"out: {Path(args.out)}")
    return 1 if summary.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
