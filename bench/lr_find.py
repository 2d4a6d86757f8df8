"""`lr_find` versus the `torch-lr-finder` package: time per iteration and agreement of the curves, same run.

Both sweep the same fresh model (same seed) over the same data order with the same learning rates (1e-7 to 10 in
100 steps, Adam), with early stopping and smoothing off so that the raw losses can be compared point by point.
Runs are interleaved, in alternating order; the fastest of `--repeats` is kept. Target: ours / theirs <= 1.0 per iteration. Needs the
benchmark extra: pip install -e ".[bench]"."""
import argparse, contextlib, io, time
import torch, torch.nn.functional as F
from notes_cnn.data import digits_dls
from notes_cnn.learner import set_seed, simple_cnn
from notes_cnn.lr_finder import lr_find
from timing import interleaved

try: from torch_lr_finder import LRFinder
except ImportError: raise SystemExit("this benchmark compares against torch-lr-finder: pip install -e '.[bench]'")

N, START, END = 100, 1e-7, 10.

def make(seed=0):
    "A fresh model and training loader from `seed`."
    set_seed(seed)
    return simple_cnn(nfs=(32, 64, 128)), digits_dls(size=32, bs=64, seed=seed).train

def ours():
    "Our sweep: (seconds per iteration, learning rates, losses)."
    model, dl = make()
    start = time.perf_counter()
    res = lr_find(model, dl, F.cross_entropy, torch.optim.Adam, start_lr=START, end_lr=END, num_it=N, stop_div=False)
    return (time.perf_counter() - start) / len(res.lrs), res.lrs, res.losses

def theirs():
    "torch-lr-finder's sweep, then its reset: (seconds per iteration, learning rates, losses)."
    model, dl = make()
    start = time.perf_counter()
    finder = LRFinder(model, torch.optim.Adam(model.parameters(), lr=START), F.cross_entropy, device='cpu')
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):  # its progress bar
        finder.range_test(dl, start_lr=START, end_lr=END, num_iter=N, smooth_f=0, diverge_th=float('inf'))
    finder.reset()
    return (time.perf_counter() - start) / len(finder.history['lr']), finder.history['lr'], finder.history['loss']

def main(repeats:int=5):
    "Print the fastest time per iteration of each, their ratio, and how far apart the curves are."
    runs = {'torch-lr-finder (baseline)': theirs, 'notes_cnn lr_find': ours}
    results = interleaved(runs, repeats)
    times = {name: [t for t, _, _ in rs] for name, rs in results.items()}
    curves = {name: rs[-1][1:] for name, rs in results.items()}
    base = min(times['torch-lr-finder (baseline)'])
    print(f"{'LR range test, 100 iterations':<30} {'ms/iter':>8} {'ratio':>7}   (fastest of {repeats})")
    for name, ts in times.items(): print(f"{name:<30} {1000 * min(ts):>8.2f} {min(ts) / base:>7.3f}")
    (l1, a), (l2, b) = curves.values()
    lr_diff = max(abs(x / y - 1) for x, y in zip(l1, l2))
    loss_diff = max(abs(x - y) / abs(y) for x, y in zip(a, b))
    print(f"curves: {len(a)} and {len(b)} points; largest relative difference in LR {lr_diff:.1e}, in loss {loss_diff:.1e}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5)
    main(p.parse_args().repeats)
