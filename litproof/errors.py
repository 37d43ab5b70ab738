"""The one exception type the machinery raises for a problem its user can fix."""


class BookError(Exception):
    """Bad input, a missing file, a refused write: something the book's author can fix.

    Its message is one sentence that names the file (and line) it concerns. A
    command prints it and exits with status 1; any other exception is a bug.
    """
