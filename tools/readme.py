"""Write README.md from nbs/index.ipynb without Quarto (which `nbdev-readme` needs and these machines lack).

Markdown cells are copied as they are, except that relative links to site pages (`learner.html`) become absolute
(the README is read on GitHub and PyPI, away from the site); code cells marked `#| hide` are left out; other code
cells are shown as Python blocks (directive lines removed) followed by their text outputs. `python tools/readme.py --check` exits 1
when README.md is out of date instead of writing it."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from notes_cnn.course import DOCS  # where the site lives

def _absolute(md:str) -> str:
    "`md` with relative links to site pages made absolute."
    return re.sub(r'\]\((?!https?://|#)([\w-]+\.html(?:#[^)\s]*)?)\)', lambda m: f"]({DOCS}{m[1]})", md)
NOTICE = "<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->"

def _directives(src:str) -> set[str]:
    "The `#| ...` directive lines at the top of a code cell, as stripped strings."
    return {l[3:].strip() for l in src.splitlines() if l.startswith('#| ')}

def _outputs(cell:dict) -> list[str]:
    "Markdown for a code cell's outputs: Markdown as is, plain text and streams fenced."
    res = []
    for o in cell.get('outputs', []):
        data = o.get('data', {})
        if 'text/markdown' in data: res.append(''.join(data['text/markdown']))
        elif 'text/plain' in data: res.append(f"```\n{''.join(data['text/plain']).rstrip()}\n```")
        elif o.get('output_type') == 'stream': res.append(f"```\n{''.join(o['text']).rstrip()}\n```")
    return res

def _cell_md(cell:dict) -> list[str]:
    "The README blocks for one notebook cell."
    src = ''.join(cell['source'])
    if cell['cell_type'] == 'markdown': return [_absolute(src.strip())]
    if cell['cell_type'] != 'code' or 'hide' in _directives(src): return []
    code = '\n'.join(l for l in src.splitlines() if not l.startswith('#| ')).strip()
    shown = [] if 'echo: false' in _directives(src) else [f"```python\n{code}\n```"]
    return shown + _outputs(cell)

def render(nb_path:Path=ROOT/'nbs'/'index.ipynb') -> str:
    "README text for the notebook at `nb_path`."
    blocks = [b for c in json.loads(Path(nb_path).read_text())['cells'] for b in _cell_md(c) if b]
    return '\n\n'.join(blocks[:1] + [NOTICE] + blocks[1:]) + '\n'

def main(argv:list[str]) -> int:
    "Write README.md, or with `--check` report whether it is current."
    readme, text = ROOT/'README.md', render()
    if '--check' in argv:
        if readme.exists() and readme.read_text() == text: return 0
        print("README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`", file=sys.stderr)
        return 1
    readme.write_text(text)
    return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
