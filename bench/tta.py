"""Test-time augmentation over mirror images (`predict --tta`) against plain prediction, on the bundles `notes-cnn fit`
writes with its defaults (augmentation on, so the model saw mirrored images) for the small folders of photo crops that
bench/fit.py uses: a balanced one and a 10:1 one, over three seeds. Each bundle predicts its folder's 300 validation crops
both ways, through the `Predictor` (files read from disk each time, as `predict` reads them), and the model's part alone
(the crops already preprocessed) is timed both ways, interleaved, the fastest of `--repeats` kept.

For each folder: accuracy and balanced accuracy with and without mirrors, mean and spread over the seeds, the gain per
seed, and how much longer an answer takes with mirrors, for the model alone and for the whole prediction from the file.
Target: the effect on balanced accuracy stated with its spread; the model's time with mirrors about 2x plain (a second
pass over the same batch, so no more memory)."""
import argparse, contextlib, io, tempfile, time
from pathlib import Path
import numpy as np, torch
from notes_cnn.fit import run_fit
from notes_cnn.images import photo_folder, scan_image_folder
from notes_cnn.inference import load_predictor
from notes_cnn.metrics import accuracy, balanced_accuracy, mean_spread
from fit import FOLDERS
from timing import interleaved

def scores(predictor, files:list, labels:torch.Tensor) -> tuple[float, float]:
    "Accuracy and balanced accuracy of `predictor` on `files`."
    probs = torch.stack([p.probs for p in predictor.predict_batch(files)])
    return accuracy(probs, labels).item(), balanced_accuracy(probs, labels).item()

def fastest(f, repeats:int) -> dict:
    "The fastest of `repeats` runs of `f(tta)` for tta off and on, interleaved: seconds, by arm."
    def timed(tta):
        def run(): start = time.perf_counter(); f(tta); return time.perf_counter() - start
        return run
    return {k: min(v) for k, v in interleaved({'plain': timed(False), 'mirrors': timed(True)}, repeats).items()}

def main(seeds:list, folders:list, repeats:int):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in folders:
            folder = photo_folder(tmp/name, train_counts=FOLDERS[name])
            scan = scan_image_folder(folder)
            files, labels = [p for p, _ in scan.valid], torch.tensor([y for _, y in scan.valid])
            rows = []
            for seed in seeds:
                out = tmp/f"{name}-{seed}"
                with contextlib.redirect_stdout(io.StringIO()): run_fit(folder, out=out, seed=seed, quiet=True)
                plain, mirrors = load_predictor(out/'model'), load_predictor(out/'model', tta=True)
                xb = torch.stack([plain.preprocess(f) for f in files])
                model_s = fastest(lambda tta: (mirrors if tta else plain).predict_tensors(xb), repeats)
                file_s = fastest(lambda tta: (mirrors if tta else plain).predict_batch(files), max(1, repeats // 4))
                rows.append((*scores(plain, files, labels), *scores(mirrors, files, labels),
                             model_s['mirrors'] / model_s['plain'], file_s['mirrors'] / file_s['plain']))
            acc, bal, acc_m, bal_m, model_x, file_x = map(np.array, zip(*rows))
            print(f"\n{name} folder, {len(seeds)} seeds, {len(files)} validation crops:")
            print(f"  plain    accuracy {mean_spread(acc)}  balanced accuracy {mean_spread(bal)}")
            print(f"  mirrors  accuracy {mean_spread(acc_m)}  balanced accuracy {mean_spread(bal_m)}")
            print(f"  mirrors against plain: balanced accuracy gain per seed {mean_spread(bal_m - bal)} ({', '.join(f'{g:+.3f}' for g in bal_m - bal)}); "
                  f"time {model_x.mean():.2f}x for the model alone, {file_x.mean():.2f}x from the files")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--folders', nargs='+', default=list(FOLDERS), choices=list(FOLDERS))
    p.add_argument('--repeats', type=int, default=20, help="timed runs of each arm; the fastest is kept")
    a = p.parse_args()
    main(a.seeds, a.folders, a.repeats)
