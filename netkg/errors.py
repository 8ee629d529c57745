"""Errors the command line turns into a message and an exit code (no traceback)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_ENVIRONMENT = 3


class NetkgError(Exception):
    """Base class: a problem to tell the user in one message."""

    exit_code = EXIT_INPUT


class InputError(NetkgError):
    """Bad input: names the field and what is allowed (exit 2)."""

    exit_code = EXIT_INPUT


class EnvironmentProblem(NetkgError):
    """Java missing, reasoner failure, store locked or corrupt (exit 3)."""

    exit_code = EXIT_ENVIRONMENT
