"""The study site: `python -m tools site` builds a static HTML site of every step into site/.

One job per module:

    data.py       facts about the steps: manifest, serving stage, capabilities, pins lifted
    testindex.py  which tests check each capability (their @cap / capability markers, op rows)
    review.py     the study group's review split by its own step headings; the errata
    demos.py      each stage's demo run once per stage content, output cached by its hash
    status.py     the matrix report: read one, or run `tools matrix --json` into the cache
    highlight.py  Pygments: source files and diffs as HTML lines with anchors
    pages.py      the pages themselves (standard library string formatting only)
    build.py      puts it together and writes the files

The site is offline and deterministic: relative links only, no scripts or styles from
elsewhere, no timestamps or paths of the building machine; the same inputs give the same
bytes.
"""
