#!/usr/bin/env python3
"""Scores dlp-scan --jsonl against labelled corpora: verdict accuracy and missed label types.

Usage: scripts/eval_corpus.py BUILD/agent/dlp-scan FILE.jsonl [...]  (prints mismatches with -v)
"""
import json, subprocess, sys

def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    scan, files = args[0], args[1:]
    total = ok = 0
    confusion = {}
    for path in files:
        items = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        inp = "".join(json.dumps({"id": it["id"], "text": it["text"]}, ensure_ascii=False) + "\n" for it in items)
        out = subprocess.run([scan, "--jsonl"], input=inp.encode(), capture_output=True).stdout.decode()
        got = {}
        for line in out.splitlines():
            r = json.loads(line)
            got[r["id"]] = r
        for it in items:
            r = got.get(it["id"], {})
            action = r.get("action", "error")
            total += 1
            key = (it["expect"], action)
            confusion[key] = confusion.get(key, 0) + 1
            if action == it["expect"]:
                ok += 1
            elif verbose:
                types = sorted({f["type"] for f in r.get("findings", [])})
                want = sorted({l["type"] for l in it.get("labels", [])})
                print(f"{it['id']}: expect {it['expect']} got {action}; found {types} want {want}")
                print("    " + it["text"][:300].replace("\n", "\\n"))
    print(f"{ok}/{total} verdicts match ({100.0 * ok / max(total, 1):.1f}%)")
    for (e, g), n in sorted(confusion.items()):
        print(f"  expect {e:5} got {g:5}: {n}")
    return 0 if ok == total else 1

if __name__ == "__main__":
    sys.exit(main())
