package io.github.bakefeature.api.scene;

import java.util.Arrays;
import java.util.Locale;

/**
 * A rigid camera pose. Both directions are explicit so that no caller has to remember which one a
 * file stores: {@link #worldToCamera()} maps world points into the camera frame,
 * {@link #cameraToWorld()} maps camera points into the world. Camera axes are OpenCV's (x right,
 * y down, z forward); units are metres. Matrices are 4x4, row-major, as 16 doubles.
 *
 * <p>Immutable and thread-safe. The point/direction transforms write into caller-provided arrays
 * and allocate nothing, so they can be used on hot paths.
 */
public final class Pose {
  /**
   * Largest accepted {@code max |R^T R - I|}. Text files rounded to 4-6 digits and SLAM drift stay
   * well below it (the worst pose of the 7-Scenes sample is 3.8e-4); a uniform scale of s gives
   * about {@code 2|s - 1|}, so a 0.1 % scale (a similarity transform, not a rigid pose) is rejected.
   */
  public static final double ORTHONORMAL_TOLERANCE = 2e-3;

  /** Converts OpenGL/Blender camera axes (x right, y up, z backward) to OpenCV axes. */
  private static final double[] FLIP_YZ = {
      1, 0, 0, 0,
      0, -1, 0, 0,
      0, 0, -1, 0,
      0, 0, 0, 1};

  private final double[] w2c;
  private final double[] c2w;

  private Pose(double[] w2c, double[] c2w) {
    this.w2c = w2c;
    this.c2w = c2w;
  }

  /** The identity pose: camera at the world origin looking down +z. */
  public static Pose identity() {
    double[] id = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    return new Pose(id, id.clone());
  }

  /**
   * A pose from its 4x4 world-to-camera matrix (row-major, OpenCV axes, metres).
   *
   * @throws IllegalArgumentException if the matrix is not finite or not rigid (see {@link #rigidityProblem})
   */
  public static Pose fromWorldToCamera(double[] worldToCamera) {
    double[] m = copy16(worldToCamera);
    String problem = rigidityProblem(m);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new Pose(m, invertRigid(m));
  }

  /**
   * A pose from its 4x4 camera-to-world matrix (row-major, OpenCV axes, metres).
   *
   * @throws IllegalArgumentException if the matrix is not finite or not rigid
   */
  public static Pose fromCameraToWorld(double[] cameraToWorld) {
    double[] m = copy16(cameraToWorld);
    String problem = rigidityProblem(m);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new Pose(invertRigid(m), m);
  }

  /**
   * A pose from a camera-to-world matrix whose camera axes are OpenGL's (x right, y up, z
   * backward), as in nerfstudio / instant-ngp {@code transforms.json} and Blender.
   */
  public static Pose fromOpenGlCameraToWorld(double[] cameraToWorldGl) {
    return fromCameraToWorld(multiply(copy16(cameraToWorldGl), FLIP_YZ));
  }

  /**
   * Why {@code m} is not a rigid transform, or null if it is: all entries finite, last row
   * {@code 0 0 0 1}, rotation orthonormal within {@link #ORTHONORMAL_TOLERANCE} and
   * right-handed (determinant +1).
   */
  public static String rigidityProblem(double[] m) {
    if (m == null) {
      return "expected a 4x4 matrix (16 values), found null";
    }
    if (m.length != 16) {
      return "expected a 4x4 matrix (16 values), found " + m.length + " values";
    }
    for (double v : m) {
      if (!Double.isFinite(v)) {
        return "matrix has a non-finite entry (" + v + ")";
      }
    }
    if (Math.abs(m[12]) > 1e-6 || Math.abs(m[13]) > 1e-6 || Math.abs(m[14]) > 1e-6
        || Math.abs(m[15] - 1) > 1e-6) {
      return "expected last row 0 0 0 1, found " + m[12] + " " + m[13] + " " + m[14] + " " + m[15];
    }
    double maxErr = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = 0;
        for (int k = 0; k < 3; k++) {
          dot += m[k * 4 + i] * m[k * 4 + j];
        }
        maxErr = Math.max(maxErr, Math.abs(dot - (i == j ? 1 : 0)));
      }
    }
    if (maxErr > ORTHONORMAL_TOLERANCE) {
      return "rotation is not orthonormal (max |R^T R - I| = " + exceeding(maxErr, ORTHONORMAL_TOLERANCE)
          + ", expected <= " + ORTHONORMAL_TOLERANCE + ")";
    }
    double det = m[0] * (m[5] * m[10] - m[6] * m[9])
        - m[1] * (m[4] * m[10] - m[6] * m[8])
        + m[2] * (m[4] * m[9] - m[5] * m[8]);
    if (det < 0) {
      return String.format(Locale.ROOT, "rotation is a reflection (determinant %.3f, expected +1)", det);
    }
    return null;
  }

  /**
   * {@code value} with the fewest significant digits (at least 3) that still print a number above
   * {@code limit}, so a message never reads {@code "= 0.00200, expected <= 0.002"}.
   */
  static String exceeding(double value, double limit) {
    String s = "";
    for (int digits = 3; digits <= 17; digits++) {
      s = String.format(Locale.ROOT, "%." + digits + "g", value);
      if (Double.parseDouble(s) > limit) {
        break;
      }
    }
    return s;
  }

  /** World-to-camera 4x4 matrix, row-major (a copy). */
  public double[] worldToCamera() {
    return w2c.clone();
  }

  /** Camera-to-world 4x4 matrix, row-major (a copy). */
  public double[] cameraToWorld() {
    return c2w.clone();
  }

  /** Camera centre in world coordinates, written to {@code out[0..2]}. */
  public void cameraCentre(double[] out) {
    out[0] = c2w[3];
    out[1] = c2w[7];
    out[2] = c2w[11];
  }

  /** Maps a world point into the camera frame; writes {@code out[0..2]}. */
  public void worldToCameraPoint(double x, double y, double z, double[] out) {
    transformPoint(w2c, x, y, z, out);
  }

  /** Maps a camera-frame point into the world; writes {@code out[0..2]}. */
  public void cameraToWorldPoint(double x, double y, double z, double[] out) {
    transformPoint(c2w, x, y, z, out);
  }

  /** Rotates a camera-frame direction into the world (no translation); writes {@code out[0..2]}. */
  public void cameraToWorldDirection(double x, double y, double z, double[] out) {
    double ox = c2w[0] * x + c2w[1] * y + c2w[2] * z;
    double oy = c2w[4] * x + c2w[5] * y + c2w[6] * z;
    double oz = c2w[8] * x + c2w[9] * y + c2w[10] * z;
    out[0] = ox;
    out[1] = oy;
    out[2] = oz;
  }

  /**
   * Entry (row, col) of the camera-to-world matrix, without copying.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= row, col < 4}
   */
  public double cameraToWorld(int row, int col) {
    return c2w[index(row, col)];
  }

  /**
   * Entry (row, col) of the world-to-camera matrix, without copying.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= row, col < 4}
   */
  public double worldToCamera(int row, int col) {
    return w2c[index(row, col)];
  }

  private static int index(int row, int col) {
    // Without the check (2, 4) would silently read entry (3, 0), the next row's first.
    if (row < 0 || row > 3 || col < 0 || col > 3) {
      throw new IndexOutOfBoundsException("expected row and column in 0..3 of a 4x4 matrix, found (" + row + ", "
          + col + ")");
    }
    return row * 4 + col;
  }

  /** Camera-to-world in OpenGL camera axes (x right, y up, z backward), as transforms.json stores it. */
  public double[] cameraToWorldOpenGl() {
    return multiply(c2w, FLIP_YZ);
  }

  private static void transformPoint(double[] m, double x, double y, double z, double[] out) {
    double ox = m[0] * x + m[1] * y + m[2] * z + m[3];
    double oy = m[4] * x + m[5] * y + m[6] * z + m[7];
    double oz = m[8] * x + m[9] * y + m[10] * z + m[11];
    out[0] = ox;
    out[1] = oy;
    out[2] = oz;
  }

  private static double[] copy16(double[] m) {
    if (m == null || m.length != 16) {
      throw new IllegalArgumentException(
          "expected a 4x4 matrix (16 values), found " + (m == null ? "null" : m.length + " values"));
    }
    return m.clone();
  }

  /** Inverse of an affine 4x4 (general 3x3 inverse, so slightly non-orthonormal input stays exact). */
  static double[] invertRigid(double[] m) {
    double a = m[0], b = m[1], c = m[2], d = m[4], e = m[5], f = m[6], g = m[8], h = m[9], i = m[10];
    double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    double inv = 1.0 / det;
    double[] r = new double[16];
    r[0] = (e * i - f * h) * inv;
    r[1] = (c * h - b * i) * inv;
    r[2] = (b * f - c * e) * inv;
    r[4] = (f * g - d * i) * inv;
    r[5] = (a * i - c * g) * inv;
    r[6] = (c * d - a * f) * inv;
    r[8] = (d * h - e * g) * inv;
    r[9] = (b * g - a * h) * inv;
    r[10] = (a * e - b * d) * inv;
    double tx = m[3], ty = m[7], tz = m[11];
    r[3] = -(r[0] * tx + r[1] * ty + r[2] * tz);
    r[7] = -(r[4] * tx + r[5] * ty + r[6] * tz);
    r[11] = -(r[8] * tx + r[9] * ty + r[10] * tz);
    r[15] = 1;
    for (int k = 0; k < 16; k++) {
      r[k] += 0.0; // -0.0 becomes 0.0: equals compares bits, and -(0) must equal a written 0
    }
    return r;
  }

  private static double[] multiply(double[] x, double[] y) {
    double[] r = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += x[i * 4 + k] * y[k * 4 + j];
        }
        r[i * 4 + j] = s;
      }
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pose p && Arrays.equals(w2c, p.w2c);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(w2c);
  }

  @Override
  public String toString() {
    return "Pose[worldToCamera=" + Arrays.toString(w2c) + "]";
  }
}
