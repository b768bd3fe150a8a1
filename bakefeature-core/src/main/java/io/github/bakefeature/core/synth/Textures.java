package io.github.bakefeature.core.synth;

/**
 * Procedural textures. All lengths are metres in the primitive's local frame; keep periods at a
 * few centimetres or more so that a texture period spans several pixels at the resolutions the
 * tests use (a neural field must be able to fit the scenes).
 */
public final class Textures {
  private Textures() {}

  /** A colour {@code 0xRRGGBB} as display RGB in {@code [0, 1]}. */
  public static double[] rgb(int hex) {
    return new double[] {((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0, (hex & 0xff) / 255.0};
  }

  /** One colour everywhere. */
  public static Texture solid(double[] colour) {
    double r = colour[0];
    double g = colour[1];
    double b = colour[2];
    return (x, y, z, out) -> {
      out[0] = r;
      out[1] = g;
      out[2] = b;
    };
  }

  /** A 3D checkerboard of cubes with edge {@code size}, alternating {@code a} and {@code b}. */
  public static Texture checker(double[] a, double[] b, double size) {
    double inv = 1.0 / positive(size, "size");
    double[] ca = a.clone();
    double[] cb = b.clone();
    return (x, y, z, out) -> {
      long parity = (long) Math.floor(x * inv) + (long) Math.floor(y * inv) + (long) Math.floor(z * inv);
      double[] c = (parity & 1) == 0 ? ca : cb;
      out[0] = c[0];
      out[1] = c[1];
      out[2] = c[2];
    };
  }

  /**
   * Parallel bands across the local direction {@code (dx, dy, dz)} (normalised here): a fraction
   * {@code duty} of each {@code period} is {@code a}, the rest {@code b}.
   */
  public static Texture stripes(double[] a, double[] b, double dx, double dy, double dz, double period,
                                double duty) {
    double n = Math.sqrt(dx * dx + dy * dy + dz * dz);
    if (!(n > 0)) {
      throw new IllegalArgumentException("stripe direction must be non-zero");
    }
    double inv = 1.0 / positive(period, "period");
    double ux = dx / n * inv;
    double uy = dy / n * inv;
    double uz = dz / n * inv;
    double[] ca = a.clone();
    double[] cb = b.clone();
    return (x, y, z, out) -> {
      double s = x * ux + y * uy + z * uz;
      double f = s - Math.floor(s);
      double[] c = f < duty ? ca : cb;
      out[0] = c[0];
      out[1] = c[1];
      out[2] = c[2];
    };
  }

  /** A smooth blend of {@code a} and {@code b} by fractal value noise with features about {@code scale} wide. */
  public static Texture noise(double[] a, double[] b, double scale, int octaves, int seed) {
    double inv = 1.0 / positive(scale, "scale");
    double[] ca = a.clone();
    double[] cb = b.clone();
    return (x, y, z, out) -> {
      double w = ValueNoise.fbm(x * inv, y * inv, z * inv, octaves, seed);
      // Stretch contrast around the mean so both colours really appear.
      w = clamp01((w - 0.5) * 1.8 + 0.5);
      out[0] = ca[0] + w * (cb[0] - ca[0]);
      out[1] = ca[1] + w * (cb[1] - ca[1]);
      out[2] = ca[2] + w * (cb[2] - ca[2]);
    };
  }

  /**
   * Wood: growth rings around a line parallel to local axis {@code axis} (0, 1, 2) through local
   * point {@code (ox, oy, oz)}, ring spacing {@code period}, warped by noise of amplitude
   * {@code warp} (in periods). Rings go from {@code light} to {@code dark}.
   */
  public static Texture wood(double[] light, double[] dark, int axis, double ox, double oy, double oz,
                             double period, double warp, int seed) {
    if (axis < 0 || axis > 2) {
      throw new IllegalArgumentException("axis must be 0, 1 or 2, found " + axis);
    }
    double inv = 1.0 / positive(period, "period");
    double[] cl = light.clone();
    double[] cd = dark.clone();
    return (x, y, z, out) -> {
      double px = x - ox;
      double py = y - oy;
      double pz = z - oz;
      double r = axis == 0 ? Math.sqrt(py * py + pz * pz)
          : axis == 1 ? Math.sqrt(px * px + pz * pz) : Math.sqrt(px * px + py * py);
      // Low-frequency warp (about 4 periods wide) so rings wobble like real grain.
      double n = ValueNoise.noise(x * inv * 0.25, y * inv * 0.25, z * inv * 0.25, seed);
      double s = r * inv + warp * (n - 0.5);
      double f = s - Math.floor(s);
      double tri = f < 0.5 ? 2 * f : 2 - 2 * f;
      double w = tri * tri * (3 - 2 * tri);
      out[0] = cl[0] + w * (cd[0] - cl[0]);
      out[1] = cl[1] + w * (cd[1] - cl[1]);
      out[2] = cl[2] + w * (cd[2] - cl[2]);
    };
  }

  /**
   * Floor boards: planks of {@code width} across local z and {@code length} along local x (rows
   * staggered), each plank's brightness jittered by up to {@code variation}, separated by seams of
   * colour {@code seam} {@code seamWidth} wide.
   */
  public static Texture planks(double[] base, double[] seam, double width, double length, double variation,
                               double seamWidth, int seed) {
    double invW = 1.0 / positive(width, "width");
    double invL = 1.0 / positive(length, "length");
    double seamW = seamWidth * invW;
    double seamL = seamWidth * invL;
    double[] cb = base.clone();
    double[] cs = seam.clone();
    return (x, y, z, out) -> {
      double sz = z * invW;
      double row = Math.floor(sz);
      // Stagger: every row is shifted by a hashed fraction of a plank length.
      double shift = ValueNoise.lattice((int) row, 0, 0, seed);
      double sx = x * invL + shift;
      double col = Math.floor(sx);
      double fz = sz - row;
      double fx = sx - col;
      if (fz < seamW || fx < seamL) {
        out[0] = cs[0];
        out[1] = cs[1];
        out[2] = cs[2];
        return;
      }
      double j = 1 + variation * (2 * ValueNoise.lattice((int) row, (int) col, 1, seed) - 1);
      out[0] = clamp01(cb[0] * j);
      out[1] = clamp01(cb[1] * j);
      out[2] = clamp01(cb[2] * j);
    };
  }

  /**
   * {@code base} with its brightness modulated by {@code ±amount / 2} of smooth noise with
   * features about {@code scale} wide (fabric, paint, plaster).
   */
  public static Texture grain(Texture base, double amount, double scale, int seed) {
    double inv = 1.0 / positive(scale, "scale");
    return (x, y, z, out) -> {
      base.albedo(x, y, z, out);
      double m = 1 + amount * (ValueNoise.fbm(x * inv, y * inv, z * inv, 2, seed) - 0.5);
      out[0] = clamp01(out[0] * m);
      out[1] = clamp01(out[1] * m);
      out[2] = clamp01(out[2] * m);
    };
  }

  /** {@code colour} scaled by {@code factor} (clamped), e.g. a darker shade of a base colour. */
  public static double[] shade(double[] colour, double factor) {
    return new double[] {clamp01(colour[0] * factor), clamp01(colour[1] * factor), clamp01(colour[2] * factor)};
  }

  static double clamp01(double v) {
    return v < 0 ? 0 : v > 1 ? 1 : v;
  }

  private static double positive(double v, String what) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be positive and finite, found " + v);
    }
    return v;
  }
}
