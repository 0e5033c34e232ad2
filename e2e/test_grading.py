"""Grading a class with the real nbgrader CLI: golab lesson build --nbgrader,
nbgrader generate_assignment, autograde of synthetic submissions (right, half
right, deadlocked, panicking, flooding, and three that try to cheat),
generate_feedback and export; the scores are asserted test by test.

nbgrader lives in its own environment (scripts/test makes .venv-grading from
e2e/requirements-grading.txt), so its JupyterLab extension stays out of the
browser test; GOLAB_NBGRADER_VENV points at it."""

import copy
import csv
import json
import os
import re
import subprocess
import time

import pytest

from conftest import BIN, ROOT

LESSON = "02-goroutines"
VENV = os.path.abspath(os.environ.get("GOLAB_NBGRADER_VENV", str(ROOT / ".venv-grading")))

pytestmark = pytest.mark.skipif(
    not os.path.exists(os.path.join(VENV, "bin", "nbgrader")) and os.environ.get("GOLAB_REQUIRE_NBGRADER") != "1",
    reason=f"nbgrader is not installed in {VENV} (scripts/test installs it)",
)


def run_nbgrader(course, *args, timeout=900, check_exit=True):
    """Run nbgrader in the course; with check_exit, it must succeed (autograde
    fails when a submission cannot be read, after grading the others)."""
    env = dict(os.environ, PATH=os.path.join(VENV, "bin") + os.pathsep + os.environ["PATH"])
    proc = subprocess.run([os.path.join(VENV, "bin", "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0 or not check_exit, f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def region(source, start, end):
    return source.split(start, 1)[1].split(end, 1)[0]


def inject(code, func, line):
    """Insert a line at the start of a top-level function's body."""
    return re.sub(rf"(func {func}\([^\n]*\{{\n)", lambda m: m.group(1) + "\t" + line + "\n", code, count=1)


def nbgrader_course(course, lesson):
    """Build the nbgrader course of golab's lessons in course; return the
    reference solution of each answer cell of lesson, by grade_id."""
    subprocess.run([str(BIN), "lesson", "build", "-nbgrader", str(course)], check=True, capture_output=True)
    source_nb = json.loads((course / "source" / lesson / f"{lesson}.ipynb").read_text())
    solutions = {}
    for c in source_nb["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            solutions[meta["grade_id"]] = region("".join(c["source"]), "// BEGIN SOLUTION\n", "/*\n// END SOLUTION")
    return solutions


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    solutions = nbgrader_course(course, LESSON)
    start = time.time()
    out = run_nbgrader(course, "generate_assignment", LESSON, "--force")
    assert "is not absolute" not in out, out  # the course's root is an absolute path
    release = json.loads((course / "release" / LESSON / f"{LESSON}.ipynb").read_text())
    starters = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in release["cells"]
                if c["metadata"].get("nbgrader", {}).get("solution")}

    right = dict(solutions)
    flood = 'import (\n\t"fmt"\n\t"strings"\n)\nfor i := 0; i < 500000; i++ {\n\tfmt.Println(i, strings.Repeat("x", 100))\n}\n'
    submissions = {
        "alice": right,
        "bob": {**right, "waitall-answer": starters["waitall-answer"]},
        "carol": {**right, "greetings-answer": inject(right["greetings-answer"], "Greetings", "select {} // deadlock")},
        "dan": {**right, "greetings-answer": inject(right["greetings-answer"], "Greetings", 'go func() { panic("boom") }(); time.Sleep(100 * time.Millisecond)')},
        "erin": {**right, "greetings-answer": right["greetings-answer"] + "\n" + flood},
        "frank": dict(starters),  # edits the test cells below to pass anything
        "grace": {**right, "greetings-answer": right["greetings-answer"] +
                  "\ntype fake struct{}\nfunc (fake) Equal(t, name, got, want any) {}\nfunc (fake) True(t any, ok bool, msg string) {}\nvar check fake\n"},
        "heidi": {**right, "greetings-answer": inject(right["greetings-answer"], "Greetings", "os.Exit(0)") + '\nimport "os"\n'},
    }
    for student, answers in submissions.items():
        nb = copy.deepcopy(release)
        for c in nb["cells"]:
            meta = c["metadata"].get("nbgrader", {})
            if meta.get("grade_id") in answers:
                c["source"] = answers[meta["grade_id"]]
            elif student == "frank" and meta.get("grade"):
                c["source"] = '%check greetings\n//golab:test "anything"\ncheck.True(t, true, "")\n'
        if student == "dan":  # the panic injection uses time
            for c in nb["cells"]:
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "greetings-answer":
                    c["source"] = 'import "time"\n' + c["source"]
        path = course / "submitted" / student / LESSON / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(nb))
    run_nbgrader(course, "autograde", LESSON, "--create", "--force")
    took = time.time() - start
    run_nbgrader(course, "generate_feedback", LESSON, "--force")
    run_nbgrader(course, "export")
    with open(course / "grades.csv") as f:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    print(f"\nnbgrader: generate_assignment + autograde of {len(submissions)} submissions took {took:.1f} s")
    return course, scores


@pytest.mark.parametrize("student,expected,why", [
    ("alice", 3, "every answer right"),
    ("bob", 2, "one exercise right, the other still the starter"),
    ("carol", 1, "Greetings deadlocks: its two tests time out; RunAll is right"),
    ("dan", 1, "Greetings panics in a goroutine (the worker dies): 0 for its tests"),
    ("erin", 3, "right, and prints 50 MB: the flood costs no points and stops nothing"),
    ("frank", 0, "edited the test cells: nbgrader restores them, and the starters fail"),
    ("grace", 0, "defines check itself to fake the tests: refused"),
    ("heidi", 1, "os.Exit(0) inside Greetings to skip its tests: 0 for them"),
])
def test_nbgrader_scores(graded, student, expected, why):
    course, scores = graded
    score, max_score = scores[student]
    assert max_score == 3
    assert score == expected, f"{student} ({why}): {score} of {max_score}"


def test_feedback_and_sizes(graded):
    course, scores = graded
    for student in scores:
        page = course / "feedback" / student / LESSON / f"{LESSON}.html"
        assert page.exists(), page
    html = (course / "feedback" / "bob" / LESSON / f"{LESSON}.html").read_text()
    assert "FAIL" in html and "RunAll" in html
    # The 50 MB of output was capped in the graded notebook.
    graded_nb = course / "autograded" / "erin" / LESSON / f"{LESSON}.ipynb"
    assert graded_nb.stat().st_size < 12 * 2**20, graded_nb.stat().st_size
