"""Run lessons as a learner on Colab does, in an environment built from Colab's published package versions.

Each lesson is copied alone into an empty folder and executed top to bottom in a real Jupyter kernel (ipykernel, driven
by nbclient) of an environment made from `.ci/colab.txt`, without notes-cnn. `google.colab` is importable and imported
when the kernel starts, as on Colab, so the first cell installs the course as written: git's `insteadOf` serves its
GitHub URL from a snapshot of this working tree, tagged with the version the notebook pins. In default mode nothing may
download: the kernel's proxy is a closed port, except for the package registries that its install cell needs and this machine.

    python tools/colab.py                # every lesson, default mode: a table of times
    python tools/colab.py 00 03          # some lessons
    python tools/colab.py --full         # full mode (on a GPU machine); downloads allowed
    python tools/colab.py --seed 1000    # the lessons' experiments on another random stream (NOTES_CNN_SEED)
    python tools/colab.py --keep out/    # also write the executed notebooks to out/

The base environment is cached in `$NOTES_CNN_CACHE` (default `~/.cache/notes-cnn`), keyed by the pins file and the
Python version; each lesson gets a fresh layer over it, so one lesson's install cannot help the next.
"""
import argparse, fcntl, hashlib, json, os, re, shutil, subprocess, sys, tempfile, time
from dataclasses import dataclass, field
from pathlib import Path
from notes_cnn.course import FULL_ENV, SEED_ENV

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT/'.ci'/'colab.txt'
REPO_URL = 'https://github.com/notes-cnn/notes-cnn'  # what the lessons' install cell clones (notes_cnn.course.REPO)
DEAD_PROXY = 'http://127.0.0.1:9'  # nothing listens there: a download in default mode fails at once
SECOND_STREAM = 1000  # the first seed CI's Colab run uses: far from the 0, 1, 2 the stored outputs were made with
REACHABLE = ('pypi.org', 'files.pythonhosted.org', 'localhost', '127.0.0.1', '::1')  # the registries the install cell needs, and this machine

def pinned(pins:Path=PINS) -> dict:
    "The `name==version` lines of `pins`, by normalised name."
    lines = [l.split('#')[0].strip() for l in pins.read_text().splitlines()]
    return {norm(n): v for n, v in (l.split('==') for l in lines if l)}

def norm(name:str) -> str:
    "A distribution name as pip compares them."
    return re.sub(r'[-_.]+', '-', name).lower()

def cache_root() -> Path:
    "Where built environments are kept between runs."
    return Path(os.environ.get('NOTES_CNN_CACHE') or Path.home()/'.cache'/'notes-cnn')

def clean_env(**extra) -> dict:
    "This process's environment without what would leak into another environment's pip or Python, plus `extra`."
    drop = ('PIP_CONSTRAINT', 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHOME', 'MPLBACKEND', FULL_ENV, SEED_ENV, 'IN_TEST')
    return {k: v for k, v in os.environ.items() if k not in drop} | extra

def site_packages(env:Path) -> Path:
    "The site-packages folder of the virtual environment `env`."
    return next((env/'lib').glob('python3*/site-packages'))

def base_env(pins:Path=PINS, log=print) -> Path:
    "A virtual environment with exactly the pinned packages, built once per set of pins and Python version (comments do not count)."
    key = hashlib.sha256(json.dumps(sorted(pinned(pins).items())).encode() + sys.version.encode()).hexdigest()[:12]
    env = cache_root()/f'colab-{key}'
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(cache_root()/'.lock', 'w') as lock:  # test workers side by side: one builds, the others wait for it
        fcntl.flock(lock, fcntl.LOCK_EX)
        return env if (env/'.complete').exists() else build_env(env, pins, log)

def build_env(env:Path, pins:Path, log=print) -> Path:
    "Build the environment `env` from `pins`, after removing the environments this tool built earlier."
    for old in cache_root().glob('colab-*'):  # ours: environments built from earlier pins, or a build cut short
        log(f"removing {old}, an environment this tool built earlier"); shutil.rmtree(old)
    log(f"building {env} from {pins.name} (about 2 minutes, once)")
    start = time.monotonic()
    subprocess.run([sys.executable, '-m', 'venv', env], check=True)
    subprocess.run([env/'bin'/'python', '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', pins],
                   check=True, env=clean_env())
    (env/'.complete').write_text(f"built from {pins} in {time.monotonic() - start:.0f} s\n")
    return env

def version() -> str:
    "The version in notes_cnn/__init__.py: the tag the lessons' install cell asks for is `v` + this."
    return re.search(r'__version__ = "(.+?)"', (ROOT/'notes_cnn'/'__init__.py').read_text())[1]

def snapshot(dest:Path) -> Path:
    "A git repository holding this working tree as one commit, tagged as the lessons' install cell expects."
    git = lambda *a: subprocess.run(['git', f'--git-dir={dest}/.git', f'--work-tree={ROOT}', '-c', 'user.name=colab-check',
                                     '-c', 'user.email=colab-check@localhost', *a], check=True, capture_output=True)
    subprocess.run(['git', 'init', '-q', dest], check=True)
    git('add', '-A'); git('commit', '-q', '--no-verify', '-m', 'the working tree under test'); git('tag', f'v{version()}')
    return dest

@dataclass
class Run:
    "What running one lesson found: its time, the cell that failed (if any) and why, and what the install upgraded."
    notebook:str; seconds:float; failed_cell:int|None = None; error:str = ''; upgraded:dict = field(default_factory=dict)
    @property
    def ok(self) -> bool: return self.failed_cell is None and not self.upgraded

class Colab:
    "Runs notebooks as Colab would, over the base environment `base`, with scratch space in `tmp`; `seed` sets `NOTES_CNN_SEED`."
    def __init__(self, base:Path, tmp:Path, full:bool=False, seed:int|None=None):
        self.base, self.tmp, self.full, self.seed, self.n = base, Path(tmp), full, seed, 0
        self.repo = snapshot(self.tmp/'repo')
        (self.tmp/'gitconfig').write_text(f'[url "file://{self.repo}"]\n\tinsteadOf = {REPO_URL}\n')

    def layer(self, name:str) -> Path:
        "A fresh environment that sees the base's packages and installs its own on top, with `google.colab` in it."
        env = self.tmp/name
        subprocess.run([self.base/'bin'/'python', '-m', 'venv', '--without-pip', env], check=True)
        sp = site_packages(env)
        # pip builds a package in an isolated environment (PIP_BUILD_TRACKER is set there): the base's packages stay out of it, as on Colab
        (sp/'_colab_base.pth').write_text(f"import os, site; 'PIP_BUILD_TRACKER' in os.environ or site.addsitedir({str(site_packages(self.base))!r})\n")
        (sp/'google'/'colab').mkdir(parents=True)
        (sp/'google'/'colab'/'__init__.py').write_text('"A stand-in for Colab\'s own package: code that looks for Colab finds it."\n')
        return env

    def kernel_env(self, env:Path, ipython_dir:Path) -> dict:
        "The kernel's environment: git redirected to the snapshot, `google.colab` imported at start, no downloads in default mode."
        startup = ipython_dir/'profile_default'/'startup'
        startup.mkdir(parents=True)
        (startup/'00-colab.py').write_text('import google.colab\n')
        extra = dict(GIT_CONFIG_GLOBAL=str(self.tmp/'gitconfig'), IPYTHONDIR=str(ipython_dir), PYDEVD_DISABLE_FILE_VALIDATION='1', PATH=f"{env/'bin'}{os.pathsep}{os.environ['PATH']}")
        if self.seed is not None: extra[SEED_ENV] = str(self.seed)
        if self.full: extra[FULL_ENV] = '1'
        else:
            proxy = {k: DEAD_PROXY for k in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY')}
            extra |= proxy | {k: ','.join(REACHABLE) for k in ('no_proxy', 'NO_PROXY')}
        return clean_env(**extra)

    def kernel(self, env:Path):
        "A kernel manager that starts ipykernel with `env`'s Python, as Colab's Jupyter does with its own."
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager
        spec = self.tmp/f'kernels{self.n}'/'colab'
        spec.mkdir(parents=True)
        argv = [str(env/'bin'/'python'), '-m', 'ipykernel_launcher', '-f', '{connection_file}']
        (spec/'kernel.json').write_text(json.dumps({'argv': argv, 'display_name': 'Colab, pinned', 'language': 'python'}))
        return KernelManager(kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]), kernel_name='colab')

    def run(self, nb_path:Path, skip:tuple=(), cell_timeout:int=1800, keep:Path|None=None) -> Run:
        "Run the notebook at `nb_path` alone in an empty folder (leaving out the cells numbered in `skip`)."
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        self.n += 1
        env, work = self.layer(f'env{self.n}'), self.tmp/f'work{self.n}'
        work.mkdir()
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells = [c for i, c in enumerate(nb.cells) if i not in skip]
        (work/nb_path.name).write_text(nbformat.writes(nb))
        km = self.kernel(env)
        client = NotebookClient(nb, km=km, timeout=cell_timeout, resources={'metadata': {'path': str(work)}})
        start, failed, error = time.monotonic(), None, ''
        try: client.execute(env=self.kernel_env(env, self.tmp/f'ipython{self.n}'))
        except CellExecutionError as e:
            failed = next((i for i, c in enumerate(nb.cells) if any(o.get('output_type') == 'error' for o in c.get('outputs', []))), -1)
            error = f"{e.ename}: {e.evalue}"
        finally:  # nbclient shuts down only the kernels it started itself: this one would stay, with its memory, until the run ends
            if km.has_kernel: km.shutdown_kernel(now=True)
        seconds = time.monotonic() - start
        if keep: keep.mkdir(parents=True, exist_ok=True); nbformat.write(nb, keep/nb_path.name)
        return Run(nb_path.name, seconds, failed, error, self.upgrades(env))

    def upgrades(self, env:Path) -> dict:
        "The pinned packages that the lesson installed again in its own layer: `name: (pinned, installed)`."
        from importlib.metadata import distributions
        pins = pinned()
        own = {norm(d.metadata['Name']): d.version for d in distributions(path=[str(site_packages(env))])}
        return {n: (pins[n], v) for n, v in own.items() if n in pins}

def lessons(wanted=()) -> list[Path]:
    "The lesson notebooks (`nbs/NN_*.ipynb`), or those whose numbers are in `wanted`."
    nbs = sorted((ROOT/'nbs').glob('[0-9][0-9]_*.ipynb'))
    return [p for p in nbs if not wanted or p.name[:2] in wanted]

def table(runs:list[Run]) -> str:
    "The runs as a Markdown table of times and outcomes."
    rows = ['| lesson | seconds | result |', '|---|---:|---|']
    for r in runs:
        why = 'passed' if r.ok else f"cell {r.failed_cell}: {r.error[:200]}" if r.failed_cell is not None else f"upgraded {r.upgraded}"
        rows.append(f"| {r.notebook} | {r.seconds:.0f} | {why} |")
    return '\n'.join(rows + [f"| all | {sum(r.seconds for r in runs):.0f} | {sum(r.ok for r in runs)}/{len(runs)} passed |"])

def main(argv=None) -> int:
    "Run the lessons given (default: all) as on Colab and print their times; exit 1 if any failed."
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('lessons', nargs='*', help="lesson numbers, e.g. 00 07 (default: every lesson)")
    p.add_argument('--full', action='store_true', help="full mode (NOTES_CNN_FULL=1): for a GPU machine; downloads allowed")
    p.add_argument('--seed', type=int, help=f"the first seed of the lessons' experiments ({SEED_ENV}; default: the lessons' own, 0)")
    p.add_argument('--keep', type=Path, help="write the executed notebooks to this folder")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='colab-') as tmp:
        colab, runs = Colab(base_env(), tmp, full=args.full, seed=args.seed), []
        for nb in lessons(args.lessons):
            runs.append(colab.run(nb, keep=args.keep))
            print(f"{nb.name}: {runs[-1].seconds:.0f} s, {'passed' if runs[-1].ok else 'FAILED: ' + (runs[-1].error or str(runs[-1].upgraded))}", flush=True)
    print(table(runs))
    return 0 if all(r.ok for r in runs) else 1

if __name__ == '__main__': sys.exit(main())
