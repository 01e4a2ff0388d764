"""Golden values for @kdlab/backbones, computed independently with PyTorch.

Run: /usr/bin/python3 libs/backbones/golden/gen_backbones.py  (torch 1.13, numpy)
Writes backbones.json beside this file:
  - pixel_shuffle: torch.nn.PixelShuffle on fixed inputs (given and returned in NHWC)
  - counts: learnable parameters and conv MACs of EDSR/RCAN (PyTorch modules
    written from the papers / authors' code structure) for each preset and scale,
    MACs measured with forward hooks on a small input
  - forward: a tiny EDSR and RCAN with deterministic weights (saved by our layer
    names, kernels in HWIO layout) and their output for a fixed input
Nothing here imports the TypeScript code.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

torch.set_grad_enabled(False)
RGB_MEAN = (0.4488, 0.4371, 0.4040)


class MeanShift(nn.Module):
    # As in EDSR-PyTorch with std 1: sub: x*range - range*mean (x in [0,range]);
    # we feed x in [0,1], so sub is (x - mean) * range and add is x / range + mean.
    def __init__(self, rgb_range, sign):
        super().__init__()
        self.rgb_range, self.sign = rgb_range, sign
        self.register_buffer('mean', torch.tensor(RGB_MEAN).view(1, 3, 1, 1))

    def forward(self, x):
        if self.sign < 0:
            return (x - self.mean) * self.rgb_range
        return x / self.rgb_range + self.mean


def conv(cin, cout, k=3):
    return nn.Conv2d(cin, cout, k, padding=k // 2, bias=True)


class Upsampler(nn.Sequential):
    def __init__(self, scale, c):
        m = []
        if scale & (scale - 1) == 0:
            for _ in range(int(math.log2(scale))):
                m += [conv(c, 4 * c), nn.PixelShuffle(2)]
        elif scale == 3:
            m += [conv(c, 9 * c), nn.PixelShuffle(3)]
        super().__init__(*m)


class ResBlock(nn.Module):
    def __init__(self, c, res_scale):
        super().__init__()
        self.conv1, self.conv2, self.res_scale = conv(c, c), conv(c, c), res_scale

    def forward(self, x):
        return self.conv2(torch.relu(self.conv1(x))) * self.res_scale + x


class EDSR(nn.Module):
    def __init__(self, scale, blocks, c, res_scale, rgb_range=255):
        super().__init__()
        self.sub_mean, self.add_mean = MeanShift(rgb_range, -1), MeanShift(rgb_range, 1)
        self.head = conv(3, c)
        self.blocks = nn.ModuleList([ResBlock(c, res_scale) for _ in range(blocks)])
        self.body_conv = conv(c, c)
        self.upsample = Upsampler(scale, c)
        self.tail = conv(c, 3)

    def named_convs(self):
        out = [('head', self.head)]
        for i, b in enumerate(self.blocks):
            out += [(f'body.block{i}.conv1', b.conv1), (f'body.block{i}.conv2', b.conv2)]
        out += [('body.conv', self.body_conv)]
        out += [(f'upsample.conv{k}', m) for k, m in enumerate(x for x in self.upsample if isinstance(x, nn.Conv2d))]
        return out + [('tail', self.tail)]

    def forward(self, x):
        h = self.head(self.sub_mean(x))
        r = h
        for b in self.blocks:
            r = b(r)
        return self.add_mean(self.tail(self.upsample(self.body_conv(r) + h)))


class CALayer(nn.Module):
    def __init__(self, c, reduction):
        super().__init__()
        self.down, self.up = conv(c, c // reduction, 1), conv(c // reduction, c, 1)

    def forward(self, x):
        y = x.mean(dim=(2, 3), keepdim=True)
        return x * torch.sigmoid(self.up(torch.relu(self.down(y))))


class RCAB(nn.Module):
    def __init__(self, c, reduction):
        super().__init__()
        self.conv1, self.conv2, self.ca = conv(c, c), conv(c, c), CALayer(c, reduction)

    def forward(self, x):
        return self.ca(self.conv2(torch.relu(self.conv1(x)))) + x


class ResidualGroup(nn.Module):
    def __init__(self, c, reduction, blocks):
        super().__init__()
        self.blocks = nn.ModuleList([RCAB(c, reduction) for _ in range(blocks)])
        self.conv = conv(c, c)

    def forward(self, x):
        r = x
        for b in self.blocks:
            r = b(r)
        return self.conv(r) + x


class RCAN(nn.Module):
    def __init__(self, scale, groups, blocks, c, reduction, rgb_range=255):
        super().__init__()
        self.sub_mean, self.add_mean = MeanShift(rgb_range, -1), MeanShift(rgb_range, 1)
        self.head = conv(3, c)
        self.groups = nn.ModuleList([ResidualGroup(c, reduction, blocks) for _ in range(groups)])
        self.body_conv = conv(c, c)
        self.upsample = Upsampler(scale, c)
        self.tail = conv(c, 3)

    def named_convs(self):
        out = [('head', self.head)]
        for g, grp in enumerate(self.groups):
            for b, blk in enumerate(grp.blocks):
                p = f'body.group{g}.block{b}'
                out += [(f'{p}.conv1', blk.conv1), (f'{p}.conv2', blk.conv2), (f'{p}.ca.down', blk.ca.down), (f'{p}.ca.up', blk.ca.up)]
            out += [(f'body.group{g}.conv', grp.conv)]
        out += [('body.conv', self.body_conv)]
        out += [(f'upsample.conv{k}', m) for k, m in enumerate(x for x in self.upsample if isinstance(x, nn.Conv2d))]
        return out + [('tail', self.tail)]

    def forward(self, x):
        h = self.head(self.sub_mean(x))
        r = h
        for g in self.groups:
            r = g(r)
        return self.add_mean(self.tail(self.upsample(self.body_conv(r) + h)))


PRESETS = {
    'edsr-paper-teacher': lambda s: EDSR(s, 32, 256, 0.1),
    'edsr-paper-student': lambda s: EDSR(s, 16, 64, 1.0),
    'edsr-tiny-teacher': lambda s: EDSR(s, 8, 32, 0.1),
    'edsr-tiny-student': lambda s: EDSR(s, 4, 16, 1.0),
    'rcan-paper-teacher': lambda s: RCAN(s, 10, 20, 64, 16),
    'rcan-paper-student': lambda s: RCAN(s, 10, 6, 64, 16),
    'rcan-tiny-teacher': lambda s: RCAN(s, 3, 4, 32, 4),
    'rcan-tiny-student': lambda s: RCAN(s, 2, 2, 16, 4),
}


def conv_macs(model, h, w):
    total = [0]

    def hook(m, inp, out):
        total[0] += out.shape[2] * out.shape[3] * m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups) * m.out_channels

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    model(torch.zeros(1, 3, h, w))
    for hd in handles:
        hd.remove()
    return total[0]


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()


def pixel_shuffle_cases():
    cases = []
    for (n, c, h, w, r) in [(1, 1, 2, 3, 2), (2, 2, 2, 2, 2), (1, 2, 2, 1, 3)]:
        x = torch.arange(n * c * r * r * h * w, dtype=torch.float32).reshape(n, c * r * r, h, w)
        y = nn.PixelShuffle(r)(x)
        cases.append({'scale': r, 'input_nhwc_shape': list(nhwc(x).shape), 'input_nhwc': nhwc(x).flatten().tolist(),
                      'output_nhwc_shape': list(nhwc(y).shape), 'output_nhwc': nhwc(y).flatten().tolist()})
    return cases


def forward_case(name, model, options, seed):
    rng = np.random.default_rng(seed)
    weights = {}
    for lname, m in model.named_convs():
        bound = 1 / math.sqrt(m.in_channels * m.kernel_size[0] * m.kernel_size[1])
        k = rng.uniform(-bound, bound, size=tuple(m.weight.shape)).astype(np.float32)
        b = rng.uniform(-bound, bound, size=tuple(m.bias.shape)).astype(np.float32)
        m.weight.copy_(torch.from_numpy(k))
        m.bias.copy_(torch.from_numpy(b))
        weights[lname] = {'kernel_hwio_shape': list(k.transpose(2, 3, 1, 0).shape), 'kernel_hwio': k.transpose(2, 3, 1, 0).flatten().tolist(), 'bias': b.tolist()}
    x = rng.uniform(0, 1, size=(1, 6, 5, 3)).astype(np.float32)
    y = nhwc(model(torch.from_numpy(x).permute(0, 3, 1, 2)))
    return {'name': name, 'options': options, 'input_shape': list(x.shape), 'input': x.flatten().tolist(),
            'output_shape': list(y.shape), 'output': y.flatten().tolist(), 'weights': weights}


def main():
    counts = []
    hw = (6, 5)
    for preset, make in PRESETS.items():
        for scale in (2, 3, 4):
            m = make(scale).eval()
            params = sum(p.numel() for p in m.parameters() if p.requires_grad)
            counts.append({'arch': preset, 'scale': scale, 'params': params, 'input_hw': list(hw), 'macs': conv_macs(m, *hw)})
            print(preset, scale, params)
    out = {
        'generator': 'libs/backbones/golden/gen_backbones.py (PyTorch %s)' % torch.__version__,
        'pixel_shuffle': pixel_shuffle_cases(),
        'counts': counts,
        'forward': [
            forward_case('edsr', EDSR(2, 2, 8, 0.1).eval(), {'arch': 'edsr', 'scale': 2, 'blocks': 2, 'channels': 8, 'resScale': 0.1}, 1),
            forward_case('rcan', RCAN(3, 2, 2, 8, 4).eval(), {'arch': 'rcan', 'scale': 3, 'groups': 2, 'blocks': 2, 'channels': 8, 'reduction': 4}, 2),
        ],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'backbones.json')
    with open(path, 'w') as f:
        json.dump(out, f)
    print('wrote', path)


if __name__ == '__main__':
    main()
