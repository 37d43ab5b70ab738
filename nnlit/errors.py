"""The one exception type that the command line reports as a sentence, not a traceback."""


class NnlitError(Exception):
    """A problem the user can fix: bad input, a missing file, a refused write.

    Its message is one sentence that names the file (and line) it concerns.
    The command line prints it and exits with status 1; any other exception is a bug.
    """
