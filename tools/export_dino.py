#!/usr/bin/env python3
"""Export DINO ViT-S/8 patch features to TorchScript for BakeFeature's TorchScriptFeatureExtractor.

The paper ("Baking in the Feature", section III-C) supervises the neural field with the last-layer
patch tokens of DINO ViT-S/8. BakeFeature runs any TorchScript backbone through DJL's PyTorch
engine; this script produces that file. Run it on your own machine (it needs internet access once,
for torch.hub to fetch the DINO code and weights):

    pip install torch            # any PyTorch >= 1.13
    python3 tools/export_dino.py --out dino_vits8.pt
    ./bakefeature features --scene my_scene --extractor torchscript:dino_vits8.pt

Output contract of the exported module (the same as tools/make_tiny_vit_fixture.py's fixture):

    input   float32 [1, 3, H, W], ImageNet-normalised RGB ((x / 255 - mean) / std with
            mean = (0.485, 0.456, 0.406), std = (0.229, 0.224, 0.225)); H and W multiples of the
            patch size (8). Any such size works: the positional embedding is interpolated to the
            patch grid exactly as DINO does it (bicubic, scale factor (n + 0.1) / base).
    output  float32 [1, (H / 8) * (W / 8), 384]: the last block's tokens after the final
            LayerNorm (DINO's get_intermediate_layers(x, n=1)[0]), CLS token removed, patches in
            row-major order.

How it is made trace-free and size-generic: the transformer blocks are traced one by one (they only
use sizes read from their input, which the tracer keeps symbolic), and a small scripted wrapper does
the patch embedding, the CLS token, the positional-embedding interpolation (the part of DINO that
tracing would freeze to one image size) and the final norm. After export the script re-runs DINO's
own eager model at two image sizes and fails unless the exported module agrees (max abs difference
below 1e-4).

Other DINO backbones work the same way: --arch dino_vits16, dino_vitb8, dino_vitb16 (then tell the
Java side the matching patch size: torchscript:PATH with optPatchSize).
"""

import argparse
import math
import sys

import torch
import torch.nn.functional as F

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class PatchTokens(torch.nn.Module):
    """Last-layer patch tokens (no CLS) of a DINO-style VisionTransformer, for any input size.

    Works for DINO's vision_transformer.VisionTransformer and for anything with the same attributes
    (patch_embed.proj, patch_embed.patch_size, cls_token, pos_embed, blocks, norm).
    """

    def __init__(self, vit, blocks):
        super().__init__()
        self.proj = vit.patch_embed.proj
        self.cls_token = torch.nn.Parameter(vit.cls_token.detach().clone(), requires_grad=False)
        self.pos_embed = torch.nn.Parameter(vit.pos_embed.detach().clone(), requires_grad=False)
        self.blocks = torch.nn.ModuleList(blocks)
        self.norm = vit.norm
        self.patch = int(vit.patch_embed.patch_size)
        n = vit.pos_embed.shape[1] - 1
        self.base = int(round(math.sqrt(n)))
        if self.base * self.base != n:
            raise ValueError("positional embedding must cover a square patch grid, found %d patches" % n)
        self.dim = int(vit.pos_embed.shape[2])

    def positional(self, h0: int, w0: int) -> torch.Tensor:
        # Mirrors DINO's interpolate_pos_encoding (including its +0.1 on the target grid, which only
        # matters for the coordinate mapping of the bicubic kernel), but keeps h0/w0 symbolic.
        if h0 == self.base and w0 == self.base:
            return self.pos_embed
        cls_pos = self.pos_embed[:, 0:1]
        grid = self.pos_embed[:, 1:].reshape(1, self.base, self.base, self.dim).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, scale_factor=[(h0 + 0.1) / self.base, (w0 + 0.1) / self.base],
                             mode="bicubic", align_corners=False)
        grid = grid.permute(0, 2, 3, 1).reshape(1, -1, self.dim)
        return torch.cat((cls_pos, grid), dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = self.proj(x)  # [B, C, H / p, W / p]
        h0 = t.shape[2]
        w0 = t.shape[3]
        t = t.flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(t.shape[0], -1, -1)
        t = torch.cat((cls, t), dim=1)
        t = t + self.positional(h0, w0)
        for blk in self.blocks:
            t = blk(t)
        t = self.norm(t)
        return t[:, 1:, :]


def export(vit, example_hw=(40, 56)):
    """Returns a ScriptModule computing PatchTokens(vit); blocks traced on an example input."""
    vit = vit.eval()
    p = int(vit.patch_embed.patch_size)
    dim = int(vit.pos_embed.shape[2])
    n_tokens = 1 + (example_hw[0] // p) * (example_hw[1] // p)
    example = torch.randn(1, n_tokens, dim, generator=torch.Generator().manual_seed(0))
    traced = []
    with torch.no_grad():
        for blk in vit.blocks:
            tb = torch.jit.trace(blk, (example,), check_trace=False)
            example = blk(example)
            traced.append(tb)
    module = PatchTokens(vit, traced).eval()
    return torch.jit.script(module)


def reference_tokens(vit, x):
    """DINO's own eager path: last layer, normalised, CLS dropped."""
    return vit.get_intermediate_layers(x, n=1)[0][:, 1:, :]


def check(vit, scripted, sizes, atol=1e-4):
    """Raises unless the exported module matches the eager model at every (H, W) in sizes."""
    g = torch.Generator().manual_seed(1)
    worst = 0.0
    with torch.no_grad():
        for h, w in sizes:
            x = torch.randn(1, 3, h, w, generator=g)
            ref = reference_tokens(vit, x)
            out = scripted(x)
            if out.shape != ref.shape:
                raise RuntimeError("exported output %s != eager %s at %dx%d" % (tuple(out.shape), tuple(ref.shape), h, w))
            diff = (out - ref).abs().max().item()
            worst = max(worst, diff)
            if diff > atol:
                raise RuntimeError("exported output differs from eager DINO at %dx%d: max |diff| = %g > %g" % (h, w, diff, atol))
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="TorchScript file to write, e.g. dino_vits8.pt")
    ap.add_argument("--arch", default="dino_vits8", help="torch.hub entry of facebookresearch/dino (default dino_vits8)")
    args = ap.parse_args(argv)

    vit = torch.hub.load("facebookresearch/dino:main", args.arch).eval()
    p = int(vit.patch_embed.patch_size)
    scripted = export(vit, example_hw=(5 * p, 7 * p))
    worst = check(vit, scripted, [(28 * p, 28 * p), (45 * p, 60 * p)])
    scripted.save(args.out)
    print("wrote %s (%s, patch %d, dim %d); matches eager DINO to %.2g" % (args.out, args.arch, p, vit.embed_dim, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
