"""The book's pytest plugin: derivation items, chapter examples, tracebacks into the chapters."""

pytest_plugins = ["nnlit.literate.pytest_plugin"]

# Importing `python -m nnlit`'s entry point would run the command line.
collect_ignore = ["nnlit/__main__.py"]
