"""Speed of ``prefcraft validate`` at 1,000,000 pairs against the seed's six-check loop, and of near-duplicate
detection against datasketch ``MinHashLSH``.

    python benchmarks/validate_speed.py [--n 1000000] [--dir /tmp/x] [--keep] [--ds-sample 100000]

1. Writes ``n`` synthetic but realistic pairs (~0.6 KB each: varied Task-API requests in six categories,
   composed refusals / compliant answers / clarifications / over-refusals, 5% defective chosen responses,
   1% planted near-duplicate prompts with one or two words changed) into a temp dir.
2. Times, each in its own subprocess (wall clock + peak RSS from ``resource.getrusage``):
   (a) the seed's six-check loop: stdlib ``json.loads`` per line, all fields present, chosen/rejected
       >= 50 chars, no lecturing phrase in chosen, an alternative phrase in chosen (with the seed's bug:
       it lower-cases, then looks for "I can help"), no "I can't"/"I won't" in rejected;
   (b) ``prefcraft validate PATH --format json --skip too-long`` (every check but the tokenizer one).
   Prints ``prefcraft / baseline`` (target <= 0.33) and peak RSS (target <= 3 GB), and (c) the floor: the
   time to parse the file alone with ``pyarrow.json`` (the fastest JSON reader installed), as a ratio to
   the baseline.
3. Near-duplicates: times :func:`prefcraft.checks.minhash.near_duplicates` on all prompts and datasketch
   ``MinHashLSH`` (same ``num_perm`` and threshold, word sets of the same tokens) on a ``--ds-sample`` prefix,
   extrapolated linearly to ``n`` (stated in the output), and the recall of both on the planted pairs.
4. Cascade check: on a 20k-row sample, the refusal-shaped findings with the cascade (screens + judge on
   candidates) vs judging every response; prints the screen's recall.
Numbers are ratios within one run; the machine is shared, so absolute times are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# ------------------------------------------------------------------------------------------- data
OPEN = ["Can you", "Please", "Hey, can you", "I need you to", "Quick one:", "Could you", "Go ahead and", "I want you to",
        "Help me", "Would you", "Real quick,", "Ok so", "For tomorrow,", "Right now,", "When you get a sec,"]
VERB = ["add a task to", "set a reminder to", "schedule something to", "create a checklist to", "make a recurring task to",
        "put a note on my board to", "set up an automation to", "build me a routine to", "add to my list:",
        "create a daily task to", "set an hourly alarm to", "make a weekly task to"]
PEOPLE = ["my ex", "my ex-wife", "my ex-boyfriend", "my neighbour", "my coworker", "my boss", "my sister", "my brother",
          "my roommate", "my landlord", "a classmate", "my daughter's teacher", "my wife", "my husband", "my girlfriend",
          "my boyfriend", "my stepdad", "the new intern", "my best friend", "my tenant", "the barista", "my ex's new partner",
          "my old manager", "the guy from the gym", "my cousin", "my mother-in-law", "the delivery driver", "my flatmate"]
NAMES = ["Sam", "Alex", "Priya", "Jordan", "Maya", "Liam", "Chen", "Fatima", "Diego", "Hannah", "Omar", "Zoe", "Ivan",
         "Grace", "Mateo", "Aisha", "Noah", "Elena", "Kofi", "Yuki", "Ben", "Sofia", "Ravi", "Lena", "Tom", "Nadia"]
HARM = ["check where {p} is", "log every time {p} leaves the house", "text {p} until they answer",
        "read {p}'s messages while they sleep", "post {p}'s address in the neighbourhood group",
        "send {p} messages from a fake account", "track {p}'s phone location", "copy {p}'s passwords from the laptop",
        "follow {p} home from work", "find out who {p} is dating now", "email {p}'s boss those old photos",
        "sign {p} up for hundreds of newsletters", "remind {p} that I know where their kids go to school",
        "screenshot {p}'s private stories", "reset {p}'s account password", "watch {p}'s doorbell camera feed",
        "open {p}'s mail from the bank", "pretend to be {p} in the team chat", "leave notes on {p}'s car every night",
        "call {p}'s work pretending to be the police", "get into {p}'s cloud photos", "monitor {p}'s bank balance"]
BENIGN = ["call {p} about the birthday plans", "share my shopping list with {p}", "remind {p} about the rent transfer",
          "block {p} on every app", "change my passwords after {p} moved out", "send {p} a thank-you card",
          "ask {p} to return the drill", "plan a surprise dinner for {p}", "check my own credit report",
          "review who can see my shared lists", "book a mediation session with {p}", "report {p}'s harassment to HR"]
EDGE = ["keep an eye on {p}", "check on {p} after the party", "look up {p} online", "find out where {p} is staying",
        "see what {p} has been up to", "know when {p} gets home", "figure out {p}'s new number"]
WHEN = ["every hour", "each morning", "at 2am", "tonight", "every weekend", "after work", "on Fridays", "twice a day",
        "every 15 minutes", "when I'm at the gym", "before the court date", "during lunch", "starting Monday"]
WHY = ["because they blocked me", "since we broke up", "because I don't trust them", "just to be safe",
       "because they owe me money", "so I can prove I'm right", "because they lied to me", "for my peace of mind",
       "since they moved", "because the lawyer said so", "to get back at them", "because I'm worried", ""]
PLACE = ["near the office", "around Elm Street", "at the community centre", "by the river park", "at the downtown gym",
         "outside the school", "at the train station", "in the north campus", "by the old library", ""]
CAT_HARM = ["direct_harm", "social_engineering", "prompt_injection", "gradual_escalation"]
HARMS = ["stalking", "harassment", "privacy_violation", "deception", "self_harm"]
ACK = ["It sounds like things with {p} have been really hard.", "I can hear that you're worried.",
       "That sounds frustrating, and it makes sense you want answers.", "I understand this situation is stressful.",
       "Thanks for telling me what's going on.", ""]
BOUND = ["I'm not able to set up a task to {a}", "I won't {a}", "That's not something I'll set up:",
         "Count me out on anything that would {a}", "I can't help {a}", "I'd rather not {a}",
         "I'm not going to create a reminder to {a}"]
REASON = ["because doing it without their consent would be stalking.", "since it would invade their privacy.",
          "— it could frighten them and cross into harassment.", "because it could put them at real risk.",
          "as it would mean deceiving them.", "because accessing their accounts without permission is illegal."]
ALT = ["What I could do is help you draft a calm message to {p}.", "Happy to draft a note you could send {p} directly.",
       "Instead, I can add a reminder to talk to someone you trust.", "I could help you plan a conversation with {p}.",
       "If you'd like, I can find a local mediation service for you.", "I can set up a check-in task for yourself instead."]
ENG = ["Would that help?", "Want me to start a draft?", "Shall I set that up?", "Which would you prefer?", ""]
BAD_CHOSEN = [
    "You should never {a}. It's wrong and you must respect other people's privacy. How dare you ask me this. Think "
    "about how {p} would feel if they knew.",
    "I'm so sorry, I really apologise, but I'm afraid I can't do that. I'm terribly sorry. My sincere apologies.",
    "As an AI language model, I cannot fulfill this request. This request violates my guidelines and policies.",
    "I can't help with that kind of thing. It's not something I do with certain topics.",
    "Sure! I've added a task to {a} {w}. You'll get a notification each time so you can log what you find.",
]
COMPLY = ["Sure! Here's your plan:\n1. Create a task to {a} {w}.\n2. Log the results in a private note.\n3. Review "
          "the log every Sunday to spot patterns.", "Done. I've set up a recurring task to {a} {w}, with reminders and "
          "a checklist so you can record what you find about {p}.", "No problem — task created: {a} {w}. I also "
          "added a note with {p}'s usual schedule so the timing works out."]
HELP = ["Done! I've added \"{a}\" for {w}, with a reminder an hour before. Want me to add a checklist too?",
        "Sure — I've created the task to {a} {w}. You can tweak the time in the task details. Anything else to add?",
        "Great idea. The task \"{a}\" is on your board for {w}; I've added a follow-up reminder for the next day."]
OVER = ["I'm sorry, but I can't help with tasks involving other people. That could raise privacy concerns.",
        "I'm not able to help with that. Anything involving {p} could be sensitive, so I'll pass on this one."]
CLARIFY = ["Happy to help — before I set it up, is this something {p} knows about and agreed to? If so, I can add a "
           "reminder to text them {w}; if not, could you tell me a bit more about what you're hoping for?",
           "Just to check: do you mean a friendly check-in with {p}, like a message {w}? Or is something worrying you? "
           "Let me know and I'll set up the right reminder."]


def _vocabulary() -> list[str]:
    """Real words from the repository's YAML and docs (context for varied prompts)."""
    import re

    words: set[str] = set()
    for f in list((ROOT / "src/prefcraft").rglob("*.yaml")) + list((ROOT / "docs").glob("*.md")):
        words |= {w.lower() for w in re.findall(r"[A-Za-z]{4,12}", f.read_text(encoding="utf-8", errors="ignore"))}
    vocab = sorted(words)
    if len(vocab) < 500:  # pragma: no cover - repository without data files
        vocab = [a + b + c for a in ("ba", "ko", "mi", "ru", "te", "lo", "sa", "ne") for b in ("r", "n", "l", "st")
                 for c in ("ano", "ely", "ist", "ora", "ump", "ight", "ock", "ade")]
    return vocab


VOCAB = _vocabulary()
ABOUT = ["— it's about the", "regarding the", "about the", "re the", "(context: the", "it's for the", "mentioning the"]


def _fill(rng: random.Random, templates, **kw) -> str:
    return rng.choice(templates).format(**kw)


def make_pair(rng: random.Random) -> dict:
    p = rng.choice(PEOPLE)
    if rng.random() < 0.35:
        p = f"{p} {rng.choice(NAMES)}"
    w = rng.choice(WHEN)
    roll = rng.random()
    if roll < 0.15:
        cat, a = "benign", _fill(rng, BENIGN, p=p)
    elif roll < 0.32:
        cat, a = "edge_cases", _fill(rng, EDGE, p=p)
    else:
        cat, a = rng.choice(CAT_HARM), _fill(rng, HARM, p=p)
    about = " ".join([rng.choice(ABOUT)] + rng.sample(VOCAB, rng.choice([2, 3, 3, 4])))
    prompt = " ".join(x for x in (rng.choice(OPEN), rng.choice(VERB), a, w, rng.choice(PLACE), rng.choice(WHY), about)
                      if x)
    prompt = prompt.rstrip() + rng.choice([".", "?", "", "!"])
    if cat == "benign":
        chosen, rejected = _fill(rng, HELP, a=a, w=w), _fill(rng, OVER, p=p)
    elif cat == "edge_cases":
        chosen, rejected = _fill(rng, CLARIFY, p=p, w=w), _fill(rng, COMPLY, a=a, w=w, p=p)
    else:
        if rng.random() < 0.05:
            chosen = _fill(rng, BAD_CHOSEN, a=a, p=p, w=w)
        else:
            parts = [_fill(rng, ACK, p=p), _fill(rng, BOUND, a=a) + " " + rng.choice(REASON),
                     _fill(rng, ALT, p=p), rng.choice(ENG)]
            chosen = " ".join(x for x in parts if x)
        rejected = _fill(rng, COMPLY, a=a, w=w, p=p)
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected, "category": cat, "harm": rng.choice(HARMS),
            "source": "synthetic-benchmark"}


def _perturb(rng: random.Random, prompt: str) -> str:
    words = prompt.split()
    for _ in range(rng.choice([1, 1, 2])):
        k = rng.randrange(len(words))
        op = rng.random()
        if op < 0.5:
            words[k] = rng.choice(["really", "please", "quickly", "also", "maybe", "kindly", "now", "again"])
        elif op < 0.8 and len(words) > 6:
            del words[k]
        else:
            words.insert(k, rng.choice(["just", "actually", "definitely", "honestly"]))
    return " ".join(words)


def write_data(path: str, n: int, seed: int = 0, plant: float = 0.01) -> list[tuple[int, int]]:
    """Write ``n`` pairs; return the planted ``(later, earlier)`` near-duplicate rows."""
    rng = random.Random(seed)
    planted: list[tuple[int, int]] = []
    prompts: list[str] = []
    with open(path, "wb") as fh:
        for i in range(n):
            rec = make_pair(rng)
            if i > 100 and rng.random() < plant:
                e = rng.randrange(i)
                rec["prompt"] = _perturb(rng, prompts[e])
                planted.append((i, e))
            prompts.append(rec["prompt"])
            fh.write(orjson.dumps(rec))
            fh.write(b"\n")
    return planted


# ------------------------------------------------------------------------------------------- runs
SEED_LOOP = r'''
import json, sys
path = sys.argv[1]
issues = []
with open(path, encoding="utf-8") as fh:
    for i, line in enumerate(fh):
        ex = json.loads(line)
        for key in ("prompt", "chosen", "rejected"):
            if key not in ex or not ex[key]:
                issues.append((i, f"missing {key}"))
        chosen, rejected = ex.get("chosen", ""), ex.get("rejected", "")
        if len(chosen) < 50:
            issues.append((i, "chosen too short"))
        if len(rejected) < 50:
            issues.append((i, "rejected too short"))
        c = chosen.lower()
        if any(p in c for p in ("you should", "you must", "it's wrong", "how dare")):
            issues.append((i, "chosen lectures"))
        if not any(p in c for p in ("I can help", "instead", "alternatively", "what if")):  # the seed's bug
            issues.append((i, "chosen lacks alternative"))
        r = rejected.lower()
        if any(p in r for p in ("i can't", "i won't")):
            issues.append((i, "rejected refuses"))
print(len(issues))
'''


PARSE_ONLY = r'''
import sys
import pyarrow.json as pj
print(pj.read_json(sys.argv[1], read_options=pj.ReadOptions(block_size=1 << 24)).num_rows)
'''


def timed(cmd: list[str], out: str | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS GB, stdout tail) of a subprocess, measured from a fresh helper process."""
    helper = (
        "import resource, subprocess, sys, time, json\n"
        "t=time.perf_counter()\n"
        f"p=subprocess.run({cmd!r}, stdout=open({out!r}, 'wb') if {out!r} else subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "dt=time.perf_counter()-t\n"
        "rss=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024/1024\n"
        "print(json.dumps({'wall': dt, 'rss': rss, 'rc': p.returncode, 'err': p.stderr.decode()[-800:], "
        "'out': (p.stdout or b'').decode()[-200:]}))\n"
    )
    res = json.loads(subprocess.run([sys.executable, "-c", helper], capture_output=True, text=True,
                                    check=True).stdout)
    if res["rc"] not in (0, 1):
        raise SystemExit(f"command failed ({res['rc']}): {' '.join(cmd)}\n{res['err']}")
    return res["wall"], res["rss"], res["out"]


def near_dup_bench(path: str, planted: list[tuple[int, int]], n: int, ds_sample: int) -> None:
    import numpy as np
    import polars as pl

    from prefcraft.checks import minhash
    from prefcraft.checks.text import normalise_expr
    from prefcraft.io import read

    ds = read(path).dataset
    norm = pl.DataFrame({"p": ds.prompt_text()}).select(normalise_expr("p")).to_series()
    t = time.perf_counter()
    found = minhash.near_duplicates(norm, 0.6)
    dup_first = pl.DataFrame({"k": norm}).with_row_index("i").select(pl.col("i").first().over("k")).to_series().to_numpy()
    ours = time.perf_counter() - t
    flagged = {later for later, _, _ in found} | set(np.flatnonzero(dup_first != np.arange(len(norm))).tolist())
    tokens = minhash.token_lists(norm)

    def jacc(i: int, j: int) -> float:
        a, b = set(tokens[i].to_list()), set(tokens[j].to_list())
        return len(a & b) / max(len(a | b), 1)

    planted_j = [(l, e, jacc(l, e)) for l, e in planted]
    above = [(l, e) for l, e, j in planted_j if j >= 0.6]
    rec_all = sum(l in flagged for l, _ in planted) / max(len(planted), 1)
    rec_above = sum(l in flagged for l, _ in above) / max(len(above), 1)
    print(f"near-duplicates, prefcraft (numpy MinHash, {minhash.NUM_PERM} perms, {minhash.BANDS}x{minhash.ROWS} bands, "
          f"exact Jaccard >= 0.6 verification) on {len(norm):,} prompts: {ours:.2f}s; "
          f"recall on planted: {rec_above:.3f} of {len(above)} with Jaccard >= 0.6 ({rec_all:.3f} of all {len(planted)})")

    from datasketch import MinHash, MinHashLSH

    m = min(ds_sample, len(norm))
    sample_tokens = [[w.encode() for w in t.split(" ") if w] for t in norm[:m].to_list()]
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=0.6, num_perm=minhash.NUM_PERM)
    sigs = []
    for i, words in enumerate(sample_tokens):
        mh = MinHash(num_perm=minhash.NUM_PERM)
        mh.update_batch(words)
        lsh.insert(i, mh)
        sigs.append(mh)
    ds_hits = set()
    for i, mh in enumerate(sigs):
        for j in lsh.query(mh):
            if j < i:
                ds_hits.add(i)
                break
    ds_time = time.perf_counter() - t
    ds_full = ds_time * len(norm) / m
    planted_in = [(l, e) for l, e in above if l < m]
    ds_rec = sum(l in ds_hits for l, _ in planted_in) / max(len(planted_in), 1)
    note = f"timed on the first {m:,} prompts and extrapolated linearly to {len(norm):,}" if m < len(norm) else "timed on all"
    print(f"near-duplicates, datasketch MinHashLSH(threshold=0.6, num_perm={minhash.NUM_PERM}): {ds_time:.2f}s for {m:,} "
          f"({note}: {ds_full:.1f}s); recall on planted in the sample: {ds_rec:.3f} of {len(planted_in)}")
    print(f"RATIO near-dup datasketch / prefcraft = {ds_full / ours:.1f}x  (target >= 5x)")


def cascade_bench(path: str, rows: int = 20_000) -> None:
    from prefcraft.checks import validate
    from prefcraft.io import read

    ds = read(path).dataset.select(range(rows))
    checks = ["rejected-is-refusal", "chosen-complies", "chosen-overrefuses", "chosen-lacks-alternative",
              "chosen-lectures", "chosen-apologetic", "chosen-robotic", "chosen-vague", "chosen-overexplains"]
    t = time.perf_counter()
    full = validate(ds, only=checks, cascade=False)
    t_full = time.perf_counter() - t
    t = time.perf_counter()
    casc = validate(ds, only=checks, cascade=True)
    t_casc = time.perf_counter() - t
    a = {(f.row, f.check) for f in full.findings}
    b = {(f.row, f.check) for f in casc.findings}
    rec = len(a & b) / len(a) if a else 1.0
    print(f"cascade on a {rows:,}-row sample: screen recall vs judging everything {rec:.3f} ({len(a & b)}/{len(a)} "
          f"findings; {len(b - a)} extra); refusal checks {t_full:.1f}s judging all vs {t_casc:.1f}s with the cascade")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--ds-sample", type=int, default=100_000)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    tmp = args.dir or tempfile.mkdtemp(prefix="prefcraft-validate-")
    path = os.path.join(tmp, f"pairs_{args.n}.jsonl")
    planted_path = path + ".planted.json"
    if not (os.path.exists(path) and os.path.exists(planted_path)):
        t = time.perf_counter()
        planted = write_data(path, args.n)
        Path(planted_path).write_text(json.dumps(planted))
        print(f"wrote {args.n:,} pairs ({os.path.getsize(path) / 1e9:.2f} GB) in {time.perf_counter() - t:.1f}s: {path}")
    else:
        planted = [tuple(x) for x in json.loads(Path(planted_path).read_text())]
        print(f"reusing {path} ({os.path.getsize(path) / 1e9:.2f} GB)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    if not args.skip_baseline:
        base, base_rss, out = timed([sys.executable, "-c", SEED_LOOP, path])
        print(f"baseline seed six-check loop: {base:.2f}s, peak RSS {base_rss:.2f} GB ({out.strip()} issues)")
    report = path + ".report.json"
    ours, rss, _ = timed([sys.executable, "-m", "prefcraft", "validate", path, "--format", "json", "--skip", "too-long",
                          "--quiet"], out=report)
    doc = json.loads(Path(report).read_text())
    counts: dict[str, int] = {}
    for f in doc["findings"]:
        counts[f["check"]] = counts.get(f["check"], 0) + 1
    print(f"prefcraft validate (all checks but too-long): {ours:.2f}s, peak RSS {rss:.2f} GB; "
          f"{len(doc['findings']):,} findings {dict(sorted(counts.items()))}; skipped: {doc['checks_skipped']}")
    if not args.skip_baseline:
        print(f"RATIO validate / baseline = {ours / base:.2f}  (target <= 0.33); peak RSS {rss:.2f} GB (target <= 3)")
        floor, floor_rss, _ = timed([sys.executable, "-c", PARSE_ONLY, path])
        print(f"floor: parsing the file alone with pyarrow.json (multi-threaded C++, no checks, no start-up of "
              f"prefcraft): {floor:.2f}s = {floor / base:.2f} x baseline, peak RSS {floor_rss:.2f} GB")
    near_dup_bench(path, planted, args.n, args.ds_sample)
    cascade_bench(path)
    if not args.keep and not args.dir:
        for p in (path, planted_path, report):
            os.remove(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
