"""Build the site: gather the facts, copy the assets and figures, write every page.

`build(options)` writes into options.out, which it empties first only when a previous
build made it (it holds .dezero-site) or it is empty; it refuses any other folder.
"""

from __future__ import annotations

import dataclasses
import difflib
import pathlib
import shutil
import time

from PIL import Image

from dezero_stages import registry
from tools.common import CommandError
from tools.diff import FileDiff, diff_stages
from tools.lock import stage_files
from tools.sitebuild import data, demos, highlight, pages, review, status, testindex

Path = pathlib.Path

ASSETS = Path(__file__).resolve().parent / "assets"
MARKER = ".dezero-site"
# The widest picture the site carries; a wider demo figure is scaled down when copied.
MAX_WIDTH = 2000

# What each demo figure shows, by file name (the demos' --help and docstrings name them).
FIGURE_ALT = {
    "goldstein": "Computational graph of the Goldstein-Price function, drawn by graphviz",
    "my_sin_1e-4": "Computational graph of my_sin, sin as its Taylor series, cut at 1e-4",
    "my_sin_1e-150": "Computational graph of my_sin cut at 1e-150: many more Taylor terms",
    "rosenbrock": "Gradient descent's path over the contour lines of the Rosenbrock function",
    "sin_derivatives": "sin(x) and its first, second and third derivatives",
    "tanh": "Computational graph of the higher-order derivative of tanh",
    "linear_regression": "Toy data points and the line that linear regression fitted",
    "neural_network": "Noisy sine data and the curve a two-layer network fitted to it",
    "sin_fit": "Noisy sine data and the curve the network fitted to it",
    "model": "Computational graph of the two-layer model",
    "optimizers": "Loss curves of the optimizers, compared",
    "spiral_regions": "The spiral dataset's classes and the decision regions the network learned",
    "loss": "Training loss per epoch",
    "curves": "Loss and accuracy per epoch",
    "accuracy": "Accuracy per epoch",
    "predictions": "Sample digits with the labels the network predicted",
    "training": "Training loss and accuracy per epoch",
    "reload": "The model's output before saving its weights and after loading them again",
    "dropout": "Dropout masks of a few calls, and the unchanged output in test mode",
    "conv_outsize": "A padded input and the output size a convolution gives it",
    "im2col": "An input and the matrix im2col unrolls it into",
    "filters": "Convolution filters and what they pick out of an image",
    "conv_layer": "The output channels of a convolution layer",
    "shapes": "The shapes of VGG16's layer outputs",
    "vgg16": "Computational graph of VGG16",
    "prediction": "The recurrent network's prediction against the true cosine",
}


@dataclasses.dataclass
class Options:
    out: Path
    cache: Path
    matrix: str | None = None
    run_matrix: bool = False
    demos: bool = True
    jobs: int = 2
    demo_timeout: float = 300.0
    log: object = print


@dataclasses.dataclass
class Built:
    pages: int
    seconds: float
    demos_run: int
    demos_failed: list[str]


def prepare_out(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise CommandError(f"{out} is a file, not a folder", status=2)
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise CommandError(f"{out} is not empty and was not built by `python -m tools "
                               f"site` (no {MARKER}): choose another --out", status=2)
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("built by python -m tools site; emptied by the next build\n",
                              encoding="utf-8")


def first_stage_diffs(stage: int) -> list[FileDiff]:
    """Every file of the first stage, shown as added."""
    diffs = []
    files = stage_files(registry.stage_dir(stage))
    name = registry.stage_dir(stage).name
    for rel in sorted(files, key=lambda rel: (rel == "demo.py", rel)):
        if not (rel.startswith("dezero/") or rel == "demo.py"):
            continue
        lines = files[rel].read_text(encoding="utf-8", errors="replace").splitlines()
        unified = list(difflib.unified_diff([], lines, "/dev/null", f"{name}/{rel}",
                                            lineterm=""))
        diffs.append(FileDiff(rel, None, lines, unified))
    return diffs


def copy_figure(png: Path, target: Path) -> tuple[int, int]:
    """Copy a PNG's bytes, or a deterministic downscale where it is wider than MAX_WIDTH."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(png) as image:
        width, height = image.size
        if width <= MAX_WIDTH:
            shutil.copyfile(png, target)
            return width, height
        new_height = max(1, round(height * MAX_WIDTH / width))
        image.convert("RGBA" if "A" in image.getbands() else "RGB").resize(
            (MAX_WIDTH, new_height), Image.Resampling.LANCZOS).save(target, format="PNG")
        return MAX_WIDTH, new_height


def figure_alt(png: Path, stage: int) -> str:
    what = FIGURE_ALT.get(png.stem, f"Figure {png.stem}")
    return f"{what} ({data.stage_label(stage)}'s demo)"


def demo_pages(results: dict[int, demos.DemoResult], stages: list[int], out: Path,
               ran: bool) -> dict[int, pages.Demo]:
    shown = {}
    for stage in stages:
        if not demos.has_demo(stage):
            continue
        result = results.get(stage)
        if result is None:
            shown[stage] = pages.Demo(stage, None, [], "the site was built with --no-demos"
                                      if not ran else "it has no cached output")
            continue
        figures = []
        for png in result.figures:
            src = f"figures/{data.stage_name(stage)}/{png.name}"
            width, height = copy_figure(png, out / src)
            figures.append(pages.Figure(src, width, height, figure_alt(png, stage)))
        shown[stage] = pages.Demo(stage, result, figures)
    return shown


def _write(out: Path, rel: str, text: str) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def build(options: Options) -> Built:
    start = time.perf_counter()
    log = options.log
    steps = data.book_steps()
    final = data.final_facts()
    tests = testindex.build_index()
    slides = review.load_review()
    errata = review.load_errata()
    matrix = status.find(options.matrix, options.cache, options.run_matrix, log)

    stages = registry.built_stages()
    results = {}
    if options.demos:
        results = demos.collect(stages, options.cache, jobs=options.jobs,
                                timeout=options.demo_timeout, log=log)
    ran = [r for r in results.values() if not r.cached]
    failed = [f"{data.stage_name(r.stage)} "
              f"({'timed out' if r.returncode is None else f'exit {r.returncode}'})"
              for r in results.values() if not r.ok]

    out = options.out
    prepare_out(out)
    (out / "assets").mkdir()
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            shutil.copyfile(asset, out / "assets" / asset.name)
    _write(out, "assets/pygments.css", highlight.style_css())
    shown = demo_pages(results, stages, out, options.demos)

    count = 0
    _write(out, "index.html", pages.index_page(steps, matrix, final))
    count += 1
    for step in steps:
        diffs = None
        if step.stage is not None and step.stage == step.number:
            diffs = (diff_stages(step.previous, step.stage) if step.previous is not None
                     else first_stage_diffs(step.stage))
        _write(out, f"step/{step.slug}.html", pages.step_page(
            step, steps=steps, diffs=diffs, demo=shown.get(step.stage),
            slides=slides.get(step.number, []), errata=errata.get(step.number, []),
            tests=tests, matrix=matrix))
        count += 1
    final_diffs, files = None, []
    if final is not None:
        if final.previous is not None:
            final_diffs = diff_stages(final.previous, final.stage)
        for rel, path in stage_files(registry.stage_dir(final.stage)).items():
            files.append((rel, len(path.read_text(encoding="utf-8",
                                                  errors="replace").splitlines())))
    _write(out, "final.html", pages.final_page(
        final, final_diffs, shown.get(final.stage) if final else None, tests, matrix, files))
    _write(out, "matrix.html", pages.matrix_page(matrix, data.final_number()))
    count += 2
    caps_by_test: dict[tuple[str, str], list[str]] = {}
    for name, refs in tests.by_capability.items():
        for ref in refs:
            caps_by_test.setdefault((ref.file, ref.anchor), []).append(name)
    for file in tests.files:
        lines = (testindex.SUITE_DIR / file).read_text(encoding="utf-8").splitlines()
        _write(out, f"tests/{testindex.page_name(file)}",
               pages.test_page(file, lines, tests, caps_by_test))
        count += 1
    return Built(count, time.perf_counter() - start, len(ran), failed)
