#!/usr/bin/env python3
"""facts-merge.py DIR LABEL...: the rows of DIR/LABEL/facts.json side by
side, one column per target, as a markdown table on stdout."""
import json
import sys


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def main():
    out, labels = sys.argv[1], sys.argv[2:]
    runs = []
    for label in labels:
        with open(f"{out}/{label}/facts.json") as f:
            runs.append(json.loads(f.readline()))
    claims = []
    for run in runs:
        for row in run["rows"]:
            if (row["claim"], row["text"]) not in claims:
                claims.append((row["claim"], row["text"]))
    print("# kallocbench facts side by side\n")
    print("| # | claim | " + " | ".join(
        f"{label} ({run['release']}, {run['machine']})"
        for label, run in zip(labels, runs)) + " |")
    print("|---|---|" + "---|" * len(runs))
    for claim, text in claims:
        cells = []
        for run in runs:
            row = next((r for r in run["rows"] if r["claim"] == claim), None)
            if row is None:
                cells.append("(no such row)")
            else:
                cells.append(f"**{row['verdict']}**: {row['value']}"
                             f" ({row['why']})")
        print(f"| {claim} | {cell(text)} | " +
              " | ".join(cell(c) for c in cells) + " |")
    print("\nHow each claim was measured:\n")
    for claim, text in claims:
        row = next(r for run in runs for r in run["rows"]
                   if r["claim"] == claim)
        print(f"- {claim}: {row['how']}")


if __name__ == "__main__":
    main()
