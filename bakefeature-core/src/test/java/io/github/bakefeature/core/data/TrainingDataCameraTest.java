package io.github.bakefeature.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import org.junit.jupiter.api.Test;

class TrainingDataCameraTest {
  /** Scene image coordinate that training pixel coordinate {@code x} looks at along one axis. */
  private static double sceneX(CameraIntrinsics scene, CameraIntrinsics train, double x) {
    return (x - train.cx()) / train.fx() * scene.fx() + scene.cx();
  }

  private static double sceneY(CameraIntrinsics scene, CameraIntrinsics train, double y) {
    return (y - train.cy()) / train.fy() * scene.fy() + scene.cy();
  }

  @Test
  void aTrainingPixelLooksAtTheCentreOfItsSceneBlockAlsoWhenTheSizeDoesNotDivide() {
    // ScanNet's 968-row depth camera at scale 3, a 641-wide image at scale 2: the remainder is
    // dropped, so the camera must not be stretched over it.
    int[][] cases = {{1296, 968, 3}, {641, 481, 2}, {640, 480, 2}, {1295, 970, 4}};
    for (int[] c : cases) {
      int w = c[0];
      int h = c[1];
      int s = c[2];
      CameraIntrinsics scene = new CameraIntrinsics(w, h, 0.9 * w, 0.95 * w, 0.47 * w, 0.52 * h);
      CameraIntrinsics train = TrainingData.blockCamera(scene, s, w / s, h / s);
      assertEquals(w / s, train.width());
      for (int x : new int[] {0, w / s / 2, w / s - 1}) {
        assertEquals(s * x + (s - 1) / 2.0, sceneX(scene, train, x), 1e-9, w + "x" + h + " scale " + s + ", column " + x);
      }
      for (int y : new int[] {0, h / s - 1}) {
        assertEquals(s * y + (s - 1) / 2.0, sceneY(scene, train, y), 1e-9, w + "x" + h + " scale " + s + ", row " + y);
      }
    }
    // When the size divides, the camera is the resized one, exactly as before.
    CameraIntrinsics k = new CameraIntrinsics(640, 480, 585, 585, 320, 240);
    assertEquals(k.resized(320, 240), TrainingData.blockCamera(k, 2, 320, 240));
  }
}
