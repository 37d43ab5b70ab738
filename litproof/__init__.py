"""litproof: checked derivations in a MkDocs book, its tests, and the package its code becomes.

One job per module; the arrows are imports. Each part imports only the parts
above it, and none imports a generated (tangled) module of a book's package.
`litproof.errors.BookError` is the one exception a user's mistake raises: one
sentence naming the file and line.

The core (`litproof.core`: SymPy and the standard library only, so that the
same modules run in a browser)
    `fences` finds a chapter's fenced blocks, each with its chapter and line, and
    knows a page's language. `vocabulary` is the closed set of names a
    derivation block may use, in a symbolic mode (proofs for all sizes) and an
    explicit one (concrete sizes) (-> cases); `cases` holds the words defined by
    cases (relu; Max and Piecewise are SymPy's) and compares such functions
    exactly, cell by cell; `words` is a book's own word, one record per function.
    `derivation` reads a block and evaluates its steps (-> fences, vocabulary,
    words). `checker` proves consecutive steps equal, or finds a counterexample,
    and gives a verdict (-> derivation, latex, entrywise, cases). `entrywise`
    writes a matrix expression's generic entry in index form, so that matrix
    steps are proved for all sizes. `latex` prints steps in the book's notation,
    `premises` the "where" part of a box, `plain_math` LaTeX as terminal text.
    `timelimit` is the one seam for a check's time limit (SIGALRM here; in a
    browser the page ends the worker). `live` is what the in-page checker calls:
    a block's text in, the verdict `verify` would give it out, as plain data
    (-> checker, derivation, latex).

The book (`litproof.book`: adds PyYAML)
    `config` reads mkdocs.yml; `model.Book` is one book read once per run: its
    settings, its chapters in nav order, their blocks and derivations, asked by
    everything below. `tangle` joins the blocks titled `<package>/<module>.py`
    into generated modules, with a hash that makes a hand edit visible, and
    refuses to overwrite one. `verify` checks the book's derivations and reports
    them (text, LaTeX or JSON), `mutate` makes wrong steps and checks that the
    checker rejects them, `numbering` gives derivations their equation numbers,
    `results` prints a block's result for the prose, `notebooks` turns a chapter
    into a Jupyter notebook, `translations` knows which translated page is older
    than its English page. `verdicts` keeps the checker's verdicts and
    `block_outputs` build-time blocks' outputs, both by content hash; `kept`
    keeps any other text a build makes (a notebook, a page) by a hash of all
    its inputs.

The site (`litproof.site`: adds MkDocs)
    `plugin` is the MkDocs plugin `litproof` (the `mkdocs.plugins` entry point):
    it registers the derivation fence and holds one build's state (-> all
    below). `fence` renders a box with the verdict this build computed;
    `derivations` numbers and links equations and shows results in prose;
    `hooks` ships MathJax, the API page and the notebooks; `cite` adds the
    citation box; `print_pages` has each language's whole book written on one
    page, which `cover` opens with how to cite it, and `pdf` prints it with
    headless Chromium; `translations` handles the translated pages; `rendered`
    lists what a page's HTML is made from, so that `mkdocs serve` converts only
    the pages whose inputs changed; `templates` compiles the Jinja templates
    once; `shims` holds every reliance on another package's private code, each
    checked against the version it was written for. `live` ships the in-page checker: Pyodide
    (fetched once, verified, cached), SymPy and mpmath as installed, the core's
    own files, and the page's editors and Web Worker (`assets/`).

The pytest plugin and the command line
    `pytest_plugin` (the `pytest11` entry point) makes every derivation a test
    item, keeps a package's own blocks out of the example tests, and maps
    tracebacks back to chapter lines. `cli` is `litproof tangle|verify|mutate`.
"""
