"""Publishing: solution sheets and the library reference in every format, from one source.

``symcheck build`` grades each registered answer sheet, verifies the derivations it shows and
writes, under ``output/``:

* for a sheet, ``<name>/solutions.{tex,html,pdf,md}`` beside ``<name>/report.json`` (the grade
  report, plus the verification of every derivation the sheet shows);
* for the derivation library, ``library/reference.{tex,html,pdf,md}`` beside
  ``library/report.json`` (the verification report of every derivation);
* for a homework with a class of sample sheets, ``<name>/overview.{html,json}`` and
  ``<name>/gradebook.csv`` (:mod:`symcheck.publish._class`, which also writes what
  ``symcheck grade … --out DIR`` writes).

``symcheck build NAME ...`` builds only the sheets named; the name ``library`` stands for the
library reference. Files are rewritten only when their bytes change, all at once, after every
format of every document has rendered.

Every format is printed from one format-neutral document (:mod:`symcheck.publish._document`),
composed once from the grade report, the derivation objects and their verification reports; no
renderer computes or words anything of its own. Grade and verification reports are cached by
content in ``.symcheck-cache/`` (``$SYMCHECK_CACHE_DIR`` moves it; an empty value turns it off),
so a rebuild grades and verifies only what changed (:mod:`symcheck.publish._cache`).

The Jupyter displays of :class:`~symcheck.model.Derivation`, :class:`~symcheck.results.DerivationReport`,
:class:`~symcheck.results.VerifyReport` and :class:`~symcheck.sheet.GradeReport` (``_repr_html_``,
``_repr_latex_``) come from here too, registered through the ``symcheck.display`` entry point.

>>> from pathlib import Path
>>> from symcheck.publish import BuildOptions
>>> BuildOptions(out=Path("output"), sheets=("ml-theory",)).formats
('json', 'md', 'tex', 'html', 'pdf')
"""

from __future__ import annotations

from symcheck.publish._build import BuildResult, build, build_result
from symcheck.publish._jupyter import register_display
from symcheck.publish._options import FORMATS, LIBRARY, PDF_ENGINES, BuildOptions

__all__ = [
    "FORMATS",
    "LIBRARY",
    "PDF_ENGINES",
    "BuildOptions",
    "BuildResult",
    "build",
    "build_result",
    "register_display",
]
