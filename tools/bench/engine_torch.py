"""PyTorch side of `kdlab bench engine`: EDSR-baseline (16 res blocks, 64 ch, x4
pixel-shuffle tail), L1 + Adam, as a worker that the Node benchmark drives over
stdin/stdout so that both frameworks run interleaved in one benchmark.

Also the classification step: student resnet8x4 trained with CE + KD (T = 4) from a
frozen resnet32x4 teacher, SGD momentum 0.9, batch 64 of 32x32x3, CIFAR-100 heads
(the CIFAR ResNets of Tian et al.'s CRD/RepDistiller zoo, written here from their
description: 3x3 stem, three stages of basic blocks, 1x1-conv+BN shortcut where the
shape changes, global average pool, linear), and a 2048x2048 float32 matmul that
measures this machine's attainable GFLOP/s.

Protocol: one JSON object per line in, one per line out.
  {"cmd": "train", "steps": n}  -> {"times": [seconds per step]}
  {"cmd": "infer", "reps": n}   -> {"times": [seconds per 256x256 x4 inference]}
  {"cmd": "cls", "steps": n}    -> {"times": [seconds per classification KD step]}
  {"cmd": "matmul", "reps": n}  -> {"times": [seconds per 2048x2048 matmul]}
  {"cmd": "peak", "of": "train" | "infer" | "cls", "steps": n}
      -> {"rss_before_kb": VmRSS before, "hwm_kb": VmHWM after n such steps, "maxrss_kb": getrusage maxrss}
      (sent to a fresh worker, so the high-water mark is that workload's)
  {"cmd": "quit"}
Settings are the best we found for this CPU and are reported back in "hello".
"""
import json
import os
import re
import resource
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


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.short is None else self.short(x)))


class CifarResNet(nn.Module):
    """resnet{depth}x4: depth = 6n + 2, widths 32 (stem), 64, 128, 256."""

    def __init__(self, depth, widths=(32, 64, 128, 256), classes=100):
        super().__init__()
        n = (depth - 2) // 6
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        blocks, cin = [], widths[0]
        for s, w in enumerate(widths[1:]):
            for b in range(n):
                blocks.append(BasicBlock(cin, w, 2 if s > 0 and b == 0 else 1))
                cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1).flatten(1))


def status_kb(field):
    return int(re.search(field + r":\s+(\d+)", open("/proc/self/status").read()).group(1))


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

    student = CifarResNet(8).to(device=device, memory_format=fmt)
    teacher = CifarResNet(32).to(device=device, memory_format=fmt).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    cls_opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9)
    cls_x = torch.rand(64, 3, 32, 32, device=device).contiguous(memory_format=fmt)
    cls_y = torch.randint(0, 100, (64,), device=device)
    T = 4.0

    def cls_step():
        cls_opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            t_logits = teacher(cls_x)
        s_logits = student(cls_x)
        kd = F.kl_div(F.log_softmax(s_logits / T, 1), F.softmax(t_logits / T, 1), reduction="batchmean") * T * T
        loss = F.cross_entropy(s_logits, cls_y) + kd
        loss.backward()
        cls_opt.step()
        return loss.item()

    a = torch.rand(2048, 2048, device=device)
    b = torch.rand(2048, 2048, device=device)

    def matmul():
        torch.mm(a, b)[0, 0].item()

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
        "params_resnet8x4": sum(p.numel() for p in student.parameters()),
        "params_resnet32x4": sum(p.numel() for p in teacher.parameters()),
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
    }
    print(json.dumps({"hello": hello}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "quit":
            break
        fns = {"train": step, "infer": infer, "cls": cls_step, "matmul": matmul}
        if req["cmd"] == "peak":
            before = status_kb("VmRSS")
            for _ in range(req["steps"]):
                fns[req["of"]]()
            reply = {"rss_before_kb": before, "hwm_kb": status_kb("VmHWM"), "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
            print(json.dumps(reply), flush=True)
            continue
        fn, n = fns[req["cmd"]], req.get("steps", req.get("reps"))
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        print(json.dumps({"times": times}), flush=True)


if __name__ == "__main__":
    main()
