"README.md is generated from nbs/index.ipynb, and its quick-start commands are the ones CI runs."
import re, sys
from conftest import ROOT
sys.path.insert(0, str(ROOT/'tools'))
import readme

def quick_start_commands() -> list[str]:
    "The shell commands of the README's quick start, split at `&&`, without the clone step."
    section = readme.render().split('## Quick start')[1].split('\n## ')[0]
    lines = [l for block in re.findall(r"```sh\n(.*?)```", section, re.S) for l in block.splitlines()]
    return [c.strip() for l in lines if not l.startswith('git clone') for c in l.split('&&')]

def test_readme_is_current():
    assert (ROOT/'README.md').read_text() == readme.render(), "run `python tools/readme.py`"

def test_quick_start_is_install_run_and_test():
    assert quick_start_commands() == ['pip install -e ".[dev]"', 'nbdev-test', 'pytest']

def test_ci_runs_the_readme_commands():
    ci = {l.strip() for l in (ROOT/'.ci'/'run').read_text().splitlines()}
    # `nbdev-test` and the notebook tests in `pytest` run the same notebooks with the same runner; CI runs them once
    for cmd in ('pip install -e ".[dev]"', 'pytest'): assert cmd in ci, f"CI does not run `{cmd}`"
