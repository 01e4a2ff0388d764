"""Golden values for the classification backbones of @kdlab/backbones, with PyTorch.

Run: /usr/bin/python3 libs/backbones/golden/gen_cls_backbones.py  (torch 1.13, numpy)
Writes cls_backbones.json beside this file:
  - counts: learnable parameters (BN running stats excluded) and conv/linear MACs on a
    1x3x32x32 input for every preset, for 100 classes (the CIFAR-100 numbers the KD papers
    print: resnet20 0.28M, resnet56 0.86M, resnet32x4 7.43M, wrn-40-2 2.26M, resnet8x4 1.23M ...)
    and 10 classes. The modules are written here from the papers' CIFAR structure (He et al.
    2016 sec. 4.2; Zagoruyko & Komodakis 2016; Sandler et al. 2018; Ma et al. 2018, in the
    variants of the CIFAR KD benchmarks), independently of the TypeScript.
  - channel_shuffle: the NCHW channel shuffle of ShuffleNet on a fixed input (given and
    returned in NHWC).
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_grad_enabled(False)


def conv_bn(cin, cout, k, s=1, groups=1, relu=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = conv_bn(cin, cout, 3, stride)
        self.c2 = conv_bn(cout, cout, 3, 1, relu=False)
        self.short = conv_bn(cin, cout, 1, stride, relu=False) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.c2(self.c1(x)) + self.short(x))


class ResNetCifar(nn.Module):
    def __init__(self, depth, widths, classes):
        super().__init__()
        n = (depth - 2) // 6
        layers = [conv_bn(3, widths[0], 3)]
        cin = widths[0]
        for s in range(3):
            for b in range(n):
                layers.append(BasicBlock(cin, widths[s + 1], 2 if s > 0 and b == 0 else 1))
                cin = widths[s + 1]
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2, self.conv2 = nn.BatchNorm2d(cout), nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.short = None if cin == cout and stride == 1 else nn.Conv2d(cin, cout, 1, stride, 0, bias=False)

    def forward(self, x):
        a = F.relu(self.bn1(x))
        y = self.conv2(F.relu(self.bn2(self.conv1(a))))
        return y + (x if self.short is None else self.short(a))


class WRN(nn.Module):
    def __init__(self, depth, k, classes):
        super().__init__()
        n = (depth - 4) // 6
        widths = [16 * k, 32 * k, 64 * k]
        layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False)]
        cin = 16
        for s in range(3):
            for b in range(n):
                layers.append(PreActBlock(cin, widths[s], 2 if s > 0 and b == 0 else 1))
                cin = widths[s]
        layers += [nn.BatchNorm2d(cin), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


class InvRes(nn.Module):
    def __init__(self, cin, cout, stride, t):
        super().__init__()
        self.skip = stride == 1 and cin == cout
        self.f = nn.Sequential(conv_bn(cin, cin * t, 1), conv_bn(cin * t, cin * t, 3, stride, groups=cin * t), conv_bn(cin * t, cout, 1, relu=False))

    def forward(self, x):
        return x + self.f(x) if self.skip else self.f(x)


class MobileNetV2(nn.Module):
    def __init__(self, t, w, classes):
        super().__init__()
        rows = [(1, 16, 1, 1), (t, 24, 2, 1), (t, 32, 3, 2), (t, 64, 4, 2), (t, 96, 3, 1), (t, 160, 3, 2), (t, 320, 1, 1)]
        cin = int(32 * w)
        layers = [conv_bn(3, cin, 3, 2)]
        for e, c, n, s in rows:
            for b in range(n):
                layers.append(InvRes(cin, int(c * w), s if b == 0 else 1, e))
                cin = int(c * w)
        last = int(1280 * w) if w > 1 else 1280
        layers.append(conv_bn(cin, last, 1))
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(last, classes)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


def shuffle(x, g=2):
    n, c, h, w = x.shape
    return x.view(n, g, c // g, h, w).transpose(1, 2).reshape(n, c, h, w)


class ShuffleBasic(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c // 2
        self.f = nn.Sequential(conv_bn(c - h, c - h, 1), conv_bn(c - h, c - h, 3, groups=c - h, relu=False), conv_bn(c - h, c - h, 1))
        self.h = h

    def forward(self, x):
        return shuffle(torch.cat([x[:, :self.h], self.f(x[:, self.h:])], 1))


class ShuffleDown(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        mid = cout // 2
        self.left = nn.Sequential(conv_bn(cin, cin, 3, 2, groups=cin, relu=False), conv_bn(cin, mid, 1))
        self.right = nn.Sequential(conv_bn(cin, mid, 1), conv_bn(mid, mid, 3, 2, groups=mid, relu=False), conv_bn(mid, mid, 1))

    def forward(self, x):
        return shuffle(torch.cat([self.left(x), self.right(x)], 1))


class ShuffleNetV2(nn.Module):
    def __init__(self, widths, blocks, classes):
        super().__init__()
        layers = [conv_bn(3, 24, 1)]
        cin = 24
        for s in range(3):
            layers.append(ShuffleDown(cin, widths[s]))
            cin = widths[s]
            layers += [ShuffleBasic(cin) for _ in range(blocks[s])]
        layers.append(conv_bn(cin, widths[3], 1))
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(widths[3], classes)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


PRESETS = {
    **{f'resnet{d}': lambda c, d=d: ResNetCifar(d, [16, 16, 32, 64], c) for d in (8, 14, 20, 32, 44, 56, 110)},
    'resnet8x4': lambda c: ResNetCifar(8, [32, 64, 128, 256], c),
    'resnet32x4': lambda c: ResNetCifar(32, [32, 64, 128, 256], c),
    'wrn-16-2': lambda c: WRN(16, 2, c),
    'wrn-40-2': lambda c: WRN(40, 2, c),
    'wrn-40-1': lambda c: WRN(40, 1, c),
    'mobilenetv2-half': lambda c: MobileNetV2(6, 0.5, c),
    'shufflev2': lambda c: ShuffleNetV2([116, 232, 464, 1024], [3, 7, 3], c),
}


def macs(model):
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() // out.shape[0] * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += m.in_features * m.out_features

    hooks = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()(torch.zeros(1, 3, 32, 32))
    for h in hooks:
        h.remove()
    return total[0]


def main():
    counts = {}
    for name, make in PRESETS.items():
        for classes in (100, 10):
            m = make(classes)
            counts[f'{name}@{classes}'] = {'params': sum(p.numel() for p in m.parameters()), 'macs': macs(m)}
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 2, 6)).astype(np.float64)  # NHWC, 6 channels, 2 groups
    y = shuffle(torch.tensor(x).permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1).numpy()
    out = {
        'counts': counts,
        'channel_shuffle': {'groups': 2, 'input': {'shape': list(x.shape), 'data': x.flatten().tolist()}, 'output': {'shape': list(y.shape), 'data': y.flatten().tolist()}},
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cls_backbones.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
    for k, v in counts.items():
        print(f'{k:24s} {v["params"] / 1e6:7.3f}M params {v["macs"] / 1e6:9.2f}M MACs')


if __name__ == '__main__':
    main()
