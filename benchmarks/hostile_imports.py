"""`python -m benchmarks.hostile_imports`: how fast, and in how much memory, the two files of issue 15
that took a worker down are refused. Printed, never asserted.

Writes, in a temporary folder and without holding either in memory: a 21 MB workbook whose
xl/sharedStrings.xml unpacks to 192 MB (about 9 to 1, so no bomb by ratio), and a 12.4 MB CSV whose
heading row has 1.5 million columns. Each is then read by `read_staff_extract` in a fresh Python
process, which prints the sentence it was refused with, the seconds taken, its peak memory (the
resident set's high-water mark, VmHWM) and its memory once the refusal has been handled."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SHARED_TEXT = 192 * 1024 * 1024
COLUMNS = 1_500_000

_MEASURE = """
import gc, json, sys, time
from datetime import date
from planner.imports import ImportRefused, read_staff_extract

def status_mb(key):
    # VmHWM, not getrusage's ru_maxrss: that one keeps the high-water mark of the process before exec.
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0

path = sys.argv[1]
data = open(path, "rb").read()
before = status_mb("VmRSS")
started = time.perf_counter()
try:
    read_staff_extract(data, path, areas={"ED": "ED"}, band_levels={}, as_at=date(2025, 3, 31))
    refusal = None
except ImportRefused as error:
    refusal = error.message
seconds = time.perf_counter() - started
del data
gc.collect()
print(json.dumps({"refusal": refusal, "seconds": seconds, "before_mb": before,
                  "peak_mb": status_mb("VmHWM"), "after_mb": status_mb("VmRSS")}))
"""

_WORKBOOK = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>'),
}


def write_shared_text_workbook(path: Path) -> None:
    """A workbook whose shared text is SHARED_TEXT bytes of short, different strings (about 9 to 1 packed)."""
    rng = random.Random(15)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _WORKBOOK.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       b"<si><t>Area</t></si><si><t>Pay Band</t></si>")
            written = 0
            while written < SHARED_TEXT:
                chunk = b"".join(b"<si><t>Staff member %04x</t></si>" % rng.getrandbits(16) for _ in range(20_000))
                part.write(chunk)
                written += len(chunk)
            part.write(b"</sst>")


def write_wide_csv(path: Path) -> None:
    """A CSV whose heading row has COLUMNS columns, then one row of staff."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Area,Pay Band," + ",".join(f"h{i}" for i in range(COLUMNS)) + "\r\n")
        handle.write("ED,Band 5\r\n")


def measure(path: Path) -> dict[str, object]:
    """Read the file in a fresh process; its figures."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    figures: dict[str, object] = json.loads(done.stdout)
    return figures


def main() -> None:
    """Write both files, read each in its own process and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        workbook, wide = Path(folder) / "shared-text.xlsx", Path(folder) / "wide.csv"
        write_shared_text_workbook(workbook)
        write_wide_csv(wide)
        with zipfile.ZipFile(workbook) as archive:
            info = archive.getinfo("xl/sharedStrings.xml")
        print(f"shared-text workbook: {workbook.stat().st_size / 1e6:.1f} MB, sharedStrings.xml "
              f"{info.file_size / 2**20:.0f} MB unpacked ({info.file_size / info.compress_size:.1f} to 1)")
        print(f"wide CSV: {wide.stat().st_size / 1e6:.1f} MB, {COLUMNS + 2:,} columns in its heading row")
        for name, path in (("shared-text workbook", workbook), ("wide CSV", wide)):
            figures = measure(path)
            print(f"{name}: refused in {figures['seconds']:.2f}s; memory {figures['before_mb']:.0f} MB with the "
                  f"file read, peak {figures['peak_mb']:.0f} MB, {figures['after_mb']:.0f} MB after the refusal")
            print(f"  {figures['refusal']}")


if __name__ == "__main__":
    main()
