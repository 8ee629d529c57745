"""The statement list records the review date and the revisions of the current-evidence statements."""

from __future__ import annotations

import pytest

from netkg.maintenance.coverage import (DEFAULT_STATEMENTS, StatementRevision, parse_relation, read_tsv,
                                        statement_revisions)


def test_relation_column_is_read():
    assert parse_relation("supersedes K022; refines K046") == [("supersedes", "K022"), ("refines", "K046")]
    assert parse_relation("new") == [] and parse_relation("") == []
    with pytest.raises(ValueError):
        parse_relation("replaces K022")


def test_every_addition_is_dated_and_revises_only_listed_statements():
    rows = {r["id"]: r for r in read_tsv(DEFAULT_STATEMENTS)}
    additions = [f"K{n}" for n in range(101, 136)]
    assert all(rows[k]["reviewed"] == "2026-11-25" and rows[k]["seeds"] == "add" for k in additions)
    for rev in statement_revisions():
        assert rev.older in rows and rev.newer in rows and rev.older < rev.newer


def test_the_agreed_supersessions_and_conflicts_are_recorded():
    revisions = set(statement_revisions())
    for newer, kind, older in [("K101", "supersedes", "K022"), ("K109", "supersedes", "K032"),
                               ("K110", "supersedes", "K032"), ("K117", "conflicts with", "K013"),
                               ("K131", "conflicts with", "K038"), ("K105", "refines", "K024")]:
        assert StatementRevision(newer, kind, older, "2026-11-25") in revisions
    k022 = StatementRevision("K101", "supersedes", "K022", "2026-11-25")
    assert k022.describe_for_older() == "superseded by K101 (2026-11-25)"
