"""Import time of notes_cnn as a ratio to `import torch, torchvision`, both measured in this run.

Each import is timed inside a fresh interpreter (so nothing is cached in-process), the candidates are interleaved
so that machine noise hits them alike, and the median of `--repeats` runs is reported. Target: `import notes_cnn`
costs at most 1.15x the baseline, i.e. the package imports nothing heavy on its own. It also lists the package's modules that
`import notes_cnn.inference` loads (a server should load only what serves), and how many torch.distributed modules come
with it against `import torch` alone: torch loads torch.distributed itself, so the package's share is the difference."""
import argparse, statistics, subprocess, sys

CASES = {
    'torch, torchvision (baseline)': 'import torch, torchvision',
    'notes_cnn': 'import notes_cnn',
    'notes_cnn, all modules': 'import notes_cnn.course, notes_cnn.partial, notes_cnn.cli',
    'notes_cnn, all modules + torch, torchvision': 'import notes_cnn.course, notes_cnn.partial, notes_cnn.cli, torch, torchvision',
    'notes_cnn.inference (what serve imports)': 'import notes_cnn.inference',
}
SERVING = 'notes_cnn.inference'  # which of the package's modules a server loads, and the torch.distributed modules it adds to torch's

def time_import(stmt:str) -> float:
    "Seconds that `stmt` takes in a fresh interpreter, timed from inside it (interpreter start-up excluded)."
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout)

def loaded_by(module:str) -> tuple[list[str], int]:
    "The notes_cnn modules that importing `module` loads in a fresh interpreter, and how many torch.distributed modules it loads."
    code = (f"import sys, {module}; print(' '.join(sorted(m for m in sys.modules if m.startswith('notes_cnn.')))); "
            "print(sum(m.startswith('torch.distributed') for m in sys.modules))")
    mods, n_dist = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.splitlines()
    return mods.split(), int(n_dist)

def main(repeats:int=5):
    "Print the median import time of each case and its ratio to the baseline."
    times = {k: [] for k in CASES}
    for _ in range(repeats):
        for name, stmt in CASES.items(): times[name].append(time_import(stmt))
    base = statistics.median(times['torch, torchvision (baseline)'])
    print(f"{'import':<46} {'median s':>9} {'ratio':>7}   (median of {repeats})")
    for name, ts in times.items():
        print(f"{name:<46} {statistics.median(ts):>9.3f} {statistics.median(ts)/base:>7.3f}")
    (mods, n_dist), (_, n_torch) = loaded_by(SERVING), loaded_by('torch')
    print(f"import {SERVING} loads {len(mods)} of the package's modules ({', '.join(m.split('.')[1] for m in mods)}) "
          f"and {n_dist} torch.distributed modules, {n_dist - n_torch} more than `import torch` alone")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5)
    main(p.parse_args().repeats)
