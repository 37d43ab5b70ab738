"""The machinery that makes the chapters a checked book and a package.

One job per module; the arrows are imports, and none of these modules imports
a generated (tangled) module of the package.

Reading the book
    `markdown` finds the chapters in mkdocs.yml's nav order and the fenced blocks
    in them, each with its chapter and line. Everything else starts here.

Writing the package
    `tangle` joins the blocks titled `nnlit/<module>.py` into generated modules
    (tangle -> markdown), with a hash that makes a hand edit visible, and refuses
    to overwrite one.

Checking the derivations
    `vocabulary` is the closed set of names a derivation block may use, in a
    symbolic mode (proofs for all sizes) and an explicit one (concrete sizes)
    (-> cases). `cases` holds the words defined by cases (relu; Max and
    Piecewise are SymPy's), their derivatives off the boundaries between cases,
    and the exact comparison of two such functions, cell by cell.
    `derivation` reads a block and evaluates its steps (-> vocabulary).
    `checker` proves consecutive steps equal, or finds a counterexample
    (-> derivation, latex, entrywise, cases). `entrywise` writes a matrix
    expression's generic entry in index form, so that matrix steps are proved
    for all sizes (-> vocabulary). `latex` prints steps in the book's notation.
    `verify` runs the checker over the book for `nnlit verify` (-> checker),
    `mutate` makes wrong steps and checks that the checker rejects them
    (-> verify), and `numbering` gives derivations their equation numbers.

Testing
    `pytest_plugin` makes every derivation a test item, keeps the package's own
    blocks out of the example tests, and maps tracebacks back to chapter lines.

The website (one MkDocs plugin, `nnlit` under the `mkdocs.plugins` entry point)
    `mkdocs_plugin` is the plugin: it registers the derivation fence and holds
    the build's state, calling the modules below (-> all of them);
    `mkdocs_fence` renders a derivation block with the verdict this build
    computed (-> derivation, latex, premises, verdicts); `verdicts` keeps
    verdicts by content hash (-> checker); `mkdocs_derivations` reads the book
    once per build, tells the boxes the page and turns `{eq:id}` into links
    (-> numbering) and `{result:id}` lines into the checked formulas
    (-> results); `results` prints a block's result or one of its definitions
    for the prose (-> derivation, latex, premises, numbering);
    `mkdocs_hooks` ships MathJax, the API page and the
    notebooks (-> notebooks); `mkdocs_cite` adds the citation box;
    `mkdocs_translations` handles the Chinese pages (-> translations).
    `notebooks` turns a chapter into a Jupyter notebook; `translations` knows
    which translated page is older than its English page.
"""
