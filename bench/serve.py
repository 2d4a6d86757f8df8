"""`notes-cnn serve` against a bare Starlette app that runs the same model on the same bytes, in the same run, each server in
its own process on 127.0.0.1: one keep-alive client's median and 95th-percentile latency, and the throughput of 16 client
threads, each on its own keep-alive connection. The image is a 640x480 JPEG, the model the small CNN at 32 px (untrained:
speed does not depend on the weights). Targets: latency at most 1.2x the bare app's, throughput at least 0.95x. Then each
server's peak memory (VmHWM, Linux) as sixteen clients upload a 6000x6000 PNG of one colour (120 KB) at once: ours must stay
within the bound the README states for its defaults: two decodes at once, each at most 21 bytes a pixel of the 40-megapixel
limit, and three times the bytes of each upload being received.

The bare app is what a user would write by hand: Starlette's form parsing, Pillow, the same resize, the model, JSON; run by
`uvicorn.run`, which makes its own listening socket."""
import argparse, http.client, io, os, statistics, subprocess, sys, tempfile, threading, time, uuid
from pathlib import Path
import torch
from PIL import Image
from notes_cnn.bundle import build_model, save_bundle
from notes_cnn.images import MAX_PIXELS
from timing import interleaved

BARE_APP = '''
import io, sys, torch, uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route
from notes_cnn.bundle import load_bundle
from notes_cnn.images import image_tensor
model, meta = load_bundle(sys.argv[1])
def predict(data):
    x = image_tensor(Image.open(io.BytesIO(data)).convert('RGB'), meta['image_size'])[None]
    with torch.inference_mode(): p = model(x).softmax(-1)[0]
    i = int(p.argmax()); return {'label': meta['classes'][i], 'index': i, 'probability': float(p[i])}
async def api(request):
    form = await request.form()
    return JSONResponse(await run_in_threadpool(predict, await form['file'].read()))
print('ready', flush=True)
uvicorn.run(Starlette(routes=[Route('/api/predict', api, methods=['POST'])]), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')
'''

def free_port() -> int:
    "A TCP port nobody listens on now."
    import socket
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def start(cmd:list) -> tuple[subprocess.Popen, int]:
    "Start a server command whose last argument is its port; the process and the port, once it answers."
    port = free_port(); proc = subprocess.Popen([*cmd, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try: http.client.HTTPConnection('127.0.0.1', port, timeout=1).request('GET', '/'); return proc, port
        except OSError: time.sleep(0.2)
    proc.kill(); raise RuntimeError(f"{cmd} did not start: {proc.stderr.read()}")

def form(data:bytes) -> tuple[bytes, dict]:
    "A multipart body with `data` as the field 'file', and its headers."
    b = uuid.uuid4().hex
    body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n').encode() + data + f'\r\n--{b}--\r\n'.encode()
    return body, {'Content-Type': f'multipart/form-data; boundary={b}'}

def latencies(port:int, body:bytes, headers:dict, n:int) -> list[float]:
    "Seconds of each of `n` requests from one client on one keep-alive connection."
    conn, out = http.client.HTTPConnection('127.0.0.1', port, timeout=30), []
    for _ in range(n):
        t = time.perf_counter(); conn.request('POST', '/api/predict', body, headers); r = conn.getresponse(); r.read()
        assert r.status == 200, r.status
        out.append(time.perf_counter() - t)
    conn.close(); return out

def throughput(port:int, body:bytes, headers:dict, threads:int, per_thread:int) -> float:
    "Requests a second served to `threads` clients, each sending `per_thread` requests on its own keep-alive connection."
    ts = [threading.Thread(target=latencies, args=(port, body, headers, per_thread)) for _ in range(threads)]
    t = time.perf_counter()
    for th in ts: th.start()
    for th in ts: th.join()
    return threads * per_thread / (time.perf_counter() - t)

def measure(port:int, body:bytes, headers:dict, requests:int, threads:int) -> tuple[float, float, float]:
    "One round against the server on `port`: median and 95th-percentile latency of one client, and the throughput of `threads`."
    lat = latencies(port, body, headers, requests)
    return statistics.median(lat), statistics.quantiles(lat, n=20)[-1], throughput(port, body, headers, threads, max(5, requests // threads))

BYTES_PER_PIXEL = 21  # the most one decode holds at its peak, a 16-bit greyscale PNG (RGB: 12): the README's figure
DECODES = 2           # serve's default --max-decoding

def peak_memory(pid:int) -> int:
    "The most memory process `pid` has held (VmHWM, its peak resident set), in bytes."
    with open(f'/proc/{pid}/status') as f: return int(next(l for l in f if l.startswith('VmHWM')).split()[1]) * 1024

def big_png(side:int=6000) -> bytes:
    "A PNG of one colour, `side` x `side` pixels."
    buf = io.BytesIO(); Image.new('RGB', (side, side), (200, 30, 30)).save(buf, 'PNG'); return buf.getvalue()

def memory_growth(proc:subprocess.Popen, port:int, png:bytes, clients:int=16) -> float:
    "How much the server's peak memory grows, in bytes, while `clients` upload `png` at once."
    body, headers = form(png)
    before = peak_memory(proc.pid)
    ts = [threading.Thread(target=latencies, args=(port, body, headers, 1)) for _ in range(clients)]
    for th in ts: th.start()
    for th in ts: th.join()
    return peak_memory(proc.pid) - before

def main(requests:int=60, threads:int=16, repeats:int=3):
    "Print both servers' latency and throughput, and our server's ratios to the bare app's (the best of `repeats` interleaved rounds)."
    with tempfile.TemporaryDirectory() as d:
        torch.manual_seed(0)
        bundle = save_bundle(Path(d)/'model', build_model('simple_cnn', 4, ([0.5] * 3, [0.25] * 3), {'nfs': [16, 32, 64]}),
                             'simple_cnn', ['circle', 'square', 'triangle', 'cross'], 32, {'nfs': [16, 32, 64]})
        buf = io.BytesIO(); Image.effect_noise((640, 480), 60).convert('RGB').save(buf, 'JPEG', quality=90)
        body, headers = form(buf.getvalue())
        servers = {'bare Starlette app (baseline)': [sys.executable, '-c', BARE_APP, str(bundle)],
                   'notes-cnn serve': [str(Path(sys.executable).parent/'notes-cnn'), 'serve', str(bundle), '--port']}
        procs = {name: start(cmd) for name, cmd in servers.items()}  # both up at once, measured in turn
        try:
            for _, port in procs.values(): latencies(port, body, headers, 5)  # warm-up
            res = interleaved({name: (lambda port=port: measure(port, body, headers, requests, threads)) for name, (_, port) in procs.items()}, repeats)
            png, clients = big_png(), 16
            grown = {name: memory_growth(proc, port, png, clients) for name, (proc, port) in procs.items()} if os.path.exists('/proc/self/status') else {}
        finally:
            for proc, _ in procs.values(): proc.terminate(); proc.wait(10)
    best = {name: (min(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs)) for name, rs in res.items()}  # noise only slows
    base = best['bare Starlette app (baseline)']
    print(f"{'a 640x480 JPEG, model at 32 px':<32} {'median ms':>10} {'p95 ms':>8} {f'{threads} threads req/s':>18}   (best of {repeats} rounds of {requests} requests, {os.cpu_count()} cores)")
    for name, (med, p95, rps) in best.items(): print(f"{name:<32} {1e3 * med:>10.1f} {1e3 * p95:>8.1f} {rps:>18.0f}")
    med, p95, rps = best['notes-cnn serve']
    print(f"ratios to the bare app: median latency {med / base[0]:.2f}x, p95 {p95 / base[1]:.2f}x (targets <= 1.2), throughput {rps / base[2]:.2f}x (target >= 0.95)")
    if not grown: print("peak memory: not measured (needs /proc)"); return
    bound = DECODES * BYTES_PER_PIXEL * MAX_PIXELS + clients * 3 * len(png)
    for name, g in grown.items(): print(f"{name:<32} peak memory grew by {g / 1e9:.2f} GB under sixteen 6000x6000 PNGs at once")
    ours = grown['notes-cnn serve']
    print(f"peak memory: {ours / grown['bare Starlette app (baseline)']:.2f}x the bare app's growth; {ours / bound:.2f}x the stated bound of {bound / 1e9:.2f} GB (target <= 1)")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--requests', type=int, default=60)
    p.add_argument('--threads', type=int, default=16)
    p.add_argument('--repeats', type=int, default=3)
    a = p.parse_args(); main(a.requests, a.threads, a.repeats)
