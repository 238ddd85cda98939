"""GDELT 2.0 event files: the 15-minute ``YYYYMMDDHHMMSS.export.CSV.zip`` (61 tab-separated fields, no
header). Differs from 1.0 by an ADM2 code in each of the three geo blocks and DATEADDED as
YYYYMMDDHHMMSS; the mapping to ``events`` is the same as for 1.0 (see ``detente.sources.gdelt``).

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from detente.sources.base import DatasetInfo, StageContext
from detente.sources.gdelt import _head, columns, layout_of, stage_with

__all__: list[str] = []

NAME = "gdelt2"
DATASET = DatasetInfo(
    name="gdelt2",
    title="GDELT 2.0 Event Database",
    license="GDELT: free and open for any use with attribution (https://www.gdeltproject.org/about.html#termsofuse)",
    url="http://data.gdeltproject.org/gdeltv2/masterfilelist.txt",
    version="GDELT 2.0 events",
    first_day=date(1979, 1, 1),  # events of the 2.0 stream can date from the 1.0 back file (1979)
    citation="""@inproceedings{leetaru2013gdelt,
  author = {Leetaru, Kalev and Schrodt, Philip A.},
  title = {{GDELT}: Global Data on Events, Location and Tone, 1979--2012},
  booktitle = {ISA Annual Convention},
  address = {San Francisco},
  year = {2013},
  note = {GDELT 2.0 event files, 15-minute updates since February 2015}
}""",
)
GEO2 = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS = columns(GEO2)  # 61
FILE_RE = re.compile(r"^\d{14}\.export\.csv(\.zip|\.gz)?$", re.IGNORECASE)


def sniff(path: Path, head: bytes) -> bool:
    if not path.is_file():
        return False
    if FILE_RE.match(path.name):
        return True
    return layout_of(_head(path, head), (COLUMNS,)) is not None


def stage(ctx: StageContext) -> int:
    return stage_with(ctx, (COLUMNS,), "a GDELT 2.0 event file")
