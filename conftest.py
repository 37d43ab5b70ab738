"""The book's tests. Its pytest plugin (derivation items, chapter examples, tracebacks into
the chapters) is `litproof.pytest_plugin`, loaded through the `pytest11` entry point."""

# pytester runs this book's pytest plugin on other books (tests/literate/test_reuse.py).
pytest_plugins = ["pytester"]

# Importing `python -m nnlit`'s entry point would run the command line.
collect_ignore = ["nnlit/__main__.py", "litproof/__main__.py"]
# Another book, with a vocabulary of its own: tests/literate/test_reuse.py runs it as its own project.
collect_ignore.append("tests/course")
