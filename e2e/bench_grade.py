"""Grading benchmark: golab grade on N synthetic submissions of one lesson
(right, half right, starters, and one in a hundred each that deadlocks,
panics, or is right but keeps a scratch `for { n++ }` cell that hangs until
the cell timeout interrupts it), with -j 1 and -j 2. Prints wall time, time per submission and peak memory of the
whole process tree, and checks every score.

Run: .venv/bin/python e2e/bench_grade.py [N_FOR_J2] [N_FOR_J1]   (defaults 300 and 60)"""

import copy
import csv
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import threading
import time

import psutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "bin" / "golab"
LESSON = "02-goroutines"


def cells(path, tag):
    nb = json.loads(path.read_text())
    return {c["metadata"]["golab"]["exercise"]: "".join(c["source"]) for c in nb["cells"] if tag in c["metadata"].get("tags", [])}


def make_class(folder, n):
    base_path = ROOT / "notebooks" / f"{LESSON}.ipynb"
    base = json.loads(base_path.read_text())
    right = cells(ROOT / "notebooks" / "solutions" / f"{LESSON}.ipynb", "solution")
    starter = cells(base_path, "exercise")
    deadlock = re.sub(r"(func Greetings\([^\n]*\{\n)", r"\1\tselect {}\n", right["greetings"], count=1)
    panics = 'import "time"\n' + re.sub(r"(func Greetings\([^\n]*\{\n)", '\\1\tgo func() { panic("boom") }(); time.Sleep(50 * time.Millisecond)\n', right["greetings"], count=1)
    kinds = [({**right}, 3), ({**right, "waitall": starter["waitall"]}, 2), (dict(starter), 0)]
    expected = {}
    for i in range(n):
        answers, score = kinds[i % 3]
        if i % 100 == 7:
            answers, score = {**right, "greetings": deadlock}, 1
        elif i % 100 == 11:
            answers, score = {**right, "greetings": panics}, 1
        nb = copy.deepcopy(base)
        for c in nb["cells"]:
            if "exercise" in c["metadata"].get("tags", []):
                c["source"] = answers[c["metadata"]["golab"]["exercise"]]
        if i % 100 == 23:  # right, with a hung scratch cell in the middle
            answers, score = {**right}, 3
            for c in nb["cells"]:
                if "exercise" in c["metadata"].get("tags", []):
                    c["source"] = answers[c["metadata"]["golab"]["exercise"]]
            scratch = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "n := 0\nfor {\n\tn++\n}"}
            nb["cells"].insert(len(nb["cells"]) // 2, scratch)
        name = f"student{i:03d}"
        (folder / f"{name}.ipynb").write_text(json.dumps(nb))
        expected[name] = score
    return expected


def grade(folder, jobs):
    out = folder.parent / f"grades-j{jobs}"
    start = time.time()
    proc = subprocess.Popen([str(BIN), "grade", LESSON, str(folder), "-o", str(out), "-j", str(jobs)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root] + root.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    t = threading.Thread(target=sample)
    t.start()
    stdout, _ = proc.communicate()
    done.set()
    t.join()
    took = time.time() - start
    if proc.returncode != 0:
        sys.exit(f"golab grade failed:\n{stdout}")
    with open(out / "grades.csv") as f:
        totals = {}
        for row in csv.DictReader(f):
            totals[row["student"]] = totals.get(row["student"], 0) + int(row["points"])
    return took, peak, totals


def main():
    n2 = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    n1 = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    for jobs, n in ((2, n2), (1, n1)):
        with tempfile.TemporaryDirectory() as tmp:
            folder = pathlib.Path(tmp) / "submitted"
            folder.mkdir()
            expected = make_class(folder, n)
            took, peak, totals = grade(folder, jobs)
            wrong = {s: (totals.get(s), want) for s, want in expected.items() if totals.get(s) != want}
            hung = len([i for i in range(n) if i % 100 == 23])
            print(f"golab grade -j {jobs}: {n} submissions ({hung} with a hung scratch cell, 10 s each until interrupted) "
                  f"in {took:.1f} s, {took / n:.2f} s per submission, peak memory {peak / 2**20:.0f} MiB (process tree)")
            if wrong:
                sys.exit(f"wrong scores (got, want): {wrong}")


if __name__ == "__main__":
    main()
