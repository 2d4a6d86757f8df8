"""Serving on a CPU: `Predictor.predict` on one image against a bare `model(x)` with the same preprocessing, and the throughput
of `predict_batch` at batch 32 against 32 single calls, on the same bundle and files, in the same run.

The bundle is a small CNN (untrained: speed does not depend on the weights) at 32 pixels, and the images are 48-pixel PNG files
read from disk each time, as a server reads its uploads. Runs are interleaved, in alternating order, and the fastest of
`--repeats` is kept for each (noise only adds time). Target: Predictor / bare <= 1.05. The gain of batches over single
calls is reported, not targeted: reading and resizing each file, which batching cannot share, takes most of the time.
The script also checks that the Predictor and the bare code give the same probabilities."""
import argparse, tempfile, time
from pathlib import Path
import torch
from PIL import Image
from notes_cnn.data import Shapes
from notes_cnn.inference import load_predictor, read_image
from notes_cnn.recipe import build_model, image_tensor, load_bundle, save_bundle
from timing import interleaved

def make(folder:Path, n:int=32) -> tuple[Path, list[Path]]:
    "A bundle and `n` PNG files in `folder`."
    torch.manual_seed(0)
    bundle = save_bundle(folder/'model', build_model('simple_cnn', 4, ([0.5] * 3, [0.25] * 3), {'nfs': [16, 32, 64]}),
                         'simple_cnn', ['circle', 'square', 'triangle', 'cross'], 32, {'nfs': [16, 32, 64]})
    imgs = Shapes(n, 48).render(range(n))[0]
    files = [folder/f'{i}.png' for i in range(n)]
    for x, f in zip(imgs, files): Image.fromarray((x.permute(1, 2, 0) * 255).byte().numpy()).save(f)
    return bundle, files

def bare(model, size:int, path) -> torch.Tensor:
    "The least code that predicts like the Predictor: read, squish, model, softmax."
    with torch.inference_mode(): return model(image_tensor(read_image(path), size)[None]).softmax(-1)[0]

def timed(f) -> tuple[float, object]:
    "Seconds `f` takes, and what it returns."
    start = time.perf_counter(); out = f(); return time.perf_counter() - start, out

def main(repeats:int=20):
    "Print single-image latency of the Predictor against bare code, and batch throughput against single calls."
    with tempfile.TemporaryDirectory() as d:
        bundle, files = make(Path(d))
        predictor, (model, meta) = load_predictor(bundle), load_bundle(bundle)
        one = files[0]
        runs = {'bare model(x), same preprocessing (baseline)': lambda: timed(lambda: bare(model, meta['image_size'], one)),
                'Predictor.predict': lambda: timed(lambda: predictor.predict(one).probs),
                '32 single Predictor.predict calls': lambda: timed(lambda: [predictor.predict(f) for f in files]),
                'Predictor.predict_batch, 32 at once': lambda: timed(lambda: predictor.predict_batch(files, bs=32))}
        res = interleaved(runs, repeats)
    best = {name: min(t for t, _ in rs) for name, rs in res.items()}
    same = torch.allclose(res['Predictor.predict'][-1][1], res['bare model(x), same preprocessing (baseline)'][-1][1], atol=1e-6)
    base, singles = best['bare model(x), same preprocessing (baseline)'], best['32 single Predictor.predict calls']
    print(f"{'one 48-px PNG file, model at 32 px':<46} {'best ms':>8} {'ratio':>7}   (fastest of {repeats}, {torch.get_num_threads()} threads)")
    for name in list(runs)[:2]: print(f"{name:<46} {1e3 * best[name]:>8.2f} {best[name] / base:>7.3f}")
    print(f"{'throughput':<46} {'images/s':>8} {'ratio':>7}")
    for name in list(runs)[2:]: print(f"{name:<46} {32 / best[name]:>8.0f} {singles / best[name]:>7.2f}")
    print(f"the same probabilities from both: {same}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=20)
    main(p.parse_args().repeats)
