"""Golden values for kdlab's parallel-beam projector (libs/data/src/ct/radon.ts): scikit-image's
`skimage.transform.radon(image, theta, circle=True)` of a small deterministic phantom.

Run with Debian's python3 (scikit-image 0.19.3, numpy 1.24):
    /usr/bin/python3 libs/data/golden/gen_ct_radon.py > libs/data/golden/ct_radon.json
The phantom (ellipses of attenuation-like values plus a smooth texture, zero outside the inscribed
circle as circle=True requires) and the angles are written into the JSON, so the TypeScript test
projects exactly the same image.
"""
import json

import numpy as np
import skimage
from skimage.transform import radon


def phantom(n):
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    c = n // 2
    u, v = (x - c) / (n / 2), (y - c) / (n / 2)
    img = np.zeros((n, n))
    # (value, centre u, centre v, semi-axis a, semi-axis b, rotation in degrees)
    for val, cu, cv, a, b, rot in [
        (0.0192, 0.0, 0.0, 0.80, 0.62, 0.0),     # body (water)
        (-0.0150, -0.32, 0.0, 0.25, 0.40, 10.0),  # lung
        (-0.0150, 0.32, 0.0, 0.22, 0.38, -15.0),  # lung
        (0.0250, 0.0, 0.45, 0.10, 0.08, 0.0),     # spine (bone-like)
        (0.0030, 0.05, -0.25, 0.12, 0.07, 30.0),  # soft-tissue lesion
    ]:
        t = np.deg2rad(rot)
        du, dv = u - cu, v - cv
        ru, rv = du * np.cos(t) + dv * np.sin(t), -du * np.sin(t) + dv * np.cos(t)
        img[(ru / a) ** 2 + (rv / b) ** 2 <= 1] += val
    img += 0.001 * np.sin(3.1 * u) * np.cos(2.3 * v) * (img > 0)
    img[(x - c) ** 2 + (y - c) ** 2 > (n / 2) ** 2] = 0
    return img


def main():
    out = {"generator": "libs/data/golden/gen_ct_radon.py", "skimage": skimage.__version__, "cases": []}
    for n, theta in [(64, [0.0, 13.0, 45.0, 90.0, 107.5, 135.0, 179.0]), (33, list(np.linspace(0.0, 180.0, 25, endpoint=False)))]:
        img = phantom(n)
        sino = radon(img, theta=np.asarray(theta), circle=True)  # (bins, views)
        out["cases"].append({
            "n": n,
            "thetaDeg": [float(t) for t in theta],
            "image": [float(v) for v in img.ravel()],
            "sinogram": [[float(v) for v in sino[:, i]] for i in range(len(theta))],  # one row per view
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
