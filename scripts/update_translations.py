"""Regenerate the translations: scan studio/ui for tr() strings, then compile the .qm files.

    python scripts/update_translations.py            # update every .ts, then compile
    python scripts/update_translations.py --add de   # start a new language (model_studio_de.ts)

``pyside6-lupdate`` keeps the translations already in a .ts file and marks new or changed
strings as unfinished; translate them with Qt Linguist (``pyside6-linguist FILE.ts``) or
any editor, then run this script again. ``pyside6-lrelease`` writes the .qm files the
application loads from studio/resources/translations/.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "studio" / "resources" / "translations"
PREFIX = "model_studio_"


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"{name} not found: it comes with PySide6 (pip install PySide6)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add", metavar="LANG", help="start a translation, e.g. de or pt_BR")
    args = parser.parse_args()
    sources = sorted(str(p) for p in (ROOT / "studio" / "ui").rglob("*.py"))
    files = sorted(TRANSLATIONS.glob(f"{PREFIX}*.ts"))
    if args.add:
        files.append(TRANSLATIONS / f"{PREFIX}{args.add}.ts")
    for ts in files:
        subprocess.run(
            [tool("pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)], check=True
        )
        qm = ts.with_suffix(".qm")
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
