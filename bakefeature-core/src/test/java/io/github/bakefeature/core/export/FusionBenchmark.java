package io.github.bakefeature.core.export;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Scene;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.EnumSet;
import java.util.List;

/**
 * Time and peak heap of point-cloud fusion, streaming ({@code new}) against the buffered fusion it
 * replaced ({@code old}), or of rendering alone ({@code render}), on analytic box-room views that
 * hold no images. Not a test; run one mode per JVM, e.g. with {@code -XX:+UseSerialGC -Xmx1g}:
 * {@code java -cp <core test-classes:classes:deps> io.github.bakefeature.core.export.FusionBenchmark
 * new 200 320 240 3}.
 * Peak heap is the sum of the heap pools' peaks since a full GC before each run; the smallest
 * {@code -Xmx} a run survives is the sharper figure.
 */
final class FusionBenchmark {
  private FusionBenchmark() {}

  public static void main(String[] args) {
    String mode = args[0];
    int frames = Integer.parseInt(args[1]);
    int w = Integer.parseInt(args[2]);
    int h = Integer.parseInt(args[3]);
    int repeats = Integer.parseInt(args[4]);
    Aabb room = new Aabb(-2, -1.2, -3, 2, 1.3, 3);
    Scene scene = FusionFixtures.cameras(CameraIntrinsics.fromHorizontalFov(w, h, 70),
        FusionFixtures.posesInside(room, frames, 7), room.padded(0.1),
        List.of("-x", "+x", "-y", "+y", "-z", "+z", "s0", "s1", "s2"));
    ViewSource views = FusionFixtures.boxRoom(scene, room);
    PointCloudExporter ex = PointCloudExporter.builder().build();
    for (int r = 0; r < repeats; r++) {
      System.gc();
      List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP).toList();
      long before = 0;
      for (MemoryPoolMXBean p : heap) {
        p.resetPeakUsage();
        before += p.getUsage().getUsed();
      }
      long t0 = System.nanoTime();
      int points;
      switch (mode) {
        case "new" -> points = ex.fuse(views, scene, 9).count();
        case "old" -> points = LegacyPointCloudFusion.fuse(ex, 1, 0.5f, views, scene,
            ExportClasses.fromScene(scene, 9)).count();
        case "render" -> {
          points = 0;
          for (int f = 0; f < frames; f++) {
            points += views.render(f, scene.frame(f).intrinsics(),
                EnumSet.of(RenderOutput.DEPTH, RenderOutput.COLOUR, RenderOutput.CLASSES)).width();
          }
        }
        default -> throw new IllegalArgumentException("mode is new, old or render, found " + mode);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long peak = 0;
      for (MemoryPoolMXBean p : heap) {
        peak += p.getPeakUsage().getUsed();
      }
      System.out.printf("%s %d frames %dx%d: %d points, %d ms, peak heap %.1f MB (%.1f MB before)%n", mode, frames, w,
          h, points, ms, peak / 1e6, before / 1e6);
    }
  }
}
