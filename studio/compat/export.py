"""A compatibility report as JSON, CSV (one row per operator) or a self-contained HTML page.

Each takes a :class:`CompatReport` or the document of one (``CompatReport.to_dict()``, what
the window holds), so a report is written as it was shown, without checking again.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from studio.compat.report import (
    DELEGATED_STATUS,
    FAIL,
    FALLBACK,
    MISSING,
    READY,
    SUPPORTED,
    CompatReport,
)
from studio.fileio import write_text_atomic

Report = CompatReport | dict


def _document(report: Report) -> dict:
    return report if isinstance(report, dict) else report.to_dict()


def to_json(report: Report) -> str:
    return json.dumps(_document(report), indent=2) + "\n"


def to_csv(report: Report) -> str:
    data = _document(report)
    names = [r["name"] for r in data["runtimes"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["operator", "count", "kind", "domain", *names])
    for row in data["operators"]:
        writer.writerow(
            [
                row["name"],
                row["count"],
                row["kind"],
                row["domain"],
                *[row["status"][n] for n in names],
            ]
        )
    writer.writerow([])
    writer.writerow(["runtime", "verdict", "unsupported", "fallback"])
    for r in data["runtimes"]:
        writer.writerow(
            [r["name"], r["verdict"], "; ".join(r["unsupported"]), "; ".join(r["fallback"])]
        )
    return out.getvalue()


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right}
.ready{background:#d9f2d9}.fallback{background:#fff1c2}.fail{background:#f9d0d0}
.supported{background:#eaf7ea}.delegated{background:#d4e8fb}.missing{background:#f9d0d0}
ul{margin:.2em 0 .6em 1.2em;padding:0}.small{color:#666;font-size:.9em}
"""

_LEGEND = {
    SUPPORTED: "the runtime has a kernel for it",
    DELEGATED_STATUS: "an accelerator or delegate runs it",
    FALLBACK: "runs on the CPU instead of the accelerator",
    MISSING: "the runtime cannot run it",
}
_VERDICT_WORDS = {READY: "Ready", FALLBACK: "Runs, partly on the CPU", FAIL: "Will not run"}


def to_html(report: Report) -> str:
    e = html.escape
    data = _document(report)
    name = Path(data["artifact"]).name
    names = [r["name"] for r in data["runtimes"]]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Compatibility of {e(name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Compatibility of {e(name)}</h1>",
        f"<p>{e(data['format'])}",
    ]
    if data["bytecode_version"] is not None:
        parts.append(f", bytecode version {data['bytecode_version']}")
    if data["opsets"]:
        parts.append(", opsets " + e(", ".join(f"{d} {v}" for d, v in data["opsets"].items())))
    if data["delegates"]:
        parts.append(", delegates " + e(", ".join(data["delegates"])))
    parts.append(f". {len(data['operators'])} operators.</p>")

    parts.append(
        "<h2>Runtimes</h2><table><tr><th>Runtime</th><th>Verdict</th><th>Why</th><th>What to do</th></tr>"
    )
    for r in data["runtimes"]:
        why = "".join(f"<li>{e(p)}</li>" for p in r["problems"])
        if r["fallback"]:
            why += f"<li>{len(r['fallback'])} operator(s) leave {e(r['accelerator'] or '')}: {e(', '.join(r['fallback']))}</li>"
        advice = "".join(f"<li>{e(a)}</li>" for a in r["advice"])
        parts.append(
            f"<tr><td><b>{e(r['name'])}</b><br><span class='small'>{e(r['title'])}</span></td>"
            f"<td class='{e(r['verdict'])}'>{e(_VERDICT_WORDS[r['verdict']])}</td>"
            f"<td><ul>{why}</ul></td><td><ul>{advice}</ul></td></tr>"
        )
    parts.append("</table>")

    parts.append("<h2>Operators</h2><table><tr><th>Operator</th><th>Count</th>")
    parts.extend(f"<th>{e(n)}</th>" for n in names)
    parts.append("</tr>")
    for row in data["operators"]:
        parts.append(f"<tr><td>{e(row['name'])}</td><td class='n'>{row['count']}</td>")
        for n in names:
            status = row["status"][n]
            note = row["notes"].get(n, "")
            parts.append(f"<td class='{e(status)}' title='{e(note)}'>{e(status)}</td>")
        parts.append("</tr>")
    parts.append("</table><p class='small'>")
    parts.append(" &middot; ".join(f"<b>{e(k)}</b>: {e(v)}" for k, v in _LEGEND.items()))
    parts.append("</p></body></html>\n")
    return "".join(parts)


def write_report(report: Report, path: str | Path, fmt: str) -> Path:
    """Write ``report`` as ``fmt`` (json, csv, html) to ``path`` atomically."""
    render = {"json": to_json, "csv": to_csv, "html": to_html}[fmt]
    path = Path(path)
    write_text_atomic(path, render(report))
    return path
