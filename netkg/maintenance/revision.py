"""The knowledge source as of a git revision, before or after the split into modules.

Revisions up to the split hold one edit file, ``ontology/netkg-edit.ttl``; later
ones hold the module folder ``ontology/modules/``.  Either is written into a
work folder, where :func:`netkg.knowledge.source.load_source` reads it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from netkg.errors import EnvironmentProblem, InputError
from netkg.paths import REPO_ROOT

MODULE_FOLDER = "ontology/modules"
LEGACY_EDIT_FILE = "ontology/netkg-edit.ttl"
MODULE_SUFFIX = ".ttl"


def _git(repo: Path, rev: str, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True, timeout=60).stdout
    except FileNotFoundError:
        raise EnvironmentProblem("git is not installed; use --old FILE instead of --old-rev") from None
    except subprocess.CalledProcessError as exc:
        raise InputError(f"--old-rev {rev}: {exc.stderr.decode(errors='replace').strip()}") from None


def _commit(rev: str, repo: Path) -> str:
    return _git(repo, rev, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").decode().strip()


def _module_paths(rev: str, commit: str, repo: Path) -> list[str]:
    listing = _git(repo, rev, "ls-tree", "--name-only", "-z", commit, "--", f"{MODULE_FOLDER}/").decode()
    return sorted(p for p in listing.split("\0") if p.endswith(MODULE_SUFFIX) and p.count("/") == 2)


def ontology_at_revision(rev: str, workdir: Path, repo: Path = REPO_ROOT) -> Path:
    """Write the knowledge source as of git revision ``rev`` into ``workdir``; return its path.

    A revision with ``ontology/modules/`` gives a folder of its modules, an older one its
    single edit file; either path can be passed to ``Knowledge.load``.
    """
    commit = _commit(rev, repo)
    name = f"netkg-{rev.replace('/', '_').replace('~', '-').replace('^', '-')}"
    modules = _module_paths(rev, commit, repo)
    if modules:
        target = Path(workdir) / name
        target.mkdir(parents=True, exist_ok=True)
        for path in modules:
            (target / Path(path).name).write_bytes(_git(repo, rev, "show", f"{commit}:{path}"))
        return target
    target = Path(workdir) / f"{name}.ttl"
    target.write_bytes(_git(repo, rev, "show", f"{commit}:{LEGACY_EDIT_FILE}"))
    return target
