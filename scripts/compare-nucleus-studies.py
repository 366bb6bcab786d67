#!/usr/bin/env python3
# Two leave-one-nucleus-out studies side by side (median |σ_pred/σ − 1| and within 10% per held-out
# nucleus, and pooled), e.g. without and with Coulomb distortion in training (docs/any-target.md):
#   python3 scripts/compare-nucleus-studies.py Models/nucleus-study-no-coulomb Models/nucleus-study
import json, sys

a, b = (json.load(open(f"{folder}/study.json")) for folder in sys.argv[1:3])
rows_b = {r["nucleus"]: r for r in b["nuclei"]}
print(f"| held out (points) | {sys.argv[1]} | {sys.argv[2]} | Bosted–Mamyan |")
print("|---|---|---|---|")
for r in a["nuclei"]:
    s = rows_b.get(r["nucleus"])
    if s is None:
        continue
    print(f"| {r['nucleus']} ({r['points']:,}) | {100 * r['median_abs_rel_dev']:.1f}%, {100 * r['within_10pct']:.1f}% | "
          f"{100 * s['median_abs_rel_dev']:.1f}%, {100 * s['within_10pct']:.1f}% | {100 * r['reference_median_abs_rel_dev']:.1f}% |")
for study, name in ((a, sys.argv[1]), (b, sys.argv[2])):
    p = study["pooled"][0] if isinstance(study["pooled"], list) else study["pooled"]
    print(f"pooled {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(p.items()) if not isinstance(v, (list, dict))))
