"The docs pipeline up to Quarto: `nbdev-proc-nbs` succeeds and the sidebar lists home, the lessons in order, then the appendix."
import json, shutil
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
