package io.github.bakefeature.core.synth;

/**
 * Where a primitive sits: its centre in world coordinates (metres) and a rotation whose columns are
 * the local x, y, z axes in world coordinates (row-major 3x3, orthonormal, determinant +1).
 */
public record Placement(double x, double y, double z, double[] rotation) {

  public Placement {
    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
      throw new IllegalArgumentException("centre must be finite, found (" + x + ", " + y + ", " + z + ")");
    }
    if (rotation == null || rotation.length != 9) {
      throw new IllegalArgumentException("rotation must be 9 values (3x3 row-major), found "
          + (rotation == null ? "null" : rotation.length));
    }
    rotation = rotation.clone();
    double err = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = 0;
        for (int k = 0; k < 3; k++) {
          dot += rotation[k * 3 + i] * rotation[k * 3 + j];
        }
        err = Math.max(err, Math.abs(dot - (i == j ? 1 : 0)));
      }
    }
    if (!(err < 1e-9)) {
      throw new IllegalArgumentException("rotation must be orthonormal, found max |R^T R - I| = " + err);
    }
  }

  /** Axis-aligned placement at (x, y, z). */
  public static Placement at(double x, double y, double z) {
    return new Placement(x, y, z, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
  }

  /** Placement at (x, y, z) turned by {@code yaw} radians about the world up axis (+y). */
  public static Placement yawed(double x, double y, double z, double yaw) {
    double c = StrictMath.cos(yaw);
    double s = StrictMath.sin(yaw);
    return new Placement(x, y, z, new double[] {c, 0, s, 0, 1, 0, -s, 0, c});
  }

  /**
   * Placement at (x, y, z) with rotation {@code Ry(yaw) * Rx(pitch) * Rz(roll)} (radians), e.g. to
   * turn a textured ball or to tilt a cylinder.
   */
  public static Placement rotated(double x, double y, double z, double yaw, double pitch, double roll) {
    double cy = StrictMath.cos(yaw);
    double sy = StrictMath.sin(yaw);
    double cp = StrictMath.cos(pitch);
    double sp = StrictMath.sin(pitch);
    double cr = StrictMath.cos(roll);
    double sr = StrictMath.sin(roll);
    double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    double[] rx = {1, 0, 0, 0, cp, -sp, 0, sp, cp};
    double[] rz = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
    return new Placement(x, y, z, mul(mul(ry, rx), rz));
  }

  @Override
  public double[] rotation() {
    return rotation.clone();
  }

  private static double[] mul(double[] a, double[] b) {
    double[] r = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += a[i * 3 + k] * b[k * 3 + j];
        }
        r[i * 3 + j] = s;
      }
    }
    return r;
  }
}
