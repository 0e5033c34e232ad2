"""Twelve submissions a class hands in, graded by nbgrader and by golab grade
(issue 29): each gets the grade a teacher would give, from both, and the
two agree; golab grade's feedback names the cell and quotes the error.

Lesson 06 (an atomic counter, worth 1; at most n at once, worth 2, one
test of which requires no data race). The submissions are nbgrader's
layout (submitted/STUDENT/LESSON/LESSON.ipynb) made from the release
notebook, so both graders read the same files."""

import copy
import csv
import json
import os
import subprocess

import pytest

from conftest import BIN, ROOT
from test_grading import VENV, inject, nbgrader_course, run_nbgrader

LESSON = "06-synchronization"

pytestmark = [pytest.mark.skipif(
    not os.path.exists(os.path.join(VENV, "bin", "nbgrader")) and os.environ.get("GOLAB_REQUIRE_NBGRADER") != "1",
    reason=f"nbgrader is not installed in {VENV} (scripts/test installs it)",
), pytest.mark.timeout(900), pytest.mark.bound(900)]

BUSY_WAIT = """func AtomicCount(goroutines, each int) int64 {
	var n, done atomic.Int64
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; i < each; i++ {
				n.Add(1)
			}
			done.Add(1)
		}()
	}
	for done.Load() < int64(goroutines) {
	}
	return n.Load()
}"""

NO_WAIT = """func AtomicCount(goroutines, each int) int64 {
	var n atomic.Int64
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; i < each; i++ {
				n.Add(1)
			}
		}()
	}
	return n.Load()
}"""

RACY_LIMIT = """func RunLimited(tasks []func(), n int) {
	running := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if running < n {
					running++
					mu.Unlock()
					break
				}
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
			task()
			running--
		}()
	}
	wg.Wait()
}"""

WG_BY_VALUE = """func runOne(sem *safe.Semaphore, task func(), wg sync.WaitGroup) {
	defer wg.Done()
	sem.Acquire()
	defer sem.Release()
	task()
}

func RunLimited(tasks []func(), n int) {
	sem := safe.NewSemaphore(n)
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go runOne(sem, task, wg)
	}
	wg.Wait()
}"""

SCRATCH = "n := 0\nfor {\n\tn++\n}"
FLOOD = 'import "strings"\nfor i := 0; i < 500000; i++ {\n\tfmt.Println(i, strings.Repeat("x", 100))\n}'
DELETE = 'import "os"\nentries, _ := os.ReadDir(".")\nfor _, e := range entries {\n\tos.RemoveAll(e.Name())\n}\nfmt.Println("deleted", len(entries))'

# student: (expected points of 3, why)
EXPECTED = {
    "correct": (3, "every answer right"),
    "typo": (2, "AtomicCount passed once, then a typo: the cell does not compile now"),
    "scratch": (3, "right, with a scratch for { n++ } left in a cell: it is interrupted, the rest runs"),
    "deadlock": (2, "AtomicCount locks a mutex twice"),
    "racy": (2, "RunLimited keeps its count in a plain int: the race detector fails it"),
    "busywait": (3, "AtomicCount waits by spinning: slow, but right"),
    "nowait": (2, "AtomicCount returns before its goroutines end"),
    "wgvalue": (1, "RunLimited passes its WaitGroup by value: Wait never returns"),
    "nullcell": (0, "a cell of the notebook is null: the file is no notebook"),
    "truncated": (0, "the file ends in the middle of its JSON"),
    "flood": (3, "right, and prints 50 MB"),
    "deleter": (3, "right, and a cell deletes every file in its working directory"),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    right = nbgrader_course(course, LESSON)
    run_nbgrader(course, "generate_assignment", LESSON, "--force")
    release = json.loads((course / "release" / LESSON / f"{LESSON}.ipynb").read_text())
    answers = {
        "correct": right,
        "typo": {**right, "atomiccount-answer": inject(right["atomiccount-answer"], "AtomicCount", "_ = bb")},
        "scratch": right,
        "deadlock": {**right, "atomiccount-answer": inject(right["atomiccount-answer"], "AtomicCount", "var mu sync.Mutex; mu.Lock(); mu.Lock()")},
        "racy": {**right, "limit-answer": RACY_LIMIT},
        "busywait": {**right, "atomiccount-answer": BUSY_WAIT},
        "nowait": {**right, "atomiccount-answer": NO_WAIT},
        "wgvalue": {**right, "limit-answer": WG_BY_VALUE},
        "nullcell": right,
        "truncated": right,
        "flood": right,
        "deleter": right,
    }
    for student, code in answers.items():
        nb = copy.deepcopy(release)
        for c in nb["cells"]:
            gid = c["metadata"].get("nbgrader", {}).get("grade_id")
            if gid in code:
                c["source"] = code[gid]
                if student == "typo" and gid == "atomiccount-answer":
                    # What the notebook shows from the run that passed.
                    c["execution_count"] = 7
        extra = {"scratch": SCRATCH, "flood": FLOOD, "deleter": DELETE}.get(student)
        if extra:
            cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": extra}
            nb["cells"].insert(len(nb["cells"]) // 2, cell)
        text = json.dumps(nb)
        if student == "nullcell":
            nb["cells"].insert(3, None)
            text = json.dumps(nb)
        elif student == "truncated":
            text = text[: len(text) * 2 // 3]
        path = course / "submitted" / student / LESSON / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        (path.parent / "data.txt").write_text("a student's data file\n")
    return course


@pytest.fixture(scope="module")
def golab_grades(course):
    out = course / "golab-grades"
    proc = subprocess.run([str(BIN), "grade", LESSON, str(course / "submitted"), "-o", str(out), "-j", "2",
                           "-lessons", str(ROOT / "lessons")], capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stderr
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    return rows


@pytest.fixture(scope="module")
def nbgrader_grades(course, golab_grades):
    # After golab grade, whose first race test warmed Go's build cache for -race.
    # A cell may run 60 s: the race test's program ends at its own 30 s timeout.
    run_nbgrader(course, "autograde", LESSON, "--create", "--force", "--Execute.timeout=60", check_exit=False)
    run_nbgrader(course, "export")
    with open(course / "grades.csv") as f:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(f) if row["assignment"] == LESSON}


def golab_points(rows, student):
    return sum(int(r["points"]) for r in rows if r["student"] == student)


@pytest.mark.parametrize("student", EXPECTED)
def test_both_graders_give_what_a_teacher_would(student, golab_grades, nbgrader_grades):
    want, why = EXPECTED[student]
    got_golab = golab_points(golab_grades, student)
    got_nbgrader = nbgrader_grades.get(student, 0.0)
    assert (got_golab, got_nbgrader) == (want, want), f"{student} ({why}): golab grade {got_golab}, nbgrader {got_nbgrader}, want {want}"


def test_feedback_names_the_cell_and_quotes_the_error(course, golab_grades):
    reasons = {}
    for r in golab_grades:
        reasons.setdefault(r["student"], []).append(r["reason"])
    typo = " ".join(reasons["typo"])
    assert "undefined: bb" in typo and "code cell" in typo, typo
    page = (course / "golab-grades" / "feedback" / "scratch.html").read_text()
    assert "was interrupted" in page and "n := 0" in page and "code cell" in page, page
    assert "data race" in " ".join(reasons["racy"]), reasons["racy"]
    assert "hint: runOne takes its sync.WaitGroup by value" in " ".join(reasons["wgvalue"]), reasons["wgvalue"]
    assert any("could not be read" in r for r in reasons["truncated"]), reasons["truncated"]
    assert any("could not be read" in r for r in reasons["nullcell"]), reasons["nullcell"]


def test_no_submission_touches_the_files_of_the_others(course, golab_grades):
    """The deleter ran in a directory of its own: every submission and data
    file is still there, and so are the grades."""
    for student in EXPECTED:
        folder = course / "submitted" / student / LESSON
        assert (folder / f"{LESSON}.ipynb").exists() and (folder / "data.txt").exists(), student
    assert (course / "golab-grades" / "grades.csv").exists()
