package io.github.bakefeature.core.cameras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import org.junit.jupiter.api.Test;

class CameraRaysTest {

  @Test
  void rayThroughAPixelHitsTheBackProjectedPointAtItsDepth() {
    CameraIntrinsics k = new CameraIntrinsics(64, 48, 50, 55, 31.5, 23.5);
    double a = Math.toRadians(30);
    // Camera-to-world: rotate about y, then translate.
    Pose pose = Pose.fromCameraToWorld(new double[] {
        Math.cos(a), 0, Math.sin(a), 1,
        0, 1, 0, 2,
        -Math.sin(a), 0, Math.cos(a), 3,
        0, 0, 0, 1});
    float[] cam = CameraRays.pack(k, pose);
    float[] o = new float[3];
    float[] d = new float[3];
    float[] zt = new float[1];
    int u = 10;
    int v = 40;
    double z = 2.5;
    CameraRays.ray(cam, 0, u, v, 0, o, d, zt);
    double[] p = new double[3];
    pose.cameraToWorldPoint((u - k.cx()) / k.fx() * z, (v - k.cy()) / k.fy() * z, z, p);
    double t = z * zt[0];
    for (int i = 0; i < 3; i++) {
      assertEquals(p[i], o[i] + t * d[i], 1e-5);
    }
    assertEquals(1.0, d[0] * d[0] + d[1] * d[1] + d[2] * d[2], 1e-6);
  }
}
