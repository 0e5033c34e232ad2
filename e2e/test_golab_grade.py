"""golab grade, for teachers without nbgrader: a class's notebooks run in
fresh kernels with the lesson's own tests; grades.csv and feedback pages."""

import copy
import csv
import json
import re
import subprocess

import pytest

from conftest import BIN, ROOT

LESSON = "02-goroutines"


def cells_by_exercise(path, tag):
    nb = json.loads(path.read_text())
    return {c["metadata"]["golab"]["exercise"]: "".join(c["source"]) for c in nb["cells"]
            if tag in c["metadata"].get("tags", [])}


def inject(code, func, line):
    return re.sub(rf"(func {func}\([^\n]*\{{\n)", lambda m: m.group(1) + "\t" + line + "\n", code, count=1)


def test_golab_grade_scores_a_class(tmp_path):
    student_nb = ROOT / "notebooks" / f"{LESSON}.ipynb"
    right = cells_by_exercise(ROOT / "notebooks" / "solutions" / f"{LESSON}.ipynb", "solution")
    starters = cells_by_exercise(student_nb, "exercise")
    flood = '\nimport "strings"\nfor i := 0; i < 500000; i++ {\n\tfmt.Println(i, strings.Repeat("x", 100))\n}\n'
    answers = {
        "alice": (right, 3),
        "bob": ({**right, "waitall": starters["waitall"]}, 2),
        "carol": ({**right, "greetings": inject(right["greetings"], "Greetings", "select {} // deadlock")}, 1),
        "dan": ({**right, "greetings": inject(right["greetings"], "Greetings", 'go func() { panic("boom") }(); time.Sleep(100 * time.Millisecond)') + '\nimport "time"\n'}, 1),
        "erin": ({**right, "greetings": right["greetings"] + flood}, 3),
        "frank": (dict(starters), 0),  # and edits the test cells to pass anything
        "grace": ({**right, "greetings": right["greetings"] + "\ntype fake struct{}\nfunc (fake) Equal(t, name, got, want any) {}\nvar check fake\n"}, 0),
        "heidi": ({**right, "greetings": 'import "os"\n' + inject(right["greetings"], "Greetings", "os.Exit(0)")}, 1),
        "ivan": ({**right, "greetings": right["greetings"] + '\nimport "os"\nos.Exit(0)\n'}, 3),  # exits early: the tests still run
        "judy": (right, 3),  # and a scratch loop left running in a cell of its own
        "kate": ({**right, "greetings": inject(right["greetings"], "Greetings", "_ = bb // a typo")}, 1),
    }
    subs = tmp_path / "submissions"
    subs.mkdir()
    base = json.loads(student_nb.read_text())
    for student, (code, _) in answers.items():
        nb = copy.deepcopy(base)
        for c in nb["cells"]:
            ex = c["metadata"].get("golab", {}).get("exercise")
            if "exercise" in c["metadata"].get("tags", []):
                c["source"] = code[ex]
            elif student == "frank" and "check" in c["metadata"].get("tags", []):
                c["source"] = f'%check {ex}\n//golab:test "anything"\ncheck.True(t, true, "")\n'
        if student == "judy":
            scratch = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "n := 0\nfor {\n\tn++\n}"}
            nb["cells"].insert(len(nb["cells"]) // 2, scratch)
        (subs / f"{student}.ipynb").write_text(json.dumps(nb))
    out = tmp_path / "grades"
    proc = subprocess.run([str(BIN), "grade", LESSON, str(subs), "-o", str(out), "-j", "2", "-timeout", "2m", "-cell-timeout", "8s"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    print("\n" + proc.stdout)
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    totals = {}
    for r in rows:
        totals[r["student"]] = totals.get(r["student"], 0) + int(r["points"])
    assert totals == {s: want for s, (_, want) in answers.items()}, totals
    reasons = {(r["student"], r["exercise"]): r["reason"] for r in rows if r["result"] == "fail"}
    assert "deadlock in run 1 of" in reasons[("carol", "greetings")] and "select" in reasons[("carol", "greetings")], reasons[("carol", "greetings")]
    assert "boom" in reasons[("dan", "greetings")] or "worker" in reasons[("dan", "greetings")], reasons[("dan", "greetings")]
    assert "defines check itself" in reasons[("grace", "greetings")]
    # The real mistake is quoted, with its cell and line, not only "undefined: Greetings".
    assert re.search(r"the answer cell \(code cell \d+\) failed: line \d+:\d+: undefined: bb", reasons[("kate", "greetings")]), reasons[("kate", "greetings")]
    page = (out / "feedback" / "judy.html").read_text()
    assert "3 of 3 points" in page and "ran longer than 8s: it was interrupted" in page and "n := 0" in page, page
    page = (out / "feedback" / "bob.html").read_text()
    assert "2 of 3 points" in page and "FAIL" in page and "RunAll" in page
