package io.github.bakefeature.core.synth;

/**
 * Seeded 3D value noise (hashed lattice values, smoothstep-trilinear interpolation) and its
 * fractal sum. Pure integer hashing and polynomial arithmetic, so results are bit-identical on
 * every thread and every JVM.
 */
public final class ValueNoise {
  private ValueNoise() {}

  /** A value in {@code [0, 1)} for an integer lattice point. */
  public static double lattice(int x, int y, int z, int seed) {
    int h = seed * 0x61c88647 + x * 0x27d4eb2f + y * 0x165667b1 + z * 0x1b873593;
    h ^= h >>> 15;
    h *= 0x2c1b3c6d;
    h ^= h >>> 12;
    h *= 0x297a2d39;
    h ^= h >>> 15;
    return (h >>> 8) * (1.0 / (1 << 24));
  }

  /** Smooth noise in {@code [0, 1]} with features about 1 unit wide. */
  public static double noise(double x, double y, double z, int seed) {
    double fx = Math.floor(x);
    double fy = Math.floor(y);
    double fz = Math.floor(z);
    int ix = (int) fx;
    int iy = (int) fy;
    int iz = (int) fz;
    double u = fade(x - fx);
    double v = fade(y - fy);
    double w = fade(z - fz);
    double c000 = lattice(ix, iy, iz, seed);
    double c100 = lattice(ix + 1, iy, iz, seed);
    double c010 = lattice(ix, iy + 1, iz, seed);
    double c110 = lattice(ix + 1, iy + 1, iz, seed);
    double c001 = lattice(ix, iy, iz + 1, seed);
    double c101 = lattice(ix + 1, iy, iz + 1, seed);
    double c011 = lattice(ix, iy + 1, iz + 1, seed);
    double c111 = lattice(ix + 1, iy + 1, iz + 1, seed);
    double x00 = c000 + u * (c100 - c000);
    double x10 = c010 + u * (c110 - c010);
    double x01 = c001 + u * (c101 - c001);
    double x11 = c011 + u * (c111 - c011);
    double y0 = x00 + v * (x10 - x00);
    double y1 = x01 + v * (x11 - x01);
    return y0 + w * (y1 - y0);
  }

  /**
   * Fractal sum of {@code octaves} noise layers (each twice the frequency, half the amplitude),
   * normalised to {@code [0, 1]}.
   */
  public static double fbm(double x, double y, double z, int octaves, int seed) {
    double sum = 0;
    double amp = 1;
    double norm = 0;
    double f = 1;
    for (int o = 0; o < octaves; o++) {
      sum += amp * noise(x * f, y * f, z * f, seed + o * 1013);
      norm += amp;
      amp *= 0.5;
      f *= 2;
    }
    return sum / norm;
  }

  private static double fade(double t) {
    return t * t * (3 - 2 * t);
  }
}
