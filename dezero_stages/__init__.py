"""What the tools and the shared suite both need, in one place they both import.

    registry       which steps exist, which have a stage folder, where it is
    capabilities   the capability table: what each step adds, what a pin checks
    report         the per-capability report of one suite run: schema, writer, reader
    impl           finding the `dezero` to test in a folder a person names
    suite          the pytest command line that runs the shared suite
    fileio         writing a file atomically
    grading        grading code of one's own: the learner's report, JSON, JUnit XML
    cli            the `dezero-stages` command (`python -m dezero_stages`)

Imports go one way: `tools/` and `shared_tests/` import this package; it imports neither
of them, nothing outside the standard library, and no stage. The noxfile imports it before
any environment exists. `pip install` of the repository installs this package, with the
shared suite as its subpackage `dezero_stages.shared_tests` and manifest.toml beside
registry.py: a learner grades their code with it, without a clone and without stages.
"""
