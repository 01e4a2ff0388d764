"""PyTorch side of `kdlab bench engine`: EDSR-baseline (16 res blocks, 64 ch, x4
pixel-shuffle tail), L1 + Adam, as a worker that the Node benchmark drives over
stdin/stdout so that both frameworks run interleaved in one benchmark.

Protocol: one JSON object per line in, one per line out.
  {"cmd": "train", "steps": n}  -> {"times": [seconds per step]}
  {"cmd": "infer", "reps": n}   -> {"times": [seconds per 256x256 x4 inference]}
  {"cmd": "quit"}
Settings are the best we found for this CPU and are reported back in "hello".
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return x + self.c2(F.relu(self.c1(x)))


class EDSRBaseline(nn.Module):
    def __init__(self, blocks=16, ch=64, scale=4):
        super().__init__()
        self.head = nn.Conv2d(3, ch, 3, padding=1)
        self.body = nn.Sequential(*[ResBlock(ch) for _ in range(blocks)], nn.Conv2d(ch, ch, 3, padding=1))
        up = []
        for _ in range(2 if scale == 4 else 1):
            up += [nn.Conv2d(ch, 4 * ch, 3, padding=1), nn.PixelShuffle(2)]
        self.up = nn.Sequential(*up)
        self.tail = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x):
        h = self.head(x)
        return self.tail(self.up(h + self.body(h)))


def main():
    threads = int(os.environ.get("KDLAB_BENCH_THREADS", "2"))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    channels_last = os.environ.get("KDLAB_BENCH_TORCH_CHANNELS_LAST", "0") == "1"
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    # KDLAB_BENCH_DEVICE=cuda for `kdlab bench engine --device gpu`; .item() synchronises, so the
    # timings below hold on the GPU too.
    device = os.environ.get("KDLAB_BENCH_DEVICE", "cpu")
    model = EDSRBaseline().to(device=device, memory_format=fmt)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    batch = int(os.environ.get("KDLAB_BENCH_BATCH", "16"))
    lr = torch.rand(batch, 3, 48, 48, device=device).contiguous(memory_format=fmt)
    hr = torch.rand(batch, 3, 192, 192, device=device).contiguous(memory_format=fmt)
    img = torch.rand(1, 3, 256, 256, device=device).contiguous(memory_format=fmt)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.l1_loss(model(lr), hr)
        loss.backward()
        opt.step()
        return loss.item()

    def infer():
        with torch.no_grad():
            model(img).sum().item()

    hello = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "channels_last": channels_last,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "allocator": os.environ.get("LD_PRELOAD") or (
            "glibc MALLOC_MMAP_THRESHOLD_=%s MALLOC_TRIM_THRESHOLD_=%s"
            % (os.environ.get("MALLOC_MMAP_THRESHOLD_", "default"), os.environ.get("MALLOC_TRIM_THRESHOLD_", "default"))
        ),
        "params": sum(p.numel() for p in model.parameters()),
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
    }
    print(json.dumps({"hello": hello}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "quit":
            break
        fn, n = (step, req["steps"]) if req["cmd"] == "train" else (infer, req["reps"])
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        print(json.dumps({"times": times}), flush=True)


if __name__ == "__main__":
    main()
