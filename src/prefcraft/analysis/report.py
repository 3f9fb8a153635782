"""Self-contained HTML report of a stats document (``prefcraft stats --report out.html``).

One file: inline CSS, plots rendered with matplotlib to PNG and embedded as base64 data URIs, no
scripts, fonts or links to fetch — it opens offline. :func:`render_report` returns the HTML string;
:func:`write_report` writes it atomically. Needs the ``report`` extra (matplotlib), imported lazily.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
import tempfile
from typing import Any

from prefcraft.errors import require

__all__ = ["check_available", "render_report", "write_report"]

_STATUS_COLOUR = {"under": "#d97706", "within": "#15803d", "over": "#b91c1c", "untargeted": "#64748b",
                  "below_minimum": "#b91c1c", "below_recommended": "#d97706", "ok": "#15803d"}
_KIND_COLOUR = {"refusal": "#15803d", "partial_refusal": "#65a30d", "clarification": "#0891b2",
                "compliance": "#b91c1c", "unscorable": "#94a3b8"}
_FIELD_COLOUR = {"prompt": "#2563eb", "chosen": "#15803d", "rejected": "#b91c1c"}


def check_available() -> None:
    """Raise :class:`~prefcraft.errors.MissingExtraError` (with the pip command) without matplotlib."""
    require("matplotlib", extra="report", feature="The HTML report (--report)")


def _plt():
    mpl = require("matplotlib", extra="report", feature="The HTML report (--report)")
    mpl.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
                         "axes.titleweight": "bold", "axes.titlesize": 11,
                         "figure.dpi": 110, "savefig.bbox": "tight"})
    return plt


def _png(fig, plt) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


# -- plots -----------------------------------------------------------------------------------------

def _plot_bands(d: dict[str, Any], plt) -> str:
    cats = [(cid, c) for cid, c in d["categories"].items()]
    fig, ax = plt.subplots(figsize=(8.6, 0.55 * len(cats) + 1.2))
    ys = list(range(len(cats)))[::-1]
    for y, (cid, c) in zip(ys, cats):
        if c["target"]:
            lo, hi = c["target"]
            ax.barh(y, (hi - lo) * 100, left=lo * 100, height=0.8, color="#e2e8f0",
                    edgecolor="#94a3b8", linewidth=0.8, zorder=1)
        ax.barh(y, c["share"] * 100, height=0.42, color=_STATUS_COLOUR[c["status"]], zorder=2)
        ax.text(c["share"] * 100 + 0.6, y, f"{_pct(c['share'])}  ({c['count']})", va="center",
                fontsize=9, zorder=3)
    ax.set_yticks(ys, [f"{cid}\n(of {'seed' if c['share_of'] == 'seed' else 'all'} rows)"
                       for cid, c in cats], fontsize=9)
    top = max([c["share"] for _, c in cats] + [c["target"][1] for _, c in cats if c["target"]] + [0.1])
    ax.set_xlim(0, min(100, top * 100 * 1.25 + 5))
    ax.set_xlabel("share (%)")
    from matplotlib.patches import Patch

    handles = [Patch(facecolor="#e2e8f0", edgecolor="#94a3b8", label="target band")] + [
        Patch(color=_STATUS_COLOUR[s], label=s) for s in ("under", "within", "over")]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8)
    ax.set_title("Category shares against their bands")
    ax.grid(axis="x", color="#f1f5f9", zorder=0)
    return _png(fig, plt)


def _plot_matrix(d: dict[str, Any], plt) -> str:
    import numpy as np

    m = dict(d["matrix"])
    data = np.array(m["counts"], dtype=float)
    if m["columns"] and m["columns"][-1] == "none" and data.size and not data[:, -1].any():
        # every row has a known harm: an empty "none" column is only noise in the picture
        m["columns"], data = m["columns"][:-1], data[:, :-1]
    fig, ax = plt.subplots(figsize=(1.25 * len(m["columns"]) + 2.6, 0.55 * len(m["rows"]) + 1.4))
    im = ax.imshow(data, cmap="Blues", aspect="auto", vmin=0, vmax=max(data.max(), 1))
    ax.set_xticks(range(len(m["columns"])), [c.replace("_", " ") for c in m["columns"]],
                  rotation=25, ha="right")
    ax.set_yticks(range(len(m["rows"])), m["rows"])
    hi = data.max() or 1
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = int(data[i, j])
            ax.text(j, i, str(v) if v else "·", ha="center", va="center", fontsize=9,
                    color="white" if v > 0.55 * hi else ("#94a3b8" if v == 0 else "#0f172a"))
    ax.set_title("Category × harm (pairs)")
    for s in ax.spines.values():
        s.set_visible(False)
    fig.colorbar(im, ax=ax, fraction=0.035, pad=0.02)
    return _png(fig, plt)


def _plot_lengths(d: dict[str, Any], plt) -> str:
    import numpy as np

    fields = list(d["lengths"])
    fig, axes = plt.subplots(1, len(fields), figsize=(10, 2.8), sharey=False)
    for ax, name in zip(np.atleast_1d(axes), fields):
        vals = np.asarray(d["lengths"][name].get("values_words") or [0])
        bins = min(30, max(5, len(set(vals.tolist()))))
        ax.hist(vals, bins=bins, color=_FIELD_COLOUR.get(name, "#475569"), alpha=0.85,
                edgecolor="white")
        med = float(np.median(vals))
        ax.axvline(med, color="#0f172a", linestyle="--", linewidth=1)
        ax.set_title(f"{name} (median {med:.0f} words)")
        ax.set_xlabel("words")
    np.atleast_1d(axes)[0].set_ylabel("pairs")
    fig.tight_layout()
    return _png(fig, plt)


def _plot_quality(d: dict[str, Any], plt) -> str | None:
    ref = d.get("refusal") or {}
    if not ref.get("available"):
        return None
    fig, axes = plt.subplots(1, 3, figsize=(11, 2.9))
    for ax, name in zip(axes[:2], ("chosen", "rejected")):
        kinds = ref[name]["kinds"]
        order = ["refusal", "partial_refusal", "clarification", "compliance", "unscorable"]
        keys = [k for k in order if k in kinds] + [k for k in kinds if k not in order]
        ax.bar(range(len(keys)), [kinds[k] for k in keys],
               color=[_KIND_COLOUR.get(k, "#64748b") for k in keys])
        ax.set_xticks(range(len(keys)), [k.replace("_", " ") for k in keys], rotation=20, ha="right")
        ax.set_title(f"{name}: response kind")
        ax.set_ylabel("pairs")
    ax = axes[2]
    vals = [(n, (ref[n]["overall"] or {}).get("values") or []) for n in ("chosen", "rejected")]
    drawn = False
    for n, v in vals:
        if v:
            ax.hist(v, bins=16, range=(1, 5), alpha=0.7, label=n, color=_FIELD_COLOUR[n],
                    edgecolor="white")
            drawn = True
    ax.set_title("graceful-refusal score (1–5)")
    if drawn:
        ax.legend(frameon=False)
    else:
        ax.text(0.5, 0.5, "no refusals to score", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    return _png(fig, plt)


# -- html ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;
background:#f8fafc;color:#0f172a;line-height:1.45}
main{max-width:1120px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 10px;border-bottom:1px solid #e2e8f0;
padding-bottom:4px}.muted{color:#64748b;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:white;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;min-width:150px}
.card .v{font-size:20px;font-weight:600}.card .k{font-size:12px;color:#64748b}
table{border-collapse:collapse;background:white;font-size:13px;margin:6px 0 10px;min-width:60%}
table.wide{width:100%}
th,td{border:1px solid #e2e8f0;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:white;font-size:12px}
img{max-width:100%;background:white;border:1px solid #e2e8f0;border-radius:6px;padding:6px}
ul.prompts{margin:0;padding-left:18px}ul.prompts li{margin:2px 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
"""


def _badge(status: str) -> str:
    return (f'<span class="badge" style="background:{_STATUS_COLOUR.get(status, "#64748b")}">'
            f'{_e(status)}</span>')


def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset(),
           wide: bool = False) -> str:
    h = "".join(f"<th>{_e(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)
    ) + "</tr>" for r in rows)
    cls = ' class="wide"' if wide else ""
    return f"<table{cls}><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def render_report(d: dict[str, Any], *, title: str = "prefcraft dataset report",
                  taxonomy: Any = None) -> str:
    """The full HTML document for a :func:`prefcraft.analysis.stats.dataset_stats` result."""
    plt = _plt()
    size = d["size"]
    parts: list[str] = [f"<h1>{_e(title)}</h1>",
                        f'<div class="muted">taxonomy {_e(d.get("taxonomy", {}).get("name", ""))} · '
                        f'generated {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC</div>']
    cards = [
        ("pairs", f"{d['rows']:,}"),
        (f"size ({size['use_case']})", _badge(size["status"])),
        ("recommended", f"{size['recommended'][0]}–{size['recommended'][1]}"),
        ("edge-case share", _pct(d["edge_case_share"])),
        ("uncategorised", f"{d['uncategorised']['count']:,}"),
        ("unknown categories", f"{d['unknown_categories']['count']:,}"),
        ("gaps", f"{len(d['gaps'])}"),
    ]
    parts.append('<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{v}</div><div class="k">{_e(k)}</div></div>'
        for k, v in cards) + "</div>")

    parts.append("<h2>Categories against their bands</h2>")
    parts.append('<p class="muted">Seed categories are shares of the rows in the five seed '
                 'categories; benign is a share of all rows. Bands are inclusive.</p>')
    parts.append(_plot_bands(d, plt))
    rows = [[_e(cid), f"{c['count']:,}", _pct(c["share"]),
             f"{100 * c['target'][0]:g}–{100 * c['target'][1]:g}%" if c["target"] else "—",
             _badge(c["status"])] for cid, c in d["categories"].items()]
    parts.append(_table(["category", "pairs", "share", "band", "status"], rows, {1, 2}))
    unk = d["unknown_categories"]
    if unk["count"]:
        parts.append(f"<p><b>Unknown category values</b> ({unk['count']} rows): " + ", ".join(
            f"<code>{_e(k)}</code> × {v}" for k, v in unk["values"].items()) +
            " — add them as aliases in your taxonomy file or fix the data.</p>")

    parts.append("<h2>Category × harm</h2>")
    parts.append(_plot_matrix(d, plt))
    h = d["harms"]
    hrows = [[_e(k), f"{v['count']:,}", _pct(v["share"]),
              f"{100 * v['target'][0]:g}–{100 * v['target'][1]:g}%" if v["target"] else "—",
              _badge(v["status"])] for k, v in h["harms"].items()]
    parts.append(f'<p class="muted">Harm shares are of the {h["labelled"]} rows with a known harm '
                 f'({h["missing"]} rows have none).</p>')
    parts.append(_table(["harm", "pairs", "share", "band", "status"], hrows, {1, 2}))

    parts.append("<h2>Subcategories</h2>")
    srows = []
    for cid, s in d["subcategories"].items():
        for sid, v in s["subcategories"].items():
            srows.append([_e(cid), _e(sid), f"{v['count']:,}", _pct(v["share"])])
        for raw, n in s["unknown"].items():
            srows.append([_e(cid), f"<i>{_e(raw)}</i> (unknown)", f"{n:,}", ""])
    parts.append(_table(["category", "subcategory", "pairs", "share of category"], srows, {2, 3}))

    parts.append("<h2>Lengths</h2>")
    parts.append(_plot_lengths(d, plt))
    lrows = [[_e(k), *(f"{v['words'][q]:,.0f}" for q in ("min", "median", "mean", "p95", "max")),
              f"{v['chars']['median']:,.0f}"] for k, v in d["lengths"].items()]
    parts.append(_table(["field", "min", "median", "mean", "p95", "max", "median chars"], lrows,
                        {1, 2, 3, 4, 5, 6}))

    parts.append("<h2>Quality</h2>")
    ref = d.get("refusal") or {}
    if ref.get("available"):
        q = _plot_quality(d, plt)
        if q:
            parts.append(q)
        qrows = []
        for name in ("chosen", "rejected"):
            r = ref[name]
            qrows.append([name, ", ".join(f"{_e(k)} {v}" for k, v in r["kinds"].items()),
                          f"{r['overall']['mean']:.2f}" if r["overall"] else "—",
                          ", ".join(f"{_e(k)} {v:.1f}" for k, v in r["criteria_mean"].items()) or "—",
                          ", ".join(f"{_e(k)} {v}" for k, v in r["anti_patterns"].items()) or "—"])
        parts.append(_table(["response", "kinds", "mean score", "criteria (mean 1–5)",
                             "anti-patterns"], qrows, {2}))
        p = ref["pairs"]
        parts.append(f"<p>Chosen declines (or asks) and rejected complies in "
                     f"<b>{p['chosen_declines_rejected_complies']}</b> of {p['non_benign']} "
                     f"non-benign pairs; benign pairs whose chosen does not comply: "
                     f"<b>{p['benign_chosen_not_compliant']}</b>.</p>")
    else:
        parts.append(f'<p class="muted">Refusal quality not available: {_e(ref.get("reason", ""))}</p>')
    dv = d["diversity"]
    drows = [["unique prompts", f"{dv['unique_prompts']:,} / {dv['prompts']:,}"],
             ["distinct-1 / -2 / -3", f"{dv['distinct_1']:.3f} / {dv['distinct_2']:.3f} / "
                                      f"{dv['distinct_3']:.3f}"]]
    if dv.get("embedding_spread"):
        drows.append(["embedding spread (mean cosine distance to centroid)",
                      f"{dv['embedding_spread']['mean_distance_to_centroid']:.3f}"])
    for o in dv.get("top_openings", []):
        drows.append([f"repeated opening “{_e(o['opening'])}…”", f"{o['count']}"])
    parts.append("<h3>Prompt diversity</h3>" + _table(["metric", "value"], drows, {1}))

    parts.append("<h2>Gaps and prompts to add</h2>")
    plan = (d.get("gap_summary") or {}).get("plan")
    if size["needed_for_recommended"]:
        parts.append(f"<p>Size: add <b>{size['needed_for_recommended']}</b> pairs to reach the "
                     f"recommended {size['recommended'][0]} for <i>{_e(size['use_case'])}</i>"
                     + (f" ({size['needed_for_minimum']} to reach the minimum)"
                        if size["needed_for_minimum"] else "") + ".</p>")
    if plan and plan["total_to_add"]:
        adds = ", ".join(f"{_e(k)} +{v}" for k, v in plan["per_category"].items() if v)
        parts.append(f"<p>Joint plan: add <b>{plan['total_to_add']}</b> pairs ({adds}) "
                     f"for {plan['final_rows']} pairs with every band and the recommended size met."
                     "</p>")
    elif plan:
        parts.append("<p>Every category band and the recommended size already hold.</p>")
    if d["gaps"]:
        grows = []
        for g in d["gaps"]:
            where = _e(g["category"]) + (f" / {_e(g['subcategory'])}" if g["subcategory"] else "") \
                + (f" × {_e(g['harm'])}" if g["harm"] else "")
            prompts = "<ul class='prompts'>" + "".join(
                f"<li>{_e(p)}</li>" for p in g["suggested_prompts"]) + "</ul>"
            grows.append([_e(g["kind"]), where, str(g["needed"]), _e(g["reason"]), prompts])
        parts.append(_table(["kind", "where", "needed", "why", "prompts to add"], grows, {2},
                            wide=True))
    else:
        parts.append("<p>No gaps: every band and cell is met.</p>")
    sugg = d.get("suggested_categories")
    if sugg:
        parts.append("<h2>Suggested categories for uncategorised rows</h2>")
        parts.append('<p class="muted">Suggestions only — nothing was written to the data.</p>')
        parts.append(_table(["row", "prompt", "suggested category", "confidence"],
                            [[str(s["row"]), _e(s.get("prompt", "")), _e(s["category"]),
                              f"{s['confidence']:.2f}"] for s in sugg], {0, 3}, wide=True))
    body = "\n".join(parts)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f"<body><main>\n{body}\n</main></body></html>\n")


def write_report(d: dict[str, Any], path: str, *, title: str = "prefcraft dataset report",
                 taxonomy: Any = None) -> str:
    """Render and write atomically; returns the path."""
    text = render_report(d, title=title, taxonomy=taxonomy)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
