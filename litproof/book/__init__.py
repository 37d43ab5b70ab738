"""The book model (mkdocs.yml and the chapters, read once per run) and what is made of it: tangle, verify,
mutate, numbering, results, notebooks, translations and the caches."""
