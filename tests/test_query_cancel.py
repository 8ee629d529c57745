"""A query stopped at its time limit stops working: no thread or process keeps computing it."""

from __future__ import annotations

import threading

import psutil
import pyoxigraph as ox
import pytest

from netkg.registry.store import EmbeddedStore, QueryTimeout

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


@pytest.fixture
def read_only_store(tmp_path):
    writer = EmbeddedStore(tmp_path / "store")
    for i in range(300):
        writer.raw.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i)),
                               ox.NamedNode("http://e/g")))
    writer.close()
    del writer
    return EmbeddedStore(tmp_path / "store", read_only=True)


def _busy_children() -> set[int]:
    """The process ids of this test process's live children."""
    return {p.pid for p in psutil.Process().children(recursive=True)
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE}


def test_timed_out_query_leaves_no_thread_or_process(read_only_store):
    threads_before, children_before = threading.active_count(), _busy_children()
    assert read_only_store.select("ASK { ?s ?p ?o }", timeout=30).rows == [{"ask": "true"}]
    with pytest.raises(QueryTimeout):
        read_only_store.select(HEAVY, timeout=0.5)
    assert threading.active_count() == threads_before
    assert _busy_children() == children_before


def test_store_answers_again_after_a_timeout(read_only_store):
    with pytest.raises(QueryTimeout):
        read_only_store.select(HEAVY, timeout=0.5)
    rows = read_only_store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=30)
    assert rows.rows == [{"n": "300"}]


def test_query_errors_come_back_from_the_worker(read_only_store):
    from netkg.errors import InputError

    with pytest.raises(InputError, match="not valid SPARQL"):
        read_only_store.select("SELECT WHERE {", timeout=30)


def test_query_without_time_limit_runs_in_the_calling_thread(read_only_store):
    threads_before, children_before = threading.active_count(), _busy_children()
    assert read_only_store.select("ASK { ?s ?p ?o }", timeout=None).rows == [{"ask": "true"}]
    assert threading.active_count() == threads_before and _busy_children() == children_before
