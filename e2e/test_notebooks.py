"""Notebooks run the same under nbclient, nbconvert and `golab run`."""

import copy
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).parent
FIXTURE = HERE / "testdata" / "goroutines.ipynb"


def _outputs(nb):
    """Cell outputs, with consecutive stream outputs of one name merged
    (how text is batched into messages is timing, not content)."""
    result = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.outputs:
            o = dict(o)
            o.pop("execution_count", None)
            if o["output_type"] == "stream" and outs and outs[-1]["output_type"] == "stream" and outs[-1]["name"] == o["name"]:
                outs[-1]["text"] += o["text"]
                continue
            outs.append(o)
        result.append(outs)
    return result


def test_nbclient_and_golab_run_agree(golab_bin, tmp_path):
    nb = nbformat.read(FIXTURE, as_version=4)
    NotebookClient(copy.deepcopy(nb), kernel_name="golab", timeout=60).execute()
    executed = nbformat.read(FIXTURE, as_version=4)
    NotebookClient(executed, kernel_name="golab", timeout=60).execute()

    out = tmp_path / "run.ipynb"
    subprocess.run([str(golab_bin), "run", str(FIXTURE), "-o", str(out)], check=True, capture_output=True)
    by_golab = nbformat.read(out, as_version=4)
    nbformat.validate(by_golab)

    expected = _outputs(executed)
    assert _outputs(by_golab) == expected
    # Not vacuous: the fixture prints and shows values.
    flat = str(expected)
    assert "[1 4 9 16 25]" in flat and "385" in flat and "pong 2" in flat and "text/html" in flat


def test_nbconvert_and_golab_run_agree(golab_bin, tmp_path):
    target = tmp_path / "nb.ipynb"
    shutil.copy(FIXTURE, target)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.kernel_name=golab", str(target)], check=True, capture_output=True)
    by_nbconvert = nbformat.read(target, as_version=4)
    out = tmp_path / "run.ipynb"
    subprocess.run([str(golab_bin), "run", str(FIXTURE), "-o", str(out)], check=True, capture_output=True)
    by_golab = nbformat.read(out, as_version=4)
    assert _outputs(by_golab) == _outputs(by_nbconvert)
    assert "385" in str(_outputs(by_nbconvert))


def test_golab_run_fails_on_an_erroring_cell(golab_bin, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x := 1"), nbformat.v4.new_code_cell("x +"), nbformat.v4.new_code_cell("x")]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run([str(golab_bin), "run", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "cell 2" in proc.stderr, proc.stderr
    written = nbformat.read(path, as_version=4)
    assert written.cells[1].outputs[0]["output_type"] == "error"
    assert written.cells[2].outputs == []


def test_golab_run_allow_fail_runs_on_after_a_failing_cell(golab_bin, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x := 1"), nbformat.v4.new_code_cell("x +"), nbformat.v4.new_code_cell("x + 41")]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run([str(golab_bin), "run", str(path), "-allow-fail"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "cell 2" in proc.stderr and "ran on" in proc.stderr, proc.stderr
    written = nbformat.read(path, as_version=4)
    assert written.cells[1].outputs[0]["output_type"] == "error"
    assert written.cells[2].outputs[0]["data"]["text/plain"] == "42"


def test_golab_run_accepts_cells_tagged_raises_exception(golab_bin, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('panic("on purpose")', metadata={"tags": ["raises-exception"]}),
                nbformat.v4.new_code_cell("40 + 2")]
    path = tmp_path / "ok.ipynb"
    nbformat.write(nb, path)
    subprocess.run([str(golab_bin), "run", str(path)], check=True, capture_output=True)
    written = nbformat.read(path, as_version=4)
    assert written.cells[1].outputs[0]["data"]["text/plain"] == "42"


def test_golab_run_puts_late_goroutine_output_in_the_cell_that_started_it(golab_bin, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('import ("fmt"; "time")\n'
                                  'go func() {\n\ttime.Sleep(300 * time.Millisecond)\n\tfmt.Println("late from cell 1")\n}()\n'
                                  'fmt.Println("cell 1 done")'),
        nbformat.v4.new_code_cell('time.Sleep(1200 * time.Millisecond)\nfmt.Println("cell 2 done")'),
    ]
    path = tmp_path / "late.ipynb"
    nbformat.write(nb, path)
    subprocess.run([str(golab_bin), "run", str(path)], check=True, capture_output=True)
    first, second = (_outputs(nbformat.read(path, as_version=4)))
    stdout = lambda outs: "".join(o["text"] for o in outs if o["output_type"] == "stream" and o["name"] == "stdout")
    assert stdout(first) == "cell 1 done\nlate from cell 1\n", first
    assert stdout(second) == "cell 2 done\n", second
    # The leak report stays with cell 1 too.
    assert "still running" in str(first)


NOTEBOOK_DIR = HERE.parent / "notebooks"


def test_golab_run_reports_checks_and_fails_on_a_failed_one(golab_bin, tmp_path):
    student = NOTEBOOK_DIR / "02-goroutines.ipynb"
    proc = subprocess.run([str(golab_bin), "run", str(student), "-o", str(tmp_path / "s.ipynb")], capture_output=True, text=True)
    assert proc.returncode == 1, proc
    assert "FAIL greetings: 0 of 2 tests passed" in proc.stdout and "FAIL waitall" in proc.stdout, proc.stdout
    assert "the checks of greetings, waitall failed" in proc.stderr, proc.stderr
    kept = subprocess.run([str(golab_bin), "run", str(student), "-o", str(tmp_path / "k.ipynb"), "-allow-fail"], capture_output=True, text=True)
    assert kept.returncode == 0 and "FAIL greetings" in kept.stdout, kept
    solved = subprocess.run([str(golab_bin), "run", str(NOTEBOOK_DIR / "solutions" / "02-goroutines.ipynb"), "-o", str(tmp_path / "r.ipynb")],
                            capture_output=True, text=True)
    assert solved.returncode == 0, solved
    assert "PASS greetings: 2 of 2 tests passed" in solved.stdout and "PASS waitall: 1 of 1 tests passed" in solved.stdout, solved.stdout


NOTEBOOKS = sorted(NOTEBOOK_DIR.rglob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(NOTEBOOK_DIR)) for p in NOTEBOOKS])
def test_shipped_notebooks_run_under_nbclient(path):
    nb = nbformat.read(path, as_version=4)
    # nbclient stops at the first error, except in cells tagged raises-exception.
    NotebookClient(nb, kernel_name="golab", timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o["output_type"] == "error"]
        on_purpose = "raises-exception" in cell.metadata.get("tags", [])
        assert bool(errors) == on_purpose, (cell.source, errors)
        if "check" in cell.metadata.get("tags", []):
            results = [o["metadata"]["golab_check"] for o in cell.outputs if "golab_check" in o.get("metadata", {})]
            assert len(results) == 1, ("a check cell shows one result", cell.source, cell.outputs)
            if path.parent.name == "solutions":
                assert results[0]["passed"] == results[0]["total"], (path.name, results[0])
            else:  # the starters fail their checks, without a cell error
                assert results[0]["passed"] < results[0]["total"], (path.name, results[0])


def test_there_are_shipped_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"
    lessons = [p for p in NOTEBOOKS if p.parent == NOTEBOOK_DIR and p.name[:2].isdigit() and p.name[:2] not in ("00", "90")]
    assert len(lessons) >= 6, lessons
    for p in lessons:
        assert (NOTEBOOK_DIR / "solutions" / p.name).exists(), p
