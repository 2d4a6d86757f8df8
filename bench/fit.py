"""`notes-cnn fit`'s defaults against the note's recipe, on small folders of photo crops made offline (`photo_folder`): a
balanced one (80 training crops a class) and a 10:1 one (8 training crops of the flower against 80 of the others), over
three seeds, in the same run, on the same files. Both folders validate on 100 crops a class, so there accuracy and balanced
accuracy are the same number: the 10:1 imbalance is in what the model learns from, as it is when a class is hard to collect.

The note's arm is what `fit` did before issue 31's second and third steps: `fit_recipe` at 64 then 128 pixels (`--size`)
in batches of 64, 2 epochs a stage, each unfrozen maximum the frozen rate over 5, batch norm's running statistics as
trained, no oversampling, the best stage shipped by accuracy. The fit arm is `run_fit` with its defaults (the size from
the images, the epochs from their number, augmentation), and each other arm changes one default back, to measure what it
buys: `--no-augment`, `--epochs 2` (the recipe's epochs) and `--size 64` (the note arm's size). The fastai arm is
fastai's `vision_learner(...).fine_tune(5)` with its defaults (batches of 64, `aug_transforms`, base rate 2e-3, one
frozen epoch, fastai's own head) on the same body pretrained on shapes, at the images' own 96 pixels, with no downloaded
weights; it needs fastai (`pip install -e ".[bench]"`) and ships its last epoch. For each: the shipped
stage's accuracy and balanced accuracy, mean and spread over the seeds, the seconds a run took, and its balanced accuracy
and time against fit's, seed by seed. Also counted: runs whose shipped stage scored below another stage of the same run,
by the metric that chose it (the best-stage rule says never).

Targets: on the 10:1 folder, fit's balanced accuracy at least the note's; no shipped stage below any stage of its run;
each default's effect stated with its spread."""
import argparse, contextlib, io, tempfile, time
from functools import partial
from pathlib import Path
import numpy as np
from notes_cnn.bundle import load_bundle
from notes_cnn.fit import run_fit
from notes_cnn.images import photo_folder, scan_image_folder
from notes_cnn.learner import Learner, set_seed
from notes_cnn.metrics import accuracy, balanced_accuracy, mean_spread
from notes_cnn.recipe import RecipeResult, fit_recipe
from notes_cnn.transfer import shapes_pretrained, transfer_model, transfer_splitter

def note_arm(folder:Path, seed:int, out:Path, size:int=64):
    "The note's recipe as `fit` ran it before: batches of 64 (fewer if a stage would have under 8), over 5, the best stage by accuracy."
    scan = scan_image_folder(folder)
    bs = 64 if 2 * -(-len(scan.train) // 64) >= 8 else len(scan.train) * 2 // 8  # as fit lowered it then, for one-cycle's warm-up
    make_dls = lambda sz: scan.dls(sz, bs, seed=seed)
    set_seed(seed)
    model = transfer_model(shapes_pretrained(nfs=[16, 32, 64], seed=seed), len(scan.classes))
    learn = Learner(make_dls(size), model, metrics=[accuracy, balanced_accuracy], splitter=transfer_splitter, progress=False)
    return fit_recipe(learn, make_dls, size, best_by='accuracy', log=lambda s: None), 'accuracy'

def fit_arm(folder:Path, seed:int, out:Path, **kwargs):
    "`run_fit` with its defaults (but for `kwargs`), quietly."
    with contextlib.redirect_stdout(io.StringIO()): res = run_fit(folder, out=out, seed=seed, quiet=True, **kwargs)
    return res, 'balanced_accuracy' if load_bundle(out/'model')[1]['oversampled'] else 'accuracy'  # what fit shipped by

def fastai_arm(folder:Path, seed:int, out:Path, epochs:int=5, size:int=96):
    "fastai's `vision_learner(...).fine_tune(epochs)` with its defaults, on the shapes body that fit starts from: one stage, the last epoch shipped."
    from fastai.vision.all import ImageDataLoaders, Resize, aug_transforms, default_split, model_meta, vision_learner
    set_seed(seed)
    body = shapes_pretrained(nfs=[16, 32, 64], seed=seed)
    dls = ImageDataLoaders.from_folder(folder, train='train', valid='valid', item_tfms=Resize(size), batch_tfms=aug_transforms(), seed=seed, num_workers=0)
    def arch(pretrained=False, **kwargs): return body
    model_meta[arch] = {'cut': -1, 'split': default_split}  # its normalisation and body, without its head; vision_learner reads cut from here, not its argument
    learn = vision_learner(dls, arch, pretrained=False, n_out=len(dls.vocab))
    with learn.no_bar(), learn.no_logging(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        learn.fine_tune(epochs); preds, targs = learn.get_preds()
    scores = {'accuracy': accuracy(preds, targs).item(), 'balanced_accuracy': balanced_accuracy(preds, targs).item()}
    return RecipeResult(rows=[scores], best=1), 'balanced_accuracy'

ARMS = {'note': note_arm, 'fit': fit_arm, 'fit --no-augment': partial(fit_arm, augment=False),
        'fit --epochs 2': partial(fit_arm, epochs=2), 'fit --size 64': partial(fit_arm, size=64), 'fastai fine_tune': fastai_arm}
FOLDERS = {'balanced': {}, '10:1': {'flower': 8}}  # class -> training crops, where not 80

def main(seeds:list, size:int, arms:list, folders:list):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in folders:
            folder = photo_folder(tmp/name, train_counts=FOLDERS[name])
            results, broken = {}, 0
            for seed in seeds:
                for arm in arms:
                    start = time.perf_counter()
                    run = partial(note_arm, size=size) if arm == 'note' else ARMS[arm]
                    res, by = run(folder, seed, tmp/f"{name}-{arm.replace(' ', '')}-{seed}")
                    shipped = res.rows[res.best - 1]
                    broken += any(r[by] > shipped[by] for r in res.rows)
                    results.setdefault(arm, []).append((shipped['accuracy'], shipped['balanced_accuracy'], time.perf_counter() - start))
            print(f"\n{name} folder, {len(seeds)} seeds:")
            for arm, rs in results.items():
                acc, bal, secs = zip(*rs)
                print(f"  {arm:17s} accuracy {mean_spread(acc)}  balanced accuracy {mean_spread(bal)}  {np.mean(secs):.0f} s a run")
            if 'fit' not in results: continue
            for arm, rs in results.items():
                if arm == 'fit': continue
                gains = [f[1] - r[1] for f, r in zip(results['fit'], rs)]
                print(f"  fit against {arm:17s} balanced accuracy {np.mean([f[1] for f in results['fit']]) / np.mean([r[1] for r in rs]):.3f}x, "
                      f"gain per seed {mean_spread(gains)}, time {np.mean([f[2] for f in results['fit']]) / np.mean([r[2] for r in rs]):.2f}x")
            print(f"  runs shipping below one of their own stages: {broken} of {len(seeds) * len(results)}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--size', type=int, default=64, help="the note arm's first size (fit's arms take theirs from the images, or as the arm says)")
    p.add_argument('--arms', nargs='+', default=[a for a in ARMS if a != 'fastai fine_tune'], choices=list(ARMS), metavar='ARM', help=f"from {list(ARMS)} (default: all but fastai's)")
    p.add_argument('--folders', nargs='+', default=list(FOLDERS), choices=list(FOLDERS))
    a = p.parse_args()
    main(a.seeds, a.size, a.arms, a.folders)
