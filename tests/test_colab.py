"""Every lesson runs as a learner on Colab runs it (`tools/colab.py`): alone in an empty folder, in a Jupyter kernel of an
environment with Colab's package versions (`.ci/colab.txt`) and no notes-cnn, `google.colab` imported, its install cell
running as written, in default mode on the CPU, with nothing downloaded but packages. Each lesson's time is printed at the
end of the run. And a learner who skips the first cell is told what to do, at once.

These runs are also the lessons' second random stream: their experiments start from seed 1000 (`NOTES_CNN_SEED`), where
tests/test_notebooks.py runs them from seed 0, so that a verdict pinned on one draw of the seeds fails here rather than on a
learner's machine, at no extra cost. Run one yourself with `python tools/colab.py --seed 1000 09`."""
from dataclasses import asdict
import pytest
from packaging.version import Version
from conftest import COLAB_RUN, colab

@pytest.fixture(scope='module')
def runtime(tmp_path_factory):
    "A Colab-like runtime over the cached environment of Colab's versions, serving this working tree as the course's repository."
    return colab.Colab(colab.base_env(), tmp_path_factory.mktemp('colab'), seed=colab.SECOND_STREAM)

@pytest.mark.parametrize('nb', colab.lessons(), ids=lambda p: p.name)
def test_lesson_runs_as_on_colab(runtime, nb, record_property):
    run = runtime.run(nb)
    record_property(COLAB_RUN, asdict(run))
    assert run.failed_cell is None, f"{nb.name} stopped at cell {run.failed_cell} on Colab's versions with {colab.SEED_ENV}={colab.SECOND_STREAM}: {run.error}"
    assert not run.upgraded, f"installing the course upgraded packages Colab pins (pinned, installed): {run.upgraded}"

def test_skipping_the_install_cell_says_what_to_do(runtime):
    run = runtime.run(colab.lessons(['00'])[0], skip=(2,))  # the install cell
    assert run.failed_cell == 2, f"expected the check cell, the first code cell left, to stop the run: {run}"
    assert run.error.startswith("ModuleNotFoundError: this lesson needs the notes-cnn package: run the notebook's first cell")

def test_floors_are_colabs_versions_or_lower():
    # so that installing the course on Colab only adds packages: a floor above Colab's version would upgrade it
    import tomllib
    from packaging.requirements import Requirement
    project = tomllib.loads((colab.ROOT/'pyproject.toml').read_text())['project']
    pins, reqs = colab.pinned(), [Requirement(r) for r in project['dependencies'] + project['optional-dependencies']['course']]
    floors = {colab.norm(r.name): s.version for r in reqs for s in r.specifier if s.operator == '>='}
    above = {n: (f, pins[n]) for n, f in floors.items() if n in pins and Version(f) > Version(pins[n])}
    assert not above, f"floors above Colab's versions (floor, Colab): {above}"
    assert {'torch', 'torchvision', 'fastcore', 'ipywidgets'} <= floors.keys() & pins.keys()  # the ones that matter are compared
