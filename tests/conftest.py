"Shared by the tests that check what a notebook cannot (the README, the docs pipeline, the wheel, the web app, Colab): paths, a runner, a browser."
import shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # console scripts of the environment running the tests
sys.path.insert(0, str(ROOT/'tools'))
import colab  # tools/colab.py: lessons run as on Colab

COLAB_RUNS = []  # what tests/test_colab.py found, lesson by lesson: printed at the end of the run

def pytest_terminal_summary(terminalreporter):
    "Each lesson's time on the Colab-like runtime, when the run included it."
    if COLAB_RUNS:
        terminalreporter.write_sep('-', "lessons run as on Colab (Colab's versions, one kernel each, default mode, this CPU)")
        terminalreporter.write_line(colab.table(COLAB_RUNS))

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
