package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.util.Optional;

/** Test helpers comparing scenes, poses and images with the tolerances of the scene format. */
public final class SceneAssertions {
  private SceneAssertions() {}

  /** Poses agree to {@code tol} in every world-to-camera entry. */
  public static void assertPoseEquals(Pose expected, Pose actual, double tol, String what) {
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(expected.worldToCamera(r, c), actual.worldToCamera(r, c), tol, what + " w2c[" + r + "][" + c + "]");
      }
    }
  }

  public static void assertIntrinsicsEquals(CameraIntrinsics e, CameraIntrinsics a, double tol, String what) {
    assertEquals(e.width(), a.width(), what + " width");
    assertEquals(e.height(), a.height(), what + " height");
    assertEquals(e.fx(), a.fx(), tol, what + " fx");
    assertEquals(e.fy(), a.fy(), tol, what + " fy");
    assertEquals(e.cx(), a.cx(), tol, what + " cx");
    assertEquals(e.cy(), a.cy(), tol, what + " cy");
  }

  /** Largest |a - b| over pixels valid in both; also asserts the validity masks agree. */
  public static double maxDepthError(DepthImage e, DepthImage a) {
    assertEquals(e.width(), a.width());
    assertEquals(e.height(), a.height());
    double worst = 0;
    for (int y = 0; y < e.height(); y++) {
      for (int x = 0; x < e.width(); x++) {
        assertEquals(e.isValid(x, y), a.isValid(x, y), "validity of depth pixel (" + x + ", " + y + ")");
        if (e.isValid(x, y)) {
          worst = Math.max(worst, Math.abs(e.get(x, y) - a.get(x, y)));
        }
      }
    }
    return worst;
  }

  /**
   * Frame by frame equality: cameras to 1e-9, poses to {@code poseTol}, colour exact, depth to
   * {@code depthTol} metres, labels exact.
   */
  public static void assertScenesEqual(Scene expected, Scene actual, double poseTol, double depthTol)
      throws IOException {
    assertEquals(expected.size(), actual.size(), "frames");
    assertEquals(expected.classNames(), actual.classNames(), "class names");
    assertEquals(expected.hasGroundTruth(), actual.hasGroundTruth(), "has ground truth");
    for (int i = 0; i < expected.size(); i++) {
      Frame e = expected.frame(i);
      Frame a = actual.frame(i);
      String what = "frame " + i;
      assertIntrinsicsEquals(e.intrinsics(), a.intrinsics(), 1e-9, what);
      assertPoseEquals(e.pose(), a.pose(), poseTol, what);
      assertArrayEquals(e.rgb().pixels(), a.rgb().pixels(), what + " rgb");
      assertEquals(e.hasDepth(), a.hasDepth(), what + " has depth");
      if (e.hasDepth()) {
        double err = maxDepthError(e.depth().orElseThrow(), a.depth().orElseThrow());
        assertTrue(err <= depthTol, what + " depth error " + err + " m > " + depthTol);
      }
      assertLabels(e.groundTruth(), a.groundTruth(), what + " ground truth");
      assertLabels(e.scribbles(), a.scribbles(), what + " scribbles");
    }
  }

  private static void assertLabels(Optional<LabelImage> e, Optional<LabelImage> a, String what) {
    assertEquals(e.isPresent(), a.isPresent(), what + " present");
    e.ifPresent(l -> assertArrayEquals(l.labels(), a.orElseThrow().labels(), what));
  }
}
