"""Sub-commands of ``netkg``; each module is one command (see :mod:`netkg.cli`)."""
