"""One epoch through `Learner.fit` versus a hand-written PyTorch loop: same model, data and seed, same run.

Both train one epoch of a small CNN on the digits upsampled to 32 pixels, then compute the validation loss and
accuracy. Runs are interleaved, in alternating order, and the fastest of `--repeats` is kept for each (noise only adds time). Target:
Learner / loop <= 1.05. The script also checks that both end with bit-identical weights, so the ratio compares
the same computation."""
import argparse, contextlib, io, time
import torch, torch.nn.functional as F
from notes_cnn.data import digits_dls
from notes_cnn.learner import Learner, set_seed, simple_cnn
from notes_cnn.metrics import accuracy
from timing import interleaved

def make(seed=0):
    "Fresh data and model from `seed`."
    set_seed(seed)
    return digits_dls(size=32, bs=64, seed=seed), simple_cnn(nfs=(32, 64, 128))

def hand_loop():
    "One epoch and a validation pass written out by hand; returns the model and the seconds it took."
    dls, model = make()
    start = time.perf_counter()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for xb, yb in dls.train:
        loss = F.cross_entropy(model(xb), yb)
        loss.backward(); opt.step(); opt.zero_grad()
    model.eval()
    with torch.no_grad():
        preds, targs = map(torch.cat, zip(*[(model(xb), yb) for xb, yb in dls.valid]))
        F.cross_entropy(preds, targs).item(), accuracy(preds, targs).item()
    return model, time.perf_counter() - start

def learner(progress:bool):
    "The same epoch through `Learner.fit`; returns the model and the seconds it took."
    dls, model = make()
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the progress lines, not the terminal, are what we time
        Learner(dls, model, lr=1e-3, metrics=[accuracy], progress=progress).fit(1)
    return model, time.perf_counter() - start

def main(repeats:int=5):
    "Print the fastest epoch of each variant and its ratio to the hand-written loop."
    runs = {'hand-written loop (baseline)': hand_loop, 'Learner, default callbacks': lambda: learner(True),
            'Learner, no progress display': lambda: learner(False)}
    results = interleaved(runs, repeats)
    models = {name: rs[-1][0] for name, rs in results.items()}
    times = {name: [t for _, t in rs] for name, rs in results.items()}
    ref = models['hand-written loop (baseline)']
    same = all(all(torch.equal(p, q) for p, q in zip(ref.parameters(), m.parameters())) for m in models.values())
    base = min(times['hand-written loop (baseline)'])
    print(f"{'one epoch of digits at 32px':<32} {'best s':>8} {'ratio':>7}   (fastest of {repeats}, {torch.get_num_threads()} threads)")
    for name, ts in times.items(): print(f"{name:<32} {min(ts):>8.3f} {min(ts) / base:>7.3f}")
    print(f"identical final weights in all variants: {same}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5)
    main(p.parse_args().repeats)
