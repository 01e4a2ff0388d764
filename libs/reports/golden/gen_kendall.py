"""Golden values for kendallTauB (libs/reports/src/cross-task/kendall.ts) from an independent
implementation: scipy.stats.kendalltau (variant 'b', scipy's default), run offline with the project
venv:  .venv/bin/python libs/reports/golden/gen_kendall.py  -> libs/reports/golden/kendall.json
Cases: short and longer score vectors, with ties in one, both or neither ranking, negative and
positive agreement, and all-tied rankings (tau undefined: scipy gives NaN, stored as null)."""
import json
import os

import numpy as np
import scipy
from scipy.stats import kendalltau

rng = np.random.default_rng(21)
cases = [
    {"name": "hand: one swap of three", "x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]},
    {"name": "identical", "x": [0.3, -0.1, 2.0, 0.0], "y": [0.3, -0.1, 2.0, 0.0]},
    {"name": "reversed", "x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [5.0, 4.0, 3.0, 2.0, 1.0]},
    {"name": "ties in x", "x": [1.0, 1.0, 2.0, 3.0, 3.0], "y": [0.5, 0.2, 0.9, 0.1, 0.7]},
    {"name": "ties in both", "x": [1.0, 1.0, 2.0, 2.0, 3.0, 4.0], "y": [2.0, 2.0, 1.0, 3.0, 3.0, 0.0]},
    {"name": "all tied in y", "x": [1.0, 2.0, 3.0], "y": [0.0, 0.0, 0.0]},
    {"name": "two items", "x": [0.1, -0.4], "y": [2.0, 3.0]},
]
for n in (6, 9, 14):
    x = rng.normal(size=n)
    y = 0.5 * x + rng.normal(size=n)
    cases.append({"name": f"random n={n}", "x": x.tolist(), "y": y.tolist()})
    xr = np.round(rng.normal(size=n), 0)
    yr = np.round(rng.normal(size=n), 0)
    cases.append({"name": f"random rounded (many ties) n={n}", "x": xr.tolist(), "y": yr.tolist()})

for c in cases:
    tau = kendalltau(c["x"], c["y"], variant="b").statistic
    c["tau"] = None if np.isnan(tau) else float(tau)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kendall.json")
with open(out, "w") as f:
    json.dump({"generator": "libs/reports/golden/gen_kendall.py", "scipy": scipy.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"{out}: {len(cases)} cases")
