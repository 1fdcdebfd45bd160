#!/usr/bin/env bash
# Run the book's programs on their stage and on the book's own package, and diff the output.
#
#   bash docs/book-programs/compare.sh             # every program here
#   bash docs/book-programs/compare.sh 42 57       # just these steps
#
# The book's package (dezero 0.0.13 from PyPI) is installed once into .nox/book-venv, so the
# first run needs PyPI; later runs need no network. Programs from step 44 on run with
# VERIFY_F64=1 (every Linear in float64), which takes the book's float32 -> float64 leak under
# NumPy 2 out of the comparison (see shim.py and CONTRIBUTING); under NumPy 1.26 they match
# in float32 too (STAGES_PY and the book venv on NumPy 1.26).
set -uo pipefail
cd "$(dirname "$0")/../.."
HERE=docs/book-programs
STAGES_PY=${STAGES_PY:-.nox/env/bin/python}
BOOK=.nox/book-venv
if [ ! -x "$BOOK/bin/python" ]; then
    python3 -m venv "$BOOK" && "$BOOK/bin/pip" install --quiet "dezero==0.0.13" numpy matplotlib \
        || { echo "could not install the book's package into $BOOK" >&2; exit 2; }
fi
steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then
    steps=($(ls $HERE/step*.py | sed 's/.*step\([0-9]*\)\.py/\1/'))
fi
out=$(mktemp -d)
failed=0
run() {  # run STEP ENV...: the program on its stage, then on the book's package
    local n=$1; shift
    local program=$HERE/step$n.py
    local stage=stages/step$n on=""
    # The book's programs for steps 37 and 38 call F.sum, which its package gains in step 39
    # (CONTRIBUTING): they run on the first stage that has it.
    if [ "$n" = 37 ] || [ "$n" = 38 ]; then stage=stages/step39 on=" on stage 39: it calls F.sum"; fi
    # final_package.py is written for the book's released package: the stage `final`.
    [ "$n" = 60 ] && [ -n "${FINAL:-}" ] && program=$HERE/final_package.py && stage=stages/final
    env "$@" PYTHONPATH="$stage:$HERE" "$STAGES_PY" "$program" > "$out/stage" 2>&1
    env "$@" PYTHONPATH="$HERE" "$BOOK/bin/python" "$program" > "$out/book" 2>&1
    local label="step $n$on${FINAL:+ (final_package.py on stages/final)}${1:+ ($*)}"
    label=${label/ (PYTHONHASHSEED=0)/}
    if diff -q "$out/stage" "$out/book" > /dev/null; then
        echo "$label: identical ($(wc -l < "$out/stage") lines)"
    else
        echo "$label: DIFFERENT"; diff "$out/stage" "$out/book" | head -20; failed=1
    fi
}
for n in "${steps[@]}"; do
    n=$((10#$n))
    if [ "$n" -ge 44 ]; then run "$n" VERIFY_F64=1; else run "$n" PYTHONHASHSEED=0; fi
done
if [ $# -eq 0 ]; then FINAL=1 run 60 VERIFY_F64=1; fi
rm -rf "$out"
exit $failed
