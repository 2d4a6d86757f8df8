"""Every notebook runs top to bottom through nbdev's test runner (`nbdev.test.test_nb`), one pytest test each, from seed 0
(the stream the stored outputs show). The second random stream, seed 1000, is run by tests/test_colab.py.

Each notebook runs in a fresh Python process, as it would in a fresh kernel: nothing one lesson leaves behind in torch's global
state (seeds, thread counts, deterministic-kernel flags) can change another lesson's numbers, whatever order the tests run in."""
import os, subprocess, sys
import pytest
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from conftest import ROOT
from notes_cnn.course import SEED_ENV

CFG = get_config(ROOT)
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True))
RUN = """import sys
from nbdev.test import test_nb
ok, _ = test_nb(sys.argv[1], skip_flags=sys.argv[2].split(), basepath=sys.argv[3], cell_timeout=int(sys.argv[4]))
sys.exit(0 if ok else 1)"""

def run_notebook(nb):
    "Run `nb` as `nbdev-test` does, in a process of its own: the same skip flags and timeout; cells flagged gpu/download/notest are left out."
    env = {k: v for k, v in os.environ.items() if k != SEED_ENV}
    r = subprocess.run([sys.executable, '-c', RUN, str(nb), CFG.tst_flags, str(CFG.config_path), str(CFG.cell_timeout)],
                       capture_output=True, text=True, env=env, cwd=nb.parent)
    assert r.returncode == 0, f"{nb.name} failed:\n{r.stdout[-6000:]}\n{r.stderr[-6000:]}"

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(nb):
    run_notebook(nb)
