"Every notebook runs top to bottom through nbdev's test runner (`nbdev.test.test_nb`), one pytest test each."
import pytest
from nbdev import test as nbtest
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from conftest import ROOT

CFG = get_config(ROOT)
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(nb):
    # the same skip flags and timeout as `nbdev-test`: cells flagged gpu/download/notest are left out
    ok, _ = nbtest.test_nb(nb, skip_flags=CFG.tst_flags.split(), basepath=CFG.config_path, cell_timeout=CFG.cell_timeout)
    assert ok, f"{nb.name} failed; its traceback is printed above"
