"""Import time of notes_cnn as a ratio to `import torch, torchvision`, both measured in this run.

Each import is timed inside a fresh interpreter (so nothing is cached in-process), the candidates are interleaved
so that machine noise hits them alike, and the median of `--repeats` runs is reported. Target: `import notes_cnn`
costs at most 1.15x the baseline, i.e. the package imports nothing heavy on its own."""
import argparse, statistics, subprocess, sys

CASES = {
    'torch, torchvision (baseline)': 'import torch, torchvision',
    'notes_cnn': 'import notes_cnn',
    'notes_cnn, all modules': 'import notes_cnn.course, notes_cnn.partial, notes_cnn.cli',
    'notes_cnn, all modules + torch, torchvision': 'import notes_cnn.course, notes_cnn.partial, notes_cnn.cli, torch, torchvision',
}

def time_import(stmt:str) -> float:
    "Seconds that `stmt` takes in a fresh interpreter, timed from inside it (interpreter start-up excluded)."
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout)

def main(repeats:int=5):
    "Print the median import time of each case and its ratio to the baseline."
    times = {k: [] for k in CASES}
    for _ in range(repeats):
        for name, stmt in CASES.items(): times[name].append(time_import(stmt))
    base = statistics.median(times['torch, torchvision (baseline)'])
    print(f"{'import':<46} {'median s':>9} {'ratio':>7}   (median of {repeats})")
    for name, ts in times.items():
        print(f"{name:<46} {statistics.median(ts):>9.3f} {statistics.median(ts)/base:>7.3f}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5)
    main(p.parse_args().repeats)
