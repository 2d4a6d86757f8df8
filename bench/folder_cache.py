"""What keeping a folder's decoded training images in memory (`cache_train`, as `notes-cnn fit` does) saves on the reads
of one stage: its epochs, its LR finder's sweep of 100 batches and `PreciseBN`'s passes. The folder is `photo_folder`'s
240 training crops, saved again at a phone photo's 1600 x 1200 pixels (`--side` changes it), read at 96 pixels in
batches of 37, as fit reads that folder with its defaults (5 epochs a stage). Both ways run in the same process,
interleaved; the ratio is what this machine says, whatever its speed. A GPU that trains a batch in milliseconds waits for
these reads, so they bound a stage's time there."""
import argparse, tempfile, time
from pathlib import Path
from PIL import Image
from notes_cnn.images import photo_folder, scan_image_folder
from timing import interleaved

def stage_reads(scan, size:int, bs:int, epochs:int, sweep:int, cache:bool) -> float:
    "Seconds to build the loaders and draw one stage's training batches: `epochs` epochs, twice (training and `PreciseBN`), and `sweep` batches."
    start = time.perf_counter()
    dls = scan.dls(size, bs, cache_train=cache)
    for _ in range(2 * epochs):
        for _ in dls.train: pass
    drawn = 0
    while drawn < sweep:
        for _ in dls.train:
            drawn += 1
            if drawn == sweep: break
    return time.perf_counter() - start

def main(side:int, repeats:int):
    root = photo_folder(Path(tempfile.mkdtemp())/'photos')
    for p in root.rglob('*.jpg'): Image.open(p).resize((side * 4 // 3, side)).save(p, quality=90)
    scan = scan_image_folder(root)
    runs = {name: (lambda cache=cache: stage_reads(scan, 96, 37, 5, 100, cache)) for name, cache in (('from files', False), ('cached', True))}
    secs = {name: sorted(ts)[len(ts) // 2] for name, ts in interleaved(runs, repeats).items()}  # the median
    print(f"{len(scan.train)} training images of {side * 4 // 3} x {side} px, one stage's reads at 96 px (median of {repeats}):")
    for name, s in secs.items(): print(f"  {name:10s} {s:6.2f} s")
    print(f"  cached / from files: {secs['cached'] / secs['from files']:.3f}x")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--side', type=int, default=1200, help="the photos' shorter side, in pixels")
    p.add_argument('--repeats', type=int, default=3)
    a = p.parse_args()
    main(a.side, a.repeats)
