package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PoseTest {

  private static double[] scaled(double s) {
    return new double[] {s, 0, 0, 1, 0, s, 0, 2, 0, 0, s, 3, 0, 0, 0, 1};
  }

  @Test
  void acceptsRotationsRoundedToFiveDecimals() {
    double a = 0.3;
    double c = Math.round(Math.cos(a) * 1e5) / 1e5;
    double s = Math.round(Math.sin(a) * 1e5) / 1e5;
    assertNull(Pose.rigidityProblem(new double[] {c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
  }

  @Test
  void rejectsAFourPerMilleScaleThatTheOldToleranceAccepted() {
    // |R^T R - I| = 1.004^2 - 1 = 8.0e-3: a similarity transform, not a rigid pose.
    String problem = Pose.rigidityProblem(scaled(1.004));
    assertTrue(problem != null && problem.startsWith("rotation is not orthonormal (max |R^T R - I| = 0.00802"),
        String.valueOf(problem));
    assertTrue(problem.endsWith("expected <= 0.002)"), problem);
    assertThrows(IllegalArgumentException.class, () -> Pose.fromWorldToCamera(scaled(1.004)));
    assertNull(Pose.rigidityProblem(scaled(1.0009)));
  }

  @Test
  void errorJustAboveTheToleranceIsPrintedAsAboveIt() {
    // The error is 2.0000002e-3, which three significant digits would print as "0.00200".
    double s = Math.sqrt(1 + Pose.ORTHONORMAL_TOLERANCE * 1.0000001);
    String problem = Pose.rigidityProblem(scaled(s));
    String shown = problem.substring(problem.indexOf("= ") + 2, problem.indexOf(','));
    assertTrue(Double.parseDouble(shown) > Pose.ORTHONORMAL_TOLERANCE, problem);
    assertEquals("0.00300", Pose.exceeding(0.003, 0.002));
    assertEquals("0.0020000002", Pose.exceeding(0.0020000002, 0.002));
  }

  @Test
  void entryAccessorsRejectIndicesOutsideTheMatrix() {
    // Before: (2, 4) silently read entry (3, 0) of the row-major array, and (4, 0) threw a bare
    // ArrayIndexOutOfBoundsException.
    Pose p = Pose.fromWorldToCamera(scaled(1));
    assertEquals(3.0, p.worldToCamera(2, 3));
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> p.cameraToWorld(3, 4));
    assertTrue(e.getMessage().contains("expected row and column in 0..3 of a 4x4 matrix, found (3, 4)"), e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> p.worldToCamera(2, 4));
    assertThrows(IndexOutOfBoundsException.class, () -> p.worldToCamera(4, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> p.worldToCamera(0, -1));
  }

  @Test
  void rigidityProblemOfNullSaysSo() {
    assertEquals("expected a 4x4 matrix (16 values), found null", Pose.rigidityProblem(null));
  }
}
