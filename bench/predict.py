"""Serving on a CPU: `Predictor.predict` on one image against a bare `model(x)` with the same preprocessing, and against
fastai's `load_learner(...).predict` on the same architecture (when fastai is installed: `pip install -e ".[bench]"`), and the
throughput of `predict_batch` at batch 32 against 32 single calls, on the same bundle and files, in the same run.

The bundle is a small CNN (untrained: speed does not depend on the weights) at 32 pixels, and the images are 48-pixel PNG files
read from disk each time, as a server reads its uploads. Runs are interleaved, in alternating order, and the fastest of
`--repeats` is kept for each (noise only adds time). Target: Predictor / bare <= 1.05. The gain of batches over single
calls is reported, not targeted: reading and resizing each file, which batching cannot share, takes most of the time.
The script also checks that the Predictor and the bare code give the same probabilities."""
import argparse, tempfile, time, warnings
from pathlib import Path
import torch
from notes_cnn.images import image_paths, image_tensor, read_image, shape_folder
from notes_cnn.inference import load_predictor
from notes_cnn.bundle import build_model, load_bundle, save_bundle
from timing import interleaved

def make(folder:Path, n:int=32) -> tuple[Path, list[Path]]:
    "A bundle and `n` PNG files in `folder`."
    torch.manual_seed(0)
    bundle = save_bundle(folder/'model', build_model('simple_cnn', 4, ([0.5] * 3, [0.25] * 3), {'nfs': [16, 32, 64]}),
                         'simple_cnn', ['circle', 'square', 'triangle', 'cross'], 32, {'nfs': [16, 32, 64]})
    return bundle, image_paths(shape_folder(folder/'data', n))  # class folders, as fastai reads them

def fastai_predict(folder:Path, model):
    "fastai's way to serve the same model: a Learner exported with its transforms (squish to 32 px), loaded back; its `predict`, or None without fastai."
    try: from fastai.vision.all import ImageDataLoaders, Learner as FastaiLearner, Resize, load_learner
    except ImportError: return None
    dls = ImageDataLoaders.from_folder(folder/'data', valid_pct=0.25, item_tfms=Resize(32, method='squish'), bs=8, num_workers=0)
    FastaiLearner(dls, model).export(folder/'export.pkl')
    with warnings.catch_warnings():  # its warning that load_learner unpickles: the risk the bundle exists to avoid, said once below
        warnings.simplefilter('ignore'); learn = load_learner(folder/'export.pkl')
    def predict(path):
        with learn.no_bar(): return learn.predict(path)
    return predict

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
        one, fastai = files[0], fastai_predict(Path(d), model)
        runs = {'bare model(x), same preprocessing (baseline)': lambda: timed(lambda: bare(model, meta['image_size'], one)),
                'Predictor.predict': lambda: timed(lambda: predictor.predict(one).probs),
                **({"fastai load_learner(...).predict": lambda: timed(lambda: fastai(one))} if fastai else {}),
                '32 single Predictor.predict calls': lambda: timed(lambda: [predictor.predict(f) for f in files]),
                'Predictor.predict_batch, 32 at once': lambda: timed(lambda: predictor.predict_batch(files, bs=32))}
        res = interleaved(runs, repeats)
    best = {name: min(t for t, _ in rs) for name, rs in res.items()}
    same = torch.allclose(res['Predictor.predict'][-1][1], res['bare model(x), same preprocessing (baseline)'][-1][1], atol=1e-6)
    base, singles = best['bare model(x), same preprocessing (baseline)'], best['32 single Predictor.predict calls']
    print(f"{'one 48-px PNG file, model at 32 px':<46} {'best ms':>8} {'ratio':>7}   (fastest of {repeats}, {torch.get_num_threads()} threads)")
    latency, throughput = [n for n in runs if '32' not in n], [n for n in runs if '32' in n]
    for name in latency: print(f"{name:<46} {1e3 * best[name]:>8.2f} {best[name] / base:>7.3f}")
    if len(latency) < 3: print("fastai is not installed (pip install -e \".[bench]\"): its load_learner(...).predict is not timed")
    else: print("(fastai's load_learner unpickles its file, which can run code; load_predictor reads safetensors and JSON)")
    print(f"{'throughput':<46} {'images/s':>8} {'ratio':>7}")
    for name in throughput: print(f"{name:<46} {32 / best[name]:>8.0f} {singles / best[name]:>7.2f}")
    print(f"the same probabilities from both: {same}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=20)
    main(p.parse_args().repeats)
