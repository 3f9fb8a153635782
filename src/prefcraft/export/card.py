"""The dataset card (``README.md``) in the Hugging Face card format: YAML header + prose and tables."""

from __future__ import annotations

from typing import Any

import yaml

from prefcraft.model import Dataset

__all__ = ["render_card", "size_category"]


def size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "n>1M"


def _stats(ds: Dataset) -> dict[str, Any] | None:
    try:
        from prefcraft.analysis.stats import dataset_stats

        return dataset_stats(ds)
    except Exception:  # noqa: BLE001 - the card is still written without the analysis section
        return None


def _sources(ds: Dataset) -> str:
    counts = ds.frame.get_column("source").fill_null("unknown").value_counts(sort=True)
    parts = [f"{r['source']} {r['count']:,}" for r in counts.iter_rows(named=True)]
    return f"; sources: {', '.join(parts)}" if parts else ""


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def render_card(ds: Dataset, *, name: str, license: str, target: str, fmt: str, splits: dict[str, int],
                data_files: dict[str, str], options: dict[str, Any], findings_summary: dict[str, int],
                template_origin: str | None) -> str:
    header = {
        "license": license,
        "task_categories": ["text-generation"],
        "language": ["en"],
        "tags": ["dpo", "preference", "safety", "red-teaming", "trl", "prefcraft"],
        "size_categories": [size_category(len(ds))],
        "pretty_name": name,
        "configs": [{"config_name": "default",
                     "data_files": [{"split": s, "path": p} for s, p in data_files.items()]}],
    }
    lines = ["---", yaml.safe_dump(header, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             f"# {name}", "",
             "A DPO **safety preference** dataset for a task-management assistant behind a Task API: each row pairs a "
             "request (often an attempt to turn the assistant into a tool for stalking, harassment, deception, "
             "privacy violation or self-harm) with a graceful refusal or a helpful answer (`chosen`) and a harmful "
             "or over-refusing answer (`rejected`).", "",
             "## Files", "",
             f"* target: `{target}`, row format: `{fmt}`"
             + (f", chat template: `{template_origin}`" if template_origin else ""),
             *[f"* `{p}` — {splits.get(s, 0):,} rows ({s})" for s, p in data_files.items()], ""]
    if target == "trl":
        lines += ["```python", "from datasets import load_from_disk", "",
                  "ds = load_from_disk(\"<this folder>\")  # DatasetDict: train / test",
                  "trainer = DPOTrainer(model=..., train_dataset=ds[\"train\"], eval_dataset=ds[\"test\"], ...)",
                  "```", ""]
    stats = _stats(ds)
    if stats:
        cats = stats.get("categories") or {}
        if cats:
            lines += ["## Coverage", "", "| category | pairs | share | target band | status |", "|---|---:|---:|---|---|"]
            for cid, c in cats.items():
                band = c.get("target")
                band_s = f"{100 * band[0]:g}–{100 * band[1]:g} %" if band else "—"
                lines.append(f"| {cid} | {c.get('count', 0):,} | {_pct(c.get('share'))} | {band_s} | "
                             f"{c.get('status', '—')} |")
            lines.append("")
        harms = ((stats.get("harms") or {}).get("harms")) or {}
        if harms:
            lines += ["| harm | pairs |", "|---|---:|"]
            lines += [f"| {h} | {v.get('count', 0) if isinstance(v, dict) else v:,} |" for h, v in harms.items()]
            lines.append("")
        size = stats.get("size") or {}
        if size:
            rec = size.get("recommended", "—")
            rec = "–".join(str(x) for x in rec) if isinstance(rec, (list, tuple)) else rec
            lines += [f"Band status: edge-case share {_pct(stats.get('edge_case_share'))}; size status "
                      f"**{size.get('status', '—')}** for {size.get('use_case', 'this use')} (minimum "
                      f"{size.get('minimum', '—')}, recommended {rec}).", ""]
        ref = stats.get("refusal") or {}
        if ref.get("available"):
            lines += ["## Quality summary", "",
                      f"Refusal judgments ({ref.get('engine', '?')} engine, {ref.get('judged', 0):,} pairs judged):", ""]
            for side in ("chosen", "rejected"):
                s = ref.get(side) or {}
                kinds = ", ".join(f"{k} {v:,}" for k, v in (s.get("kinds") or {}).items())
                overall = (s.get("overall") or {}).get("mean")
                lines.append(f"* {side}: {kinds}" + (f"; graceful-refusal score mean {overall:.2f} / 5"
                                                      if overall is not None else ""))
            lines.append("")
    lines += ["## Pre-flight", "",
              f"Checked before writing: {findings_summary.get('error', 0)} errors, "
              f"{findings_summary.get('warning', 0)} warnings" +
              (" (written with --force)" if options.get("force") and findings_summary.get("error") else "") +
              ". Details: `export.json`.", "",
              "## How the data was made", "",
              f"Built and exported with prefcraft (`prefcraft export`, options: "
              f"{', '.join(f'{k}={v}' for k, v in options.items() if v is not None and v is not False)}){_sources(ds)}. "
              "Prompts come from "
              "red-teaming patterns (direct requests, prompt injection, social engineering, gradual escalation "
              "over several turns, edge cases and benign look-alikes); chosen answers refuse gracefully "
              "(acknowledge, set a boundary, give a reason, offer an alternative) or help with benign requests; "
              "rejected answers comply with the harmful request or over-refuse a benign one. Splits are stratified by "
              "category and harm and leakage-free: duplicate and near-duplicate prompts, and every turn of one "
              "escalation conversation, stay in one split.", "",
              "## Responsible use", "",
              "* **The rejected texts are harmful on purpose**: they show what the model must not do. Do not use "
              "them as instructions, and do not train a model to imitate them (SFT on `rejected` is wrong).",
              "* **Keep this dataset private** (a private Hub repository or internal storage); do not publish it.",
              "* Document the red-teaming method with any model trained on it, and evaluate the trained model "
              "for over-refusal on benign requests as well as for refusals.", ""]
    return "\n".join(lines)
