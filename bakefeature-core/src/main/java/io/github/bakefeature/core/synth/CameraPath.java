package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.Pose;
import java.util.ArrayList;
import java.util.List;

/**
 * A handheld-like orbit: the camera circles a centre once (in a seeded direction, from a seeded
 * start angle) while its distance, height and look-at target drift smoothly, so consecutive frames
 * overlap and the set of frames covers the scene from many directions. Roll is always zero (the
 * image x axis stays horizontal).
 *
 * <p>Eye at angle {@code theta}: {@code centre + (radiusX rho cos theta, 0, radiusZ rho sin theta)}
 * at height {@code height(s)}; target: {@code target + targetRadius (cos phi, 0, sin phi)} with
 * {@code phi = theta + targetPhase + jitter}, plus a smooth jitter of {@code targetJitter}.
 *
 * @param centreX orbit centre x (metres)
 * @param centreZ orbit centre z
 * @param radiusX semi-axis of the orbit along x at {@code rho = 1}
 * @param radiusZ semi-axis along z
 * @param rhoMin smallest relative radius ({@code rho} varies in {@code [rhoMin, 1]})
 * @param heightMin lowest camera height (world y)
 * @param heightMax highest camera height
 * @param targetX base look-at target x
 * @param targetY base look-at target height (world y), varied by {@code ±targetJitterY}
 * @param targetZ base look-at target z
 * @param targetRadius distance of the look-at point from the base target, in the direction
 *     {@code theta + targetPhase} (0 = look at the base target)
 * @param targetPhase see {@code targetRadius} (radians; pi = look across the centre)
 * @param targetSwing amplitude (radians) of the smooth swing of {@code phi} around
 *     {@code theta + targetPhase}, so the view sweeps left and right of the across direction
 * @param targetJitter amplitude of the smooth horizontal target jitter (metres)
 * @param targetJitterY amplitude of the smooth vertical target jitter (metres)
 */
public record CameraPath(double centreX, double centreZ, double radiusX, double radiusZ, double rhoMin,
                         double heightMin, double heightMax, double targetX, double targetY, double targetZ,
                         double targetRadius, double targetPhase, double targetSwing, double targetJitter,
                         double targetJitterY) {

  /** The camera poses of {@code frames} views along the path, ordered; deterministic in {@code seed}. */
  public List<Pose> poses(int frames, long seed) {
    if (frames < 1) {
      throw new IllegalArgumentException("frames must be at least 1, found " + frames);
    }
    SeededRandom rnd = new SeededRandom(SeededRandom.hash(seed, 0xCA3E7AL, 0));
    double start = rnd.range(0, 2 * Math.PI);
    double dir = rnd.sign();
    double[] phases = new double[10];
    for (int i = 0; i < phases.length; i++) {
      phases[i] = rnd.range(0, 2 * Math.PI);
    }
    List<Pose> poses = new ArrayList<>(frames);
    for (int f = 0; f < frames; f++) {
      // One full turn; s in [0, 1) so the last frame does not repeat the first.
      double s = (double) f / frames;
      double theta = start + dir * 2 * Math.PI * s;
      double rho = mapUnit(wave(s, 1, 3, phases[0], phases[1]), rhoMin, 1);
      double height = mapUnit(wave(s, 2, 3, phases[2], phases[3]), heightMin, heightMax);
      double ex = centreX + radiusX * rho * StrictMath.cos(theta);
      double ez = centreZ + radiusZ * rho * StrictMath.sin(theta);
      double phi = theta + targetPhase + targetSwing * wave(s, 1, 3, phases[4], phases[5]);
      double tx = targetX + targetRadius * StrictMath.cos(phi) + targetJitter * wave(s, 3, 4, phases[6], phases[7]);
      double tz = targetZ + targetRadius * StrictMath.sin(phi) + targetJitter * wave(s, 4, 3, phases[7], phases[8]);
      double ty = targetY + targetJitterY * wave(s, 3, 5, phases[8], phases[9]);
      poses.add(lookAt(ex, height, ez, tx, ty, tz));
    }
    return poses;
  }

  /**
   * The pose of a camera at {@code eye} looking at {@code target} with zero roll (world up +y).
   *
   * @throws IllegalArgumentException if the view direction is (nearly) vertical
   */
  public static Pose lookAt(double ex, double ey, double ez, double tx, double ty, double tz) {
    double fx = tx - ex;
    double fy = ty - ey;
    double fz = tz - ez;
    double fn = Math.sqrt(fx * fx + fy * fy + fz * fz);
    fx /= fn;
    fy /= fn;
    fz /= fn;
    // right = forward x up(0,1,0); OpenCV: x right, y down, z forward, right-handed.
    double rx = -fz;
    double ry = 0;
    double rz = fx;
    double rn = Math.sqrt(rx * rx + rz * rz);
    if (!(rn > 1e-6)) {
      throw new IllegalArgumentException("cannot look straight up or down (roll undefined)");
    }
    rx /= rn;
    rz /= rn;
    // down = forward x right.
    double dx = fy * rz - fz * ry;
    double dy = fz * rx - fx * rz;
    double dz = fx * ry - fy * rx;
    return Pose.fromCameraToWorld(new double[] {
        rx, dx, fx, ex,
        ry, dy, fy, ey,
        rz, dz, fz, ez,
        0, 0, 0, 1});
  }

  /** A smooth periodic wave in [-1, 1] of s in [0, 1): two harmonics with the given phases. */
  private static double wave(double s, int f1, int f2, double p1, double p2) {
    return 0.65 * StrictMath.sin(2 * Math.PI * f1 * s + p1) + 0.35 * StrictMath.sin(2 * Math.PI * f2 * s + p2);
  }

  private static double mapUnit(double w, double lo, double hi) {
    return lo + (hi - lo) * 0.5 * (w + 1);
  }
}
