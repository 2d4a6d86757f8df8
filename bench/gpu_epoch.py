"""One epoch of lesson 04's setting through the `Learner` versus a bare loop over tensors already on the device; and
synthetic shapes per second, drawn one at a time versus a batch at a time, at 32 and 224 pixels. Same run, same device.

Lesson 04's setting: `n` shapes at 32 px (5,000 in full mode), batches of 32, `simple_cnn(3, 4)`, Adam at 1e-3. The baseline
draws the training and validation sets once into tensors on the device, then trains one epoch on slices of them and
validates once. The Learner variants draw every batch on the device as they go (`Shapes.draw`), and validate from the
cached validation set: plain; with `ValidateEvery(10)` as lesson 04 runs it; with deterministic kernels; in bfloat16
mixed precision. Runs are interleaved in alternating order; the fastest of `--repeats` is kept. Targets: plain Learner
<= 1.5x the baseline on a GPU; batched shapes >= 3x the one-at-a-time rate at 32 px and not slower at 224 px."""
import argparse, time
import torch, torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from notes_cnn.accel import MixedPrecision
from notes_cnn.data import Cached, Shapes, default_device, shapes_dls
from notes_cnn.learner import Learner, set_seed, simple_cnn
from notes_cnn.schedule import ValidateEvery
from timing import interleaved

def synced(device) -> float:
    "The time once everything queued on `device` has finished."
    if device.type == 'cuda': torch.cuda.synchronize(device)
    return time.perf_counter()

def bare_loop(n:int, device):
    "Seconds for one epoch and one validation over tensors drawn onto `device` beforehand."
    set_seed(0)
    dls = shapes_dls(n=n, size=32, bs=32, device=device)
    (xs, ys), (vx, vy) = [[c.to(device) for c in Cached(dl.dataset).cols] for dl in (dls.train, dls.valid)]
    model = simple_cnn(3, 4).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = synced(device)
    model.train()
    perm = torch.randperm(len(xs), device=device)
    for i in range(0, len(xs), 32):
        idx = perm[i:i + 32]
        F.cross_entropy(model(xs[idx]), ys[idx]).backward(); opt.step(); opt.zero_grad()
    model.eval()
    with torch.no_grad():
        preds = torch.cat([model(vx[i:i + 64]) for i in range(0, len(vx), 64)])
        float(F.cross_entropy(preds, vy)), float((preds.argmax(1) == vy).float().mean())
    return synced(device) - start

def learner(n:int, device, cbs=(), deterministic=False):
    "Seconds for `Learner.fit(1)` in lesson 04's setting, batches drawn on `device` as training goes."
    set_seed(0, deterministic)
    learn = Learner(shapes_dls(n=n, size=32, bs=32), simple_cnn(3, 4), device=device, progress=False)
    start = synced(device)
    learn.fit(1, cbs=list(cbs))
    took = synced(device) - start
    set_seed(0)  # deterministic kernels off again for the other variants
    return took

class OneAtATime(Dataset):
    "`ds` without its batched fetch: the DataLoader must ask for one item at a time."
    def __init__(self, ds): self.ds = ds
    def __len__(self): return len(self.ds)
    def __getitem__(self, i): return self.ds[i]

def shapes_per_second(size:int, n:int, device, one_at_a_time:bool) -> float:
    "Shapes per second at `size` pixels drawn on `device` in batches of 32."
    ds = Shapes(n=n, size=size, device=device)
    start = synced(device)
    for _ in DataLoader(OneAtATime(ds) if one_at_a_time else ds, batch_size=32): pass
    return n / (synced(device) - start)

def main(repeats:int=3, n:int=5000, device=None):
    "Print each variant's fastest epoch and its ratio to the bare loop, then the shapes drawn per second."
    device = torch.device(device) if device else default_device()
    runs = {'bare loop, data on the device (baseline)': lambda: bare_loop(n, device),
            'Learner, batches drawn on the device': lambda: learner(n, device),
            'Learner + ValidateEvery(10)': lambda: learner(n, device, [ValidateEvery(10)]),
            'Learner, deterministic kernels': lambda: learner(n, device, deterministic=True),
            'Learner, bf16 mixed precision': lambda: learner(n, device, [MixedPrecision('bf16')])}
    times = {name: min(ts) for name, ts in interleaved(runs, repeats).items()}
    base = times['bare loop, data on the device (baseline)']
    print(f"one epoch of {n} shapes at 32 px, batches of 32, on {device} (fastest of {repeats})")
    for name, t in times.items(): print(f"  {name:<44} {t:>7.3f} s {t / base:>6.2f}x")
    print(f"shapes drawn per second on {device}, batches of 32")
    for size, count in ((32, 2048), (224, 256)):
        rates = {way: max(shapes_per_second(size, count, device, way == 'one at a time') for _ in range(repeats))
                 for way in ('one at a time', 'a batch at a time')}
        print(f"  {size:>3} px: one at a time {rates['one at a time']:8.0f}/s, a batch at a time {rates['a batch at a time']:8.0f}/s "
              f"({rates['a batch at a time'] / rates['one at a time']:.1f}x)")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--n', type=int, default=5000, help="shapes in the dataset (80%% train)")
    p.add_argument('--device', default=None, help="default: the GPU when there is one")
    a = p.parse_args()
    main(a.repeats, a.n, a.device)
