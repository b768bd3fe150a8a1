package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.export.ExportClasses;
import io.github.bakefeature.core.export.LabelledPointCloud;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.export.PointCloudExporter;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.session.DefaultLabelSession;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * The app's exports of a live session, built on {@code core.export}: dense masks with overlays of
 * every frame, and a labelled point cloud. Each run renders from one model snapshot taken when it
 * starts (training goes on meanwhile), so all frames of an export come from the same model, and
 * names and colours are the session's current classes.
 */
public final class SessionExports {
  /** File name of the point cloud inside its export folder. */
  public static final String POINT_CLOUD_FILE = "pointcloud.ply";
  /** The point cloud fuses at most this many frames (evenly strided): rendering is its cost. */
  static final int MAX_CLOUD_FRAMES = 120;

  private SessionExports() {}

  /** Render scale of the {@code masks-fast} export. */
  static final double FAST_MASKS_SCALE = 0.5;

  /**
   * Registers {@link #masks()} as {@code masks}, {@link #masks(double) masks(0.5)} as
   * {@code masks-fast} and {@link #pointCloud()} as {@code pointcloud}.
   */
  public static GuiServer.Builder register(GuiServer.Builder b) {
    // Exports of versions before the marker file held these names only: still replaced as exports.
    java.util.Set<String> masksLayout = java.util.Set.of(MaskExporter.MASKS, MaskExporter.OVERLAYS, MaskExporter.LEGEND);
    return b.optExport("masks", "Masks + overlays (PNG, every frame)", masks(), masksLayout)
        .optExport("masks-fast", "Masks + overlays, 4x faster (half-size renders, upsampled along image edges)",
            masks(FAST_MASKS_SCALE))
        .optExport("pointcloud", "Labelled point cloud (PLY)", pointCloud(), java.util.Set.of(POINT_CLOUD_FILE));
  }

  /**
   * Every frame's class-id mask, overlay and {@code classes.json} ({@link MaskExporter}'s layout:
   * {@code masks/}, {@code overlays/}).
   */
  public static GuiExport masks() {
    return masks(1);
  }

  /**
   * {@link #masks()} rendered at {@code renderScale} of each frame's resolution, in (0, 1], and
   * written at the frame's resolution ({@link MaskExporter.Builder#optRenderScale}).
   */
  public static GuiExport masks(double renderScale) {
    MaskExporter.builder().optRenderScale(renderScale); // refuses a bad scale when registered, not when run
    return (session, out, progress) -> {
      Snapshot s = Snapshot.of(session);
      if (s.unlabelled) {
        throw new IllegalStateException("nothing to export yet: the model has not trained on a labelled pixel"
            + " (paint a few strokes, let it train, then export)");
      }
      int[] frames = IntStream.range(0, s.scene.size()).toArray();
      MaskExporter.Summary sum = MaskExporter.builder().optClasses(ExportClasses.fromSession(session, s.classCount))
          .optRenderScale(renderScale).build().export(ViewSource.withProgress(s.views, "masks", frames.length, progress), s.scene, s.classCount, frames, out);
      return sum.frames() + " masks and overlays (model step " + s.step
          + (renderScale < 1 ? ", rendered at " + Math.round(renderScale * 100) + "% size" : "") + ")";
    };
  }

  /**
   * A labelled point cloud ({@link PointCloudExporter}, binary PLY) fused from at most
   * {@value #MAX_CLOUD_FRAMES} evenly strided frames rendered at half resolution.
   */
  public static GuiExport pointCloud() {
    return (session, out, progress) -> {
      Snapshot s = Snapshot.of(session);
      int stride = Math.max(1, (s.scene.size() + MAX_CLOUD_FRAMES - 1) / MAX_CLOUD_FRAMES);
      PointCloudExporter pce = PointCloudExporter.builder().optFrameStride(stride).optRenderScale(0.5)
          .optClasses(ExportClasses.fromSession(session, s.classCount)).build();
      int n = pce.frames(s.scene).length;
      ViewSource counted = ViewSource.withProgress(s.views, "render", n, progress);
      // Before any label the classes are arbitrary: geometry and colour only, class unknown.
      LabelledPointCloud cloud = s.unlabelled ? pce.fuseGeometry(counted, s.scene)
          : pce.fuse(counted, s.scene, s.classCount);
      cloud.writePly(out.resolve(POINT_CLOUD_FILE));
      return cloud.count() + " points from " + n + " frames -> " + POINT_CLOUD_FILE + " (model step " + s.step
          + (s.unlabelled ? "; no labels yet, so no classes" : "") + ")";
    };
  }

  /** One model for the whole export. */
  private record Snapshot(Scene scene, ViewSource views, int classCount, long step, boolean unlabelled) {
    static Snapshot of(LabelSession session) {
      Scene scene = session.scene();
      if (session instanceof DefaultLabelSession d) {
        SemanticFieldModel m = d.model();
        // Rendered as the session renders (ids beyond its classes name none), from this one model.
        ViewSource views = (frame, camera, outputs) -> d.render(m, frame, camera, outputs);
        int classes = Math.max(1, Math.min(m.classCount(), session.classes().size()));
        return new Snapshot(scene, views, classes, m.step(), m.unlabelled());
      }
      // Another implementation: render through the session itself, frame by frame.
      return new Snapshot(scene, ViewSource.of(session), Math.max(1, session.classes().size()), -1,
          session.annotatedFrames().isEmpty());
    }
  }
}
