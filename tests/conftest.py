"Shared paths for the tests that check what a notebook cannot: the README, the docs pipeline, the wheel."
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # console scripts of the environment running the tests

def sh(*cmd, cwd=ROOT, **kw) -> subprocess.CompletedProcess:
    "Run `cmd`; fail the test with its output if it exits non-zero."
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} exited {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r
