"""The docs pipeline: `nbdev-proc-nbs` succeeds and the sidebar lists home, the lessons in order, then the appendix; and,
where Quarto and Chromium are installed, the rendered site read in a browser: sidebar, links, images, widths, API entries."""
import http.server, json, os, shutil, threading
from functools import partial
from pathlib import Path
import pytest, yaml
from notes_cnn.course import LESSONS
from conftest import ROOT, BIN, sh

DOCS_RE = r'\.(?:ipynb|qmd|html)$'  # the pages `nbdev-docs` puts in the sidebar (without it, yml and css files appear there too)

@pytest.fixture(scope='module')
def proc():
    "The `_proc` folder that `nbdev-proc-nbs` writes, processed from scratch."
    shutil.rmtree(ROOT/'_proc', ignore_errors=True)
    sh(BIN/'nbdev-proc-nbs', '--force', '--file-re', DOCS_RE)  # Quarto is absent here; the step before rendering still runs
    return ROOT/'_proc'

def test_sidebar_lists_every_lesson_in_order(proc):
    contents = yaml.safe_load((proc/'sidebar.yml').read_text())['website']['sidebar']['contents']
    appendix = sorted(p.name for p in (ROOT/'nbs').glob('[!0-9_]*.ipynb') if p.name != 'index.ipynb')
    assert contents == ['index.ipynb'] + [l.notebook for l in LESSONS if l.ready] + appendix

def test_lesson_pages_are_processed(proc):
    for l in LESSONS:
        if not l.ready: continue
        cells = json.loads((proc/l.notebook).read_text())['cells']
        assert cells[0]['cell_type'] == 'raw', f"{l.notebook}: no front matter"
        front = yaml.safe_load(''.join(cells[0]['source']).strip().strip('-'))
        assert (front['title'], front['output-file']) == (l.title, f'{l.slug}.html'), f"{l.notebook}: {front}"
        src = '\n'.join(''.join(c['source']) for c in cells)
        assert 'google.colab' not in src, f"{l.notebook}: the hidden Colab install cell reached the page"
        assert l.colab_url in src, f"{l.notebook}: no Colab badge on the page"

def test_site_config_is_in_place(proc):
    for f in ('_quarto.yml', 'nbdev.yml', 'styles.css'): assert (proc/f).exists(), f
    assert 'site-url: "https://notes-cnn.github.io/notes-cnn"' in (proc/'nbdev.yml').read_text()

# The rendered site, checked in a browser: needs Quarto (which `nbdev-docs` renders with) and Chromium with its driver.
QUARTO = shutil.which('quarto') or str(Path.home()/'.cache'/'quarto-offline'/'bin'/'quarto')
SKIP_QUARTO = "Quarto is not installed here: .ci/run installs it from ../shared/tools/quarto/install where that exists"

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    "Serves files without writing a log line for every request."
    def log_message(self, *args): pass

@pytest.fixture(scope='module')
def site():
    "The site `nbdev-docs` renders into `_docs/`, served on loopback: its base URL."
    if not Path(QUARTO).exists(): pytest.skip(SKIP_QUARTO)
    shutil.rmtree(ROOT/'_docs', ignore_errors=True)
    sh(BIN/'nbdev-docs', env=os.environ | {'PATH': f"{Path(QUARTO).parent}{os.pathsep}{os.environ['PATH']}"})
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), partial(QuietHandler, directory=str(ROOT/'_docs')))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()

def pages() -> list[str]:
    "Every page of the site: home, the ready lessons in order, then the appendix."
    appendix = sorted(p.stem for p in (ROOT/'nbs').glob('[!0-9_]*.ipynb') if p.name != 'index.ipynb')
    return ['index.html'] + [l.page for l in LESSONS if l.ready] + [f'{a}.html' for a in appendix]

# What a reader would see go wrong on a page, measured in the browser once its images are decoded and two frames have
# been laid out since (on a busy machine, a figure measured straight after the load event can still read wider than its column).
PAGE_CHECK = """
const done = arguments[arguments.length - 1];
const check = () => {
  const main = document.querySelector('main'), right = main.getBoundingClientRect().right + 1;
  const name = el => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 60);
  const wide = [...main.querySelectorAll('pre, div.sourceCode, img, table, .cell-output')]
    .filter(el => el.getBoundingClientRect().right > right || el.scrollWidth > el.clientWidth + 1).map(name);
  const broken = [...document.images].filter(i => i.src.startsWith(location.origin) && !(i.complete && i.naturalWidth > 0)).map(i => i.src);
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href).filter(h => h.startsWith(location.origin));
  const headings = [...main.querySelectorAll('h3')].map(h => h.textContent.trim());
  const sidebar = [...document.querySelectorAll('#quarto-sidebar a.sidebar-link')].map(a => a.href.slice(location.origin.length + 1));
  return {wide, broken, links, headings, sidebar};
};
Promise.all([...document.images].map(i => i.decode().catch(() => null)))
  .then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(check()))));
"""

@pytest.fixture(scope='module')
def checked(site, browser) -> dict:
    "What `PAGE_CHECK` found on every page."
    res = {}
    for page in pages():
        browser.get(site + page)
        res[page] = browser.execute_async_script(PAGE_CHECK)
    return res

def test_site_sidebar_lists_every_page_in_order(checked):
    assert [h or 'index.html' for h in checked['index.html']['sidebar']] == pages()  # home is linked as ./

def test_site_has_no_broken_local_link_or_image(checked, site):
    for page, r in checked.items():
        assert not r['broken'], f"{page}: images that do not load: {r['broken']}"
        missing = {h for h in r['links'] if not (ROOT/'_docs'/h[len(site):].split('#')[0].split('?')[0]).exists()}
        assert not missing, f"{page}: links to pages that do not exist: {sorted(missing)}"

def test_site_has_nothing_wider_than_its_column(checked):
    for page, r in checked.items(): assert not r['wide'], f"{page}: wider than the text column: {r['wide']}"

def test_site_documents_each_api_entry_once(checked):
    for page, r in checked.items():
        twice = sorted({h for h in r['headings'] if r['headings'].count(h) > 1})
        assert not twice, f"{page}: documented more than once: {twice}"
