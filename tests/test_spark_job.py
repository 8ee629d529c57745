"""The Spark job (local[2]) writes the findings and case graphs of ``netkg reason --out``, and the same invalid cases."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pyarrow.parquet as pq
import pytest
import yaml

from _storedata import ROOT
from netkg.maintenance.generate import generate_cases
from netkg.registry.export import CASES_NQ, CASES_PARQUET, FINDINGS_PARQUET, export_to_folder
from netkg.vocabulary import NKR

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs a Java runtime (17 or newer); none found", allow_module_level=True)

from netkg.distributed.spark_job import INVALID_JSONL, run_job  # noqa: E402  (needs pyspark)

pytestmark = pytest.mark.spark

# The per-run statement of a case graph (when the report was made): its value is left out.
PER_RUN = f"<{NKR.reasonedAt}>"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: stay on the loopback interface
    session = (SparkSession.builder.master("local[2]").appName("netkg-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def outputs(spark, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")
    cases = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples" / "cohort").glob("*.yaml"))]
    cases += generate_cases(200, seed=23)
    lines = [json.dumps(c) for c in cases]
    lines += ["{not json", json.dumps({"id": "bad-ki67", "tumour": {"primary_site": "ileum", "ki67": "lots"}})]
    source = folder / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n")
    local = export_to_folder(source, folder / "local", workers=1)
    summary = run_job(spark, str(source), str(folder / "spark"), partitions=2)
    assert summary.cases == local.reasoned == len(cases)
    return folder / "local", folder / "spark", local


def _sorted_rows(path):
    rows = pq.read_table(path).to_pylist()
    for r in rows:
        if "key_facts" in r:  # a Parquet map keeps no order
            r["key_facts"] = sorted(r["key_facts"])
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def _quads(paths):
    quads = set()
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                quads.add(line.split(" ", 3)[0] + " " + PER_RUN if line.split(" ", 2)[1] == PER_RUN else line)
    return quads


def test_the_findings_are_those_of_reason_out_row_for_row(outputs):
    local, spark_out, _ = outputs
    rows = _sorted_rows(local / FINDINGS_PARQUET)
    assert rows and _sorted_rows(spark_out / FINDINGS_PARQUET) == rows
    assert _sorted_rows(spark_out / CASES_PARQUET) == _sorted_rows(local / CASES_PARQUET)


def test_the_nquads_are_the_same_quads_but_the_time_of_reasoning(outputs):
    local, spark_out, _ = outputs
    expected = _quads([local / CASES_NQ])
    assert any(PER_RUN in q for q in expected)
    assert _quads(sorted((spark_out / CASES_NQ).glob("part-*"))) == expected


def test_invalid_cases_are_written_with_field_and_message(outputs):
    _, spark_out, local = outputs
    written = [json.loads(line) for part in sorted((spark_out / INVALID_JSONL).glob("part-*"))
               for line in part.read_text().splitlines() if line.strip()]
    assert sorted((e["case_id"] or "", e["field"], e["message"]) for e in written) == \
        sorted((e.case_id or "", e.field, e.message) for e in local.invalid)
    assert {e["field"] for e in written} >= {"(line)", "tumour.ki67"}
