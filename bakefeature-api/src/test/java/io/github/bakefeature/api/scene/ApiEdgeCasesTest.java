package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.Encoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Edge cases of the value types a library user meets. */
class ApiEdgeCasesTest {
  @Test
  void aBoxsUpperCornerByAxisIsExactlyItsMax() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      double x0 = r.nextDouble(-5, 5);
      double x1 = x0 + r.nextDouble(1e-3, 5);
      Aabb b = new Aabb(x0, 0, 0, x1, 1, 1);
      assertEquals(b.maxX(), b.max(0), "box " + b); // min + size rounds: it used to differ by ulps
      assertEquals(1.0, b.max(1));
    }
  }

  @Test
  void poseEqualityDoesNotDependOnTheSignOfZero() {
    double[] identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    assertEquals(Pose.identity(), Pose.fromCameraToWorld(identity));
    assertEquals(Pose.identity().hashCode(), Pose.fromCameraToWorld(identity).hashCode());
  }

  @Test
  void horizontalFieldOfViewMustBeAnOpenAngle() {
    for (double bad : new double[] {0, 180, -10, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CameraIntrinsics.fromHorizontalFov(64, 48, bad));
      assertTrue(e.getMessage().contains("field of view in (0, 180) degrees, found " + bad), e.getMessage());
    }
    assertEquals(32, CameraIntrinsics.fromHorizontalFov(64, 48, 90).fx(), 1e-9);
  }

  @Test
  void strokesOnImagesBeyondIntIndicesAreRefusedNotWrapped() {
    Stroke s = Stroke.paint(0, 2f, 100f, 49_000f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.forEachPixel(50_000, 50_000, p -> { }));
    assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
  }

  @Test
  void denseEncodingRefusesAnOutputBeyondAnArray() {
    Encoding wide = new Encoding() {
      @Override
      public int inputDimension() {
        return 3;
      }

      @Override
      public int outputDimension() {
        return 256;
      }

      @Override
      public void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
      }
    };
    assertThrows(ArithmeticException.class, () -> wide.encode(new float[0], 10_000_000));
    assertThrows(IllegalArgumentException.class, () -> wide.encode(new float[0], -1));
    assertEquals(512, wide.encode(new float[6], 2).length);
  }

  @Test
  void invalidSceneExceptionKeepsItsFileThroughSerialisation() throws Exception {
    InvalidSceneException e = new InvalidSceneException(Path.of("scene", "pose", "00003.txt"), "rotation is not orthonormal");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      InvalidSceneException back = (InvalidSceneException) in.readObject();
      assertEquals(Path.of("scene", "pose", "00003.txt"), back.file());
      assertEquals("rotation is not orthonormal", back.problem());
    }
  }
}
