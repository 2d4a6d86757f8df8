"""Every notebook runs top to bottom through nbdev's test runner (`nbdev.test.test_nb`), one pytest test each, from seed 0
(the stream the stored outputs show). The second random stream, seed 1000, is run by tests/test_colab.py."""
import pytest
from nbdev import test as nbtest
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from conftest import ROOT
from notes_cnn.course import SEED_ENV

CFG = get_config(ROOT)
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True))

def run_notebook(nb):
    "Run `nb` as `nbdev-test` does: the same skip flags and timeout; cells flagged gpu/download/notest are left out."
    ok, _ = nbtest.test_nb(nb, skip_flags=CFG.tst_flags.split(), basepath=CFG.config_path, cell_timeout=CFG.cell_timeout)
    assert ok, f"{nb.name} failed; its traceback is printed above"

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(nb, monkeypatch):
    monkeypatch.delenv(SEED_ENV, raising=False)
    run_notebook(nb)
