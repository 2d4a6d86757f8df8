"""`notes-cnn serve` end to end, as a user runs it: started in its own process on loopback, used from headless Chromium with a
real file upload and over its JSON endpoint, refusing an upload over its limit while it goes on serving, answering a normal upload while 300 stalled clients hold
connections against a limit of 256 open files, holding decoding memory to a bound, running several workers on one port,
and stopped with Ctrl-C."""
import json, os, re, signal, subprocess, time, urllib.error, urllib.request, uuid
from pathlib import Path
import pytest
from conftest import BIN

@pytest.fixture(scope='module')
def bundle(tmp_path_factory):
    "A small bundle (untrained: its answers are compared with the Predictor's, not judged) and a PNG file to upload."
    import torch
    from notes_cnn.images import shape_folder
    from notes_cnn.bundle import build_model, save_bundle
    d = tmp_path_factory.mktemp('serve')
    torch.manual_seed(0)
    model = build_model('simple_cnn', 4, ([0.5] * 3, [0.25] * 3), {'nfs': [8, 16]})
    path = save_bundle(d/'model', model, 'simple_cnn', ['circle', 'square', 'triangle', 'cross'], 32, {'nfs': [8, 16]})
    return path, shape_folder(d/'shapes', 3)/'triangle'/'00002.png'

@pytest.fixture(scope='module')
def server(bundle):
    "`notes-cnn serve` with a 1 MiB upload limit, in its own process: its base URL; stopped with Ctrl-C at the end."
    proc, url = start_server(bundle, '--max-mb', '1')
    yield url
    stop_server(proc)

def upload(url:str, data:bytes, timeout:float=30) -> tuple[int, dict]:
    "POST `data` as the multipart field `file`, as a browser or `curl -F file=@...` does: the status and the JSON answer."
    b = uuid.uuid4().hex
    body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n').encode() + data + f'\r\n--{b}--\r\n'.encode()
    req = urllib.request.Request(url, body, {'Content-Type': f'multipart/form-data; boundary={b}'})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r: return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e: return e.code, json.loads(e.read())

def expected_label(bundle) -> str:
    "What the Predictor answers for the test image, in this process."
    from notes_cnn.inference import load_predictor
    return load_predictor(bundle[0]).predict(bundle[1]).label

def test_page_upload_in_a_browser(server, bundle, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server + '/')
    browser.find_element(By.CSS_SELECTOR, 'input[type=file]').send_keys(str(bundle[1]))
    browser.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    label = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, 'label')).text
    assert label == expected_label(bundle)
    shown = browser.find_element(By.CSS_SELECTOR, '#result img')
    assert browser.execute_script('return arguments[0].naturalWidth', shown) == 48  # the upload itself, shown back

def test_json_endpoint_and_limits(server, bundle):
    status, answer = upload(server + '/api/predict', bundle[1].read_bytes())
    assert (status, answer['label']) == (200, expected_label(bundle))
    # 16 MiB against a 1 MiB limit: more than the socket buffers hold, so a server that answered and closed while the client
    # was still sending would make urllib see a reset (Broken pipe) instead of the 413
    status, answer = upload(server + '/api/predict', b'\0' * (16 * 2**20))
    assert status == 413 and 'larger than the limit' in answer['error']
    status, answer = upload(server + '/api/predict', b'plain text')
    assert status == 400 and 'not an image' in answer['error']
    assert upload(server + '/api/predict', bundle[1].read_bytes())[0] == 200  # and it goes on serving

def start_server(bundle, *options, max_files:int|None=None) -> tuple[subprocess.Popen, str]:
    "`notes-cnn serve` on a free port in its own process, with at most `max_files` open files: the process and its base URL, once it answers."
    import resource
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))) if max_files else None
    proc = subprocess.Popen([str(BIN/'notes-cnn'), 'serve', str(bundle[0]), '--port', '0', *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit)
    line = proc.stdout.readline()  # "serving ... at http://127.0.0.1:PORT/ ..."
    found = re.search(r'http://127\.0\.0\.1:\d+', line)
    assert found, f"no address in {line!r}: {proc.stderr.read() if proc.poll() is not None else ''}"
    url, deadline = found.group(0), time.monotonic() + 20
    while True:
        try: urllib.request.urlopen(url + '/api/info', timeout=2); return proc, url
        except OSError:
            if time.monotonic() > deadline: proc.kill(); pytest.fail("notes-cnn serve did not answer within 20 s")
            time.sleep(0.1)

def stop_server(proc:subprocess.Popen) -> str:
    "Stop a server as Ctrl-C does, check that it exits cleanly, and return its log."
    proc.send_signal(signal.SIGINT)
    log = proc.communicate(timeout=20)[1]
    assert proc.returncode == 0, log
    return log

def test_stalled_clients_cannot_lock_others_out(bundle):
    "300 clients that send half a request head and stop, against a server allowed 256 open files: a normal upload is still answered."
    import resource, socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1024: resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))  # this process holds the 300 clients
    proc, url = start_server(bundle, max_files=256)
    host, port = url[len('http://'):].split(':')
    stalled = []
    try:
        assert upload(url + '/api/predict', bundle[1].read_bytes())[0] == 200  # the first prediction, which warms the model up
        t0 = time.monotonic()
        for _ in range(300):
            s = socket.create_connection((host, int(port)), timeout=5); s.sendall(b'POST /api/predict HTTP/1.1\r\nHost: x\r\n'); stalled.append(s)
        opened = time.monotonic() - t0
        time.sleep(0.5)
        start = time.monotonic()
        status, answer = upload(url + '/api/predict', bundle[1].read_bytes(), timeout=5)
        print(f"256 open files: {len(stalled)} stalled clients connected in {opened:.3f} s; then a normal upload answered {status} in {time.monotonic() - start:.3f} s")
    finally:
        for s in stalled: s.close()
        log = stop_server(proc)
    assert (status, answer['label']) == (200, expected_label(bundle))  # answered within 5 s: on old main, not within 10
    assert 'Too many open files' not in log and 'Traceback' not in log and len(log) < 10_000, log[:2000]

def peak_memory(pid:int) -> int:
    "The most memory the process `pid` has held (VmHWM: its peak resident set), in bytes."
    status = open(f'/proc/{pid}/status').read()
    return int(re.search(r'VmHWM:\s+(\d+) kB', status).group(1)) * 1024

def big_png(side:int=6000) -> bytes:
    "A PNG of one colour, `side` x `side` pixels: about 120 KB that decode to 0.4 GB."
    import io
    from PIL import Image
    buf = io.BytesIO(); Image.new('RGB', (side, side), (200, 30, 30)).save(buf, 'PNG')
    return buf.getvalue()

@pytest.mark.skipif(not Path('/proc/self/status').exists(), reason="reads the server's peak memory from /proc (Linux)")
def test_decoding_in_flight_is_bounded(bundle):
    "Eight 6000x6000 PNGs at once, with one decode allowed at a time: the server's peak memory grows by about one decode, not eight."
    from concurrent.futures import ThreadPoolExecutor
    proc, url = start_server(bundle, '--max-decoding', '1')
    data = big_png()
    try:
        assert upload(url + '/api/predict', bundle[1].read_bytes())[0] == 200  # the first prediction, which warms the model up
        before = peak_memory(proc.pid)
        with ThreadPoolExecutor(8) as pool: statuses = [s for s, _ in pool.map(lambda _: upload(url + '/api/predict', data, timeout=120), range(8))]
        grown = peak_memory(proc.pid) - before
        print(f"8 uploads of a {len(data):,}-byte 6000x6000 PNG at once, one decode at a time: peak memory grew by {grown / 2**30:.2f} GiB")
    finally: stop_server(proc)
    assert statuses == [200] * 8
    assert grown < 0.8 * 2**30  # one decode is about 0.4 GiB; eight at once, as before the bound, about 3

def workers_of(pid:int) -> list[int]:
    "The worker processes that uvicorn's supervisor `pid` has started (spawned children of it)."
    kids = Path(f'/proc/{pid}/task/{pid}/children').read_text().split()
    return [int(k) for k in kids if b'spawn_main' in Path(f'/proc/{k}/cmdline').read_bytes()]

@pytest.mark.skipif(not Path('/proc/self/task').exists(), reason="finds the worker processes in /proc (Linux)")
def test_workers_behind_one_port(bundle):
    "`--workers 2`: two processes answer on the one port, a worker that dies is replaced, and Ctrl-C stops them all."
    proc, url = start_server(bundle, '--workers', '2')
    try:
        deadline = time.monotonic() + 30
        while len(workers_of(proc.pid)) < 2 and time.monotonic() < deadline: time.sleep(0.2)
        first = workers_of(proc.pid)
        answers = [upload(url + '/api/predict', bundle[1].read_bytes())[0] for _ in range(10)]
        ready = json.loads(urllib.request.urlopen(url + '/api/ready', timeout=10).read())
        os.kill(first[0], signal.SIGKILL)
        while (len(workers_of(proc.pid)) < 2 or first[0] in workers_of(proc.pid)) and time.monotonic() < deadline + 30: time.sleep(0.2)
        after = workers_of(proc.pid)
        again = [upload(url + '/api/predict', bundle[1].read_bytes())[0] for _ in range(4)]
    finally: log = stop_server(proc)
    assert len(first) == 2 and answers == [200] * 10 and ready == {'ready': True}
    assert len(after) == 2 and first[0] not in after and again == [200] * 4
    assert f'worker {first[0]} stopped (exit code -9); starting another' in log, log
    assert not any(Path(f'/proc/{w}').exists() for w in after)  # stopped with the supervisor
