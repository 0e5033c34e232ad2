"""golab's commands as a user types them: flags wherever they stand, extra
arguments refused with the usage, damaged notebooks refused with a clear
error while the others go on."""

import csv
import json
import shutil
import subprocess

from conftest import BIN, ROOT

WELCOME = ROOT / "notebooks" / "index.ipynb"


def golab(*args, timeout=300):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_flags_after_the_notebook_are_honoured(tmp_path):
    nb = tmp_path / "nb.ipynb"
    shutil.copy(WELCOME, nb)
    before = nb.read_bytes()
    out = tmp_path / "out.ipynb"
    r = golab("run", "-q", nb, "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.exists(), "-o after the notebook was ignored"
    assert nb.read_bytes() == before, "the input notebook was overwritten"
    assert r.stderr == "", "-q before the notebook was ignored: " + r.stderr


def test_extra_arguments_are_refused_with_the_usage(tmp_path):
    nb = tmp_path / "nb.ipynb"
    shutil.copy(WELCOME, nb)
    for args in (["run", nb, "other.ipynb"], ["run", nb, "-o", tmp_path / "o.ipynb", "stray"], ["lesson", "check", "stray"], ["install", "stray"]):
        r = golab(*args)
        assert r.returncode != 0, args
        assert "unexpected argument" in r.stderr and "usage: golab" in r.stderr, (args, r.stderr)
    r = golab("run", "-nope", nb)
    assert r.returncode != 0 and "-nope" in r.stderr and "usage: golab run" in r.stderr, r.stderr


def _damaged(tmp_path, name, mutate):
    nb = json.loads(WELCOME.read_text())
    mutate(nb)
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


def test_a_null_cell_is_a_clear_error_not_a_panic(tmp_path):
    null_cell = _damaged(tmp_path, "null.ipynb", lambda nb: nb["cells"].insert(1, None))
    r = golab("run", null_cell)
    assert r.returncode == 1
    assert "cell 2 is null" in r.stderr, r.stderr
    assert "panic" not in r.stderr and "goroutine" not in r.stderr, r.stderr
    no_type = _damaged(tmp_path, "notype.ipynb", lambda nb: nb["cells"][0].pop("cell_type"))
    r = golab("run", no_type)
    assert r.returncode == 1 and "cell 1 has cell_type" in r.stderr, r.stderr


def test_grading_goes_on_past_damaged_notebooks(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(ROOT / "notebooks" / "solutions" / "02-goroutines.ipynb", subs / "alice.ipynb")
    good = json.loads((subs / "alice.ipynb").read_text())
    good["cells"].append(None)
    (subs / "bob.ipynb").write_text(json.dumps(good))
    (subs / "carol.ipynb").write_text((subs / "alice.ipynb").read_text()[:500])  # truncated JSON
    out = tmp_path / "grades"
    r = golab("grade", "02-goroutines", subs, "-j", "2", "-o", out, "-lessons", ROOT / "lessons")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((out / "grades.csv").open()))
    by_student = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    assert all(row["result"] == "pass" for row in by_student["alice"]), by_student["alice"]
    for student, why in (("bob", "is null"), ("carol", "not valid JSON")):
        assert by_student[student] and all(row["result"] != "pass" for row in by_student[student])
        assert any(why in row["reason"] for row in by_student[student]), by_student[student]
