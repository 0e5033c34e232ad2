"""Grades where schools keep them (issue 29): golab grade's exports for
Gradescope, GitHub Classroom and Canvas, each checked against its platform's
documented format, and the packaging for each platform run as the platform
would run it (Gradescope's /autograder layout moved to a temporary folder;
Classroom's workflow step run with the variables Actions gives it)."""

import base64
import csv
import json
import os
import shutil
import subprocess
import zipfile

import jsonschema
import yaml

from conftest import BIN, ROOT

LESSON = "02-goroutines"
TITLE = "Goroutines: hello from many at once"
SCHEMAS = ROOT / "e2e" / "testdata"


def schema(name):
    return json.loads((SCHEMAS / name).read_text())


def golab(*args, **kw):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300, **kw)


def class_of_two(tmp_path):
    """A correct notebook (the solutions) and an untouched starter."""
    subs = tmp_path / "submissions"
    subs.mkdir()
    shutil.copy(ROOT / "notebooks" / "solutions" / f"{LESSON}.ipynb", subs / "alice.ipynb")
    shutil.copy(ROOT / "notebooks" / f"{LESSON}.ipynb", subs / "bob.ipynb")
    return subs


def test_exports_follow_each_platforms_format(tmp_path):
    subs = class_of_two(tmp_path)
    out = tmp_path / "grades"
    r = golab("grade", LESSON, str(subs), "-j", "2", "-o", str(out), "-export", "gradescope,classroom,canvas")
    assert r.returncode == 0, r.stderr
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    points = {s: sum(int(r["points"]) for r in rows if r["student"] == s) for s in ("alice", "bob")}
    possible = sum(int(r["max_points"]) for r in rows if r["student"] == "alice")
    assert points["alice"] == possible and points["bob"] < possible, points

    gradescope = schema("gradescope-results.schema.json")
    for student in ("alice", "bob"):
        res = json.loads((out / "gradescope" / f"{student}.json").read_text())
        jsonschema.validate(res, gradescope)
        assert res["score"] == points[student] == sum(t["score"] for t in res["tests"])
        assert sum(t["max_score"] for t in res["tests"]) == possible
        failed = [t for t in res["tests"] if t["status"] == "failed"]
        assert bool(failed) == (student == "bob")
        assert all(t["output"] for t in failed), failed  # the reason, in the %check box's words

    classroom = schema("classroom-runner-results.schema.json")
    for student in ("alice", "bob"):
        res = json.loads((out / "classroom" / f"{student}.json").read_text())
        jsonschema.validate(res, classroom)
        # The reporter's arithmetic: the points are the tests' scores over max_score.
        assert sum(t["score"] for t in res["tests"]) == points[student] and res["max_score"] == possible
        assert res["status"] == ("pass" if student == "alice" else "fail")
        assert all(t.get("message") for t in res["tests"] if t["status"] == "fail")

    with open(out / "canvas.csv", newline="") as f:
        table = list(csv.reader(f))
    # Canvas's gradebook import: five identifying columns, then assignments;
    # an optional "Points Possible" row under the header.
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TITLE], table[0]
    assert table[1][0] == "Points Possible" and table[1][5] == str(possible)
    assert {row[3]: int(row[5]) for row in table[2:]} == points


def test_gradescope_autograder_runs_in_gradescopes_layout(tmp_path):
    zip_path = tmp_path / "autograder.zip"
    r = golab("lesson", "gradescope", LESSON, "-lessons", str(ROOT / "lessons"), "-out", str(zip_path))
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
        # The spec: setup.sh and run_autograder at the root of the archive, executable.
        assert {"setup.sh", "run_autograder", f"lessons/{LESSON}.md", "golab"} <= names, names
        for name in ("setup.sh", "run_autograder", "golab"):
            assert (z.getinfo(name).external_attr >> 16) & 0o111, name
        root = tmp_path / "autograder"
        z.extractall(root / "source")
    for name in ("setup.sh", "run_autograder", "golab"):
        os.chmod(root / "source" / name, 0o755)
    env = {**os.environ, "AUTOGRADER": str(root), "PATH": f"{BIN.parent}:{os.environ['PATH']}"}
    gradescope = schema("gradescope-results.schema.json")

    def run(*notebooks):
        shutil.rmtree(root / "submission", ignore_errors=True)
        shutil.rmtree(root / "results", ignore_errors=True)
        (root / "submission").mkdir()
        for src, name in notebooks:
            shutil.copy(src, root / "submission" / name)
        r = subprocess.run(["sh", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        res = json.loads((root / "results" / "results.json").read_text())
        jsonschema.validate(res, gradescope)
        return res

    solved = ROOT / "notebooks" / "solutions" / f"{LESSON}.ipynb"
    starter = ROOT / "notebooks" / f"{LESSON}.ipynb"
    res = run((solved, f"{LESSON}.ipynb"))
    assert res["score"] == sum(t["max_score"] for t in res["tests"]) > 0, res
    res = run((starter, "my work.ipynb"))  # any name, if it is the only notebook
    assert res["score"] < sum(t["max_score"] for t in res["tests"]), res
    res = run((solved, "a.ipynb"), (starter, "b.ipynb"))
    assert res["score"] == 0 and "submit one notebook" in res["output"], res


def test_classroom_template_grades_a_push_as_the_workflow_does(tmp_path):
    template = tmp_path / "template"
    r = golab("lesson", "classroom", LESSON, "-lessons", str(ROOT / "lessons"), "-out", str(template))
    assert r.returncode == 0, r.stderr
    workflow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade_step = next(s for s in steps if s.get("id") == "golab")
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    # The reporter reads RUNNER_RESULTS for each runner it is given.
    runner = reporter["with"]["runners"]
    assert reporter["env"][f"{runner.upper()}_RESULTS"] == "${{steps.golab.outputs.result}}"
    assert workflow["permissions"]["checks"] == "write"
    # A student's push: the starter notebook, with one exercise solved.
    output = tmp_path / "github_output"
    runner_temp = tmp_path / "runner_temp"
    runner_temp.mkdir()
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(runner_temp),
           "PATH": f"{BIN.parent}:{os.environ['PATH']}"}
    r = subprocess.run(["bash", "-e", "-c", grade_step["run"]], cwd=template, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    key, _, value = output.read_text().strip().partition("=")
    assert key == "result"
    res = json.loads(base64.b64decode(value))
    jsonschema.validate(res, schema("classroom-runner-results.schema.json"))
    assert res["status"] == "fail" and res["max_score"] > 0  # the starter fails its tests
