"""A throw-away Virtuoso Open Source server for the tests: its own database in a temporary folder.

:func:`start_virtuoso` writes a minimal ``virtuoso.ini`` (free ports for SQL and HTTP, small
buffers for a small machine, no result-set cap below the catalogue's answers), starts
``virtuoso-t`` in the foreground in its own process group and waits until ``/sparql`` answers;
:func:`load_nquads` bulk-loads an N-Quads file with ``ld_dir`` / ``rdf_loader_run()`` through
``isql-vt`` (each quad lands in its named graph); :func:`stop_virtuoso` kills the process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")  # Debian's name for Virtuoso's isql (unixODBC has another ``isql``)
MISSING = ("Virtuoso Open Source is not installed (virtuoso-t and isql-vt; "
           "apt-get install virtuoso-opensource, or scripts/setup.sh test)")
DBA_PASSWORD = "dba"  # the password of a new Virtuoso database

_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 2
MaxQueryMem = 256M
CheckpointInterval = 0

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {db}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


@dataclass
class VirtuosoServer:
    process: subprocess.Popen
    folder: Path
    sql_port: int
    http_port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def data(self) -> Path:
        """The folder the bulk loader may read (``DirsAllowed``)."""
        return self.folder / "data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(endpoint: str) -> bool:
    url = endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_virtuoso(folder: Path, startup_timeout: float = 90.0) -> VirtuosoServer:
    """A new Virtuoso server with an empty database in ``folder``, its ``/sparql`` endpoint answering."""
    db, data = folder / "db", folder / "data"
    db.mkdir(parents=True)
    data.mkdir()
    server = VirtuosoServer(None, folder, _free_port(), _free_port())  # type: ignore[arg-type]
    ini = db / "virtuoso.ini"
    ini.write_text(_INI.format(db=db, data=data, sql_port=server.sql_port, http_port=server.http_port))
    log = open(db / "console.log", "wb")
    server.process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=db,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    deadline = time.monotonic() + startup_timeout
    while not _answers(server.endpoint):
        if server.process.poll() is not None or time.monotonic() > deadline:
            stop_virtuoso(server)
            tail = (db / "console.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"virtuoso-t did not start its SPARQL endpoint:\n{tail}")
        time.sleep(0.3)
    return server


def isql(server: VirtuosoServer, commands: str, timeout: float = 300.0) -> str:
    """Run SQL ``commands`` as dba through isql-vt; the output, or RuntimeError on an error."""
    done = subprocess.run([ISQL, f"127.0.0.1:{server.sql_port}", "dba", DBA_PASSWORD, "VERBOSE=OFF",
                           "ERRORS=STDOUT", f"exec={commands}"], capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql-vt failed ({done.returncode}) on {commands!r}:\n{output}")
    return output


def load_nquads(server: VirtuosoServer, nquads: bytes, name: str = "store.nq") -> None:
    """Bulk-load N-Quads into their named graphs; a file the loader reports an error for fails."""
    (server.data / name).write_bytes(nquads)
    # ld_dir's graph argument applies to triples only; an N-Quads line names its own graph.
    isql(server, f"ld_dir('{server.data}', '{name}', 'urn:netkg:no-default-graph'); "
                 "rdf_loader_run(); checkpoint;")
    errors = isql(server, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
    if name in errors:
        raise RuntimeError(f"the Virtuoso bulk loader refused {name}:\n{errors}")


def stop_virtuoso(server: VirtuosoServer) -> None:
    """Kill the server's process group and wait for it."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait(timeout=30)
