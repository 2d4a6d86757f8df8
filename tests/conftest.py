"Shared by the tests that check what a notebook cannot (the README, the docs pipeline, the wheel, the web app, Colab): paths, a runner, a browser."
import os, shutil, subprocess, sys
from pathlib import Path
import pytest

# pytest-xdist runs the tests in several workers (pyproject's addopts): the cores are shared out among them before torch is
# imported, so that two lessons side by side each get their own core rather than fight over both (that is several times slower).
WORKERS = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
if WORKERS > 1: os.environ.setdefault('OMP_NUM_THREADS', str(max(1, (os.cpu_count() or 1) // WORKERS)))

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # console scripts of the environment running the tests
sys.path.insert(0, str(ROOT/'tools'))
import colab  # tools/colab.py: lessons run as on Colab

COLAB_RUN = 'colab_run'  # the user property under which tests/test_colab.py reports a lesson's run, from whichever worker ran it

def pytest_terminal_summary(terminalreporter):
    "Each lesson's time on the Colab-like runtime, when the run included it."
    reports = [r for k in ('passed', 'failed') for r in terminalreporter.stats.get(k, []) if getattr(r, 'when', '') == 'call']
    runs = sorted((colab.Run(**v) for r in reports for k, v in r.user_properties if k == COLAB_RUN), key=lambda r: r.notebook)
    if runs:
        terminalreporter.write_sep('-', f"lessons run as on Colab (Colab's versions, one kernel each, default mode, this CPU, {colab.SEED_ENV}={colab.SECOND_STREAM})")
        terminalreporter.write_line(colab.table(runs))

def sh(*cmd, cwd=ROOT, **kw) -> subprocess.CompletedProcess:
    "Run `cmd`; fail the test with its output if it exits non-zero."
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} exited {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r

SKIP_BROWSER = "Chromium and chromedriver are not installed here: .ci/run installs Debian's chromium and chromium-driver"

@pytest.fixture(scope='module')
def browser():
    "Headless Chromium, as wide as a laptop screen."
    if not (shutil.which('chromium') and shutil.which('chromedriver')): pytest.skip(SKIP_BROWSER)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for a in ('--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
              '--disable-component-update', '--disable-sync', '--window-size=1280,1000'): opts.add_argument(a)
    opts.binary_location = shutil.which('chromium')
    driver = webdriver.Chrome(service=Service(shutil.which('chromedriver')), options=opts)
    yield driver
    driver.quit()
