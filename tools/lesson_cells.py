"""Write the cells every lesson carries (badge, install cell, check cell, last cell) from `notes_cnn.course.lesson_cells`.

Run it after changing `__version__` (the badge and the install cell name the release) or the pattern itself; the course
notebook's test fails until it has run. A cell is only rewritten where its position holds the same kind of cell; a
missing check cell or last cell is added; anything else is reported and that lesson left as it was.

    python tools/lesson_cells.py           # rewrite the lessons that differ
    python tools/lesson_cells.py --check   # exit 1 if any lesson differs, writing nothing
"""
import json, os, secrets, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from notes_cnn.course import LESSONS, lesson_cells

# How each position's current cell is recognised, so that no other cell is ever overwritten.
KINDS = {1: ('markdown', '[![Open In Colab]'), 2: ('code', '#| hide\n#| download'), 3: ('code', "find_spec('notes_cnn')"),
         -1: ('code', 'nbdev_export')}
ADDABLE = {3, -1}  # positions where a lesson written before the pattern gains the cell

def new_cell(kind:str, src:str) -> dict:
    "A notebook cell of `kind` holding `src`."
    cell = {'cell_type': kind, 'id': secrets.token_hex(4), 'metadata': {}, 'source': src.splitlines(keepends=True)}
    return cell | ({'execution_count': None, 'outputs': []} if kind == 'code' else {})

def updated(cells:list, wanted:dict) -> list:
    "`cells` with each position's cell holding its wanted source; a ValueError names a position holding something else."
    cells = list(cells)
    for pos in sorted(wanted, key=lambda p: p if p >= 0 else len(cells)):
        kind, mark = KINDS[pos]
        at = pos if pos >= 0 else len(cells) - 1
        cell = cells[at] if at < len(cells) else None
        if cell is None or cell['cell_type'] != kind or mark not in ''.join(cell['source']):
            if pos not in ADDABLE: raise ValueError(f"cell {pos} is not the {mark!r} cell this tool writes")
            cells.insert(at if pos >= 0 else len(cells), new_cell(kind, wanted[pos])); continue
        if ''.join(cell['source']).strip() != wanted[pos]:
            cells[at] = cell | {'source': wanted[pos].splitlines(keepends=True)} | ({'outputs': []} if kind == 'code' else {})
    return cells

def write_atomically(path:Path, nb:dict):
    "Write notebook `nb` to `path` as nbdev-clean lays it out, replacing the file only once it is complete."
    tmp = path.with_suffix('.ipynb.tmp')
    tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    os.replace(tmp, path)

def main(argv:list) -> int:
    "Rewrite (or with `--check`, report) every ready lesson whose pattern cells differ; 1 if any could not be or differs."
    check, status = '--check' in argv, 0
    for lesson in (l for l in LESSONS if l.ready):
        path = ROOT/'nbs'/lesson.notebook
        nb = json.loads(path.read_text())
        try: cells = updated(nb['cells'], lesson_cells(lesson))
        except ValueError as e: print(f"{lesson.notebook}: {e}; left as it was"); status = 1; continue
        if cells == nb['cells']: continue
        if check: print(f"{lesson.notebook}: its pattern cells are out of date (run python tools/lesson_cells.py)"); status = 1
        else: write_atomically(path, nb | {'cells': cells}); print(f"{lesson.notebook}: pattern cells rewritten")
    return status

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
