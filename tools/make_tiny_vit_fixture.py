#!/usr/bin/python3
"""Generate the tiny-ViT TorchScript fixture used by TorchScriptFeatureExtractorTest.

A ViT with DINO's architecture (patch 8, CLS token, learned positional embedding for a 4x4 base
grid interpolated like DINO, pre-norm blocks, final LayerNorm) but tiny (dim 16, 2 blocks, 2 heads)
and with random weights from a fixed seed. It is exported with tools/export_dino.py's own
``export`` function, so the fixture also tests the export path users run for the real DINO ViT-S/8.

Written files (all small), in bakefeature-core/src/test/resources/io/github/bakefeature/core/features/:
    tiny_vit8.pt          the TorchScript module (output contract of export_dino.py)
    tiny_vit8_input.rgb   the fixed input: H x W x 3 uint8, row-major, RGB (already a multiple of 8)
    tiny_vit8.json        sizes, normalisation, and the output tokens computed here by the eager
                          model, [H/8 * W/8][dim] floats
    resize_reference.json PIL's bilinear (antialiased) resize of a small seeded image, computed in
                          float ("F" mode, no 8-bit rounding), to check the Java resize against

Run with Debian's PyTorch (apt-get install -y python3-torch), from the repository root:
    /usr/bin/python3 tools/make_tiny_vit_fixture.py
The output is deterministic for a given PyTorch build (seeded weights and input).
"""

import json
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_dino  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bakefeature-core", "src", "test",
                       "resources", "io", "github", "bakefeature", "core", "features")
PATCH = 8
DIM = 16
HEIGHT, WIDTH = 40, 56  # 5 x 7 patches: not the 4 x 4 base grid, so the interpolation is exercised


# ---- a minimal copy of DINO's vision_transformer structure ---------------------------------------

class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.num_heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.patch_size = patch
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class TinyViT(nn.Module):
    def __init__(self, patch=PATCH, dim=DIM, depth=2, heads=2, base=4):
        super().__init__()
        self.embed_dim = dim
        self.patch_embed = PatchEmbed(patch, dim)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        # Unit-scale positional embedding (DINO's is learned) so a wrong interpolation shows.
        self.pos_embed = nn.Parameter(torch.randn(1, base * base + 1, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def interpolate_pos_encoding(self, x, w, h):  # as in DINO (w, h are really H, W there too)
        npatch = x.shape[1] - 1
        N = self.pos_embed.shape[1] - 1
        if npatch == N and w == h:
            return self.pos_embed
        class_pos_embed = self.pos_embed[:, 0]
        patch_pos_embed = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch_embed.patch_size
        h0 = h // self.patch_embed.patch_size
        w0, h0 = w0 + 0.1, h0 + 0.1
        patch_pos_embed = nn.functional.interpolate(
            patch_pos_embed.reshape(1, int(math.sqrt(N)), int(math.sqrt(N)), dim).permute(0, 3, 1, 2),
            scale_factor=(w0 / math.sqrt(N), h0 / math.sqrt(N)),
            mode="bicubic",
        )
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos_embed.unsqueeze(0), patch_pos_embed), dim=1)

    def prepare_tokens(self, x):
        B, nc, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        return x + self.interpolate_pos_encoding(x, w, h)

    def get_intermediate_layers(self, x, n=1):
        x = self.prepare_tokens(x)
        output = []
        for i, blk in enumerate(self.blocks):
            x = blk(x)
            if len(self.blocks) - i <= n:
                output.append(self.norm(x))
        return output


def fixed_image(h, w):
    """A deterministic image with structure: colour ramps, a disc and seeded noise."""
    g = torch.Generator().manual_seed(7)
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    r = 255 * xx / (w - 1)
    gch = 255 * yy / (h - 1)
    b = torch.where((xx - w * 0.6) ** 2 + (yy - h * 0.4) ** 2 < (h * 0.3) ** 2, torch.tensor(230.0), torch.tensor(40.0))
    img = torch.stack([r, gch, b], dim=-1) + torch.randint(-20, 21, (h, w, 3), generator=g).float()
    return img.clamp(0, 255).round().to(torch.uint8)


def normalise(img_u8):
    x = img_u8.float().div(255.0).permute(2, 0, 1).unsqueeze(0)
    mean = torch.tensor(export_dino.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(export_dino.IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def main():
    torch.manual_seed(1234)
    vit = TinyViT().eval()
    scripted = export_dino.export(vit, example_hw=(3 * PATCH, 5 * PATCH))
    worst = export_dino.check(vit, scripted, [(HEIGHT, WIDTH), (32, 32), (64, 24), (16, 80)])

    img = fixed_image(HEIGHT, WIDTH)
    with torch.no_grad():
        ref = export_dino.reference_tokens(vit, normalise(img))[0]
    os.makedirs(OUT_DIR, exist_ok=True)
    scripted.save(os.path.join(OUT_DIR, "tiny_vit8.pt"))
    with open(os.path.join(OUT_DIR, "tiny_vit8_input.rgb"), "wb") as f:
        f.write(img.numpy().tobytes())
    meta = {
        "generator": "tools/make_tiny_vit_fixture.py",
        "torch": torch.__version__,
        "patch": PATCH,
        "width": WIDTH,
        "height": HEIGHT,
        "grid_width": WIDTH // PATCH,
        "grid_height": HEIGHT // PATCH,
        "dimension": DIM,
        "mean": list(export_dino.IMAGENET_MEAN),
        "std": list(export_dino.IMAGENET_STD),
        "export_vs_eager_max_abs_diff": worst,
        "tokens": [[float("%.8g" % v) for v in row] for row in ref.tolist()],
    }
    with open(os.path.join(OUT_DIR, "tiny_vit8.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    write_resize_reference()
    print("fixture written to %s (export matches eager to %.2g)" % (os.path.normpath(OUT_DIR), worst))


def write_resize_reference():
    """PIL BILINEAR on float channels: the reference for ImagePreprocessing.resize."""
    import numpy as np
    from PIL import Image

    rng = np.random.RandomState(3)
    w, h = 13, 9
    img = rng.randint(0, 256, size=(h, w, 3)).astype(np.uint8)
    cases = []
    for ow, oh in [(5, 4), (6, 3), (20, 14), (13, 5)]:
        chans = [np.asarray(Image.fromarray(img[:, :, c].astype(np.float32), mode="F").resize((ow, oh), Image.BILINEAR))
                 for c in range(3)]
        out = np.stack(chans, axis=-1)
        cases.append({"width": ow, "height": oh, "rgb": [float("%.7g" % v) for v in out.reshape(-1)]})
    ref = {"generator": "tools/make_tiny_vit_fixture.py (PIL %s)" % Image.__version__, "width": w, "height": h,
           "rgb": [int(v) for v in img.reshape(-1)], "cases": cases}
    with open(os.path.join(OUT_DIR, "resize_reference.json"), "w") as f:
        json.dump(ref, f)
        f.write("\n")


if __name__ == "__main__":
    main()
