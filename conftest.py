"""The book's pytest plugin: derivation items, chapter examples, tracebacks into the chapters."""

pytest_plugins = ["nnlit.literate.pytest_plugin"]
