package io.github.bakefeature.examples;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.Segmentation;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.eval.SegmentationMetrics;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.simulation.GroundTruthScribbles;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The library from Java, in one page: what a labelling tool embedding BakeFeature does. Run it
 * from the IDE (no arguments: a synthetic tabletop scene in a temporary folder) or with a scene
 * folder with {@code gt_semantic/} as the first argument (and the number of training steps as the
 * second, default 1500).
 *
 * <ol>
 *   <li>open a scene folder (the paper tool's format);
 *   <li>extract and cache baked-feature targets (the weight-free filter bank);
 *   <li>start a label session: it trains in a background thread and persists every stroke;
 *   <li>draw a few strokes (here derived from the scene's ground truth, as a person would draw);
 *   <li>read the dense segmentation of every frame and export masks.
 * </ol>
 */
public final class EmbedExample {
  private EmbedExample() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline(); // before anything touches DJL: no network, no tracking
    Path dir;
    if (args.length > 0) {
      dir = Path.of(args[0]);
    } else {
      dir = Files.createTempDirectory("bakefeature-example").resolve("scene");
      SceneWriter.write(SyntheticScenes.tabletop(12, 160, 120, 1), dir);
    }
    run(dir, args.length > 1 ? Long.parseLong(args[1]) : 1500);
  }

  /** Labels the scene in {@code dir} for {@code steps} training steps; returns the mIoU over all frames. */
  public static double run(Path dir, long steps) throws Exception {
    Scene scene = SceneFolder.open(dir);
    FeatureCache features = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build()).build();

    try (DefaultLabelSession session = DefaultLabelSession.builder(scene)
        .optMethod(MethodPreset.OURS)
        .optFeatures(features)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(512).build())
        .build()) {
      session.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          if (p.step() % 250 == 0) {
            System.out.printf("step %d  %.1f steps/s  losses %s%n", p.step(), p.stepsPerSecond(), p.losses());
          }
        }
      });

      // A person scribbles on two frames; every stroke is on disk when applyStroke returns.
      GroundTruthScribbles person = GroundTruthScribbles.defaults();
      SplittableRandom random = new SplittableRandom(7);
      for (int f : new int[] {0, scene.size() / 2}) {
        LabelImage truth = scene.frame(f).groundTruth().orElseThrow(
            () -> new IllegalStateException("this example draws from gt_semantic/, which " + dir + " lacks"));
        List<Stroke> strokes = person.strokes(truth, random);
        strokes.forEach(s -> session.applyStroke(f, s));
      }
      session.awaitStep(session.step() + steps); // a reopened scene resumes its model's step count

      // Dense, 3D-consistent segmentation of every frame, compared with the ground truth.
      SegmentationMetrics metrics = new SegmentationMetrics(session.classes().size());
      for (int f = 0; f < scene.size(); f++) {
        Segmentation s = session.segment(f);
        Frame frame = scene.frame(f);
        metrics.add(s.classes(), frame.groundTruth().orElseThrow());
      }
      System.out.printf("mIoU over all %d frames after %d steps: %.3f%n", scene.size(), session.step(), metrics.meanIou());

      Path masks = dir.resolveSibling("masks");
      int[] all = java.util.stream.IntStream.range(0, scene.size()).toArray();
      MaskExporter.builder().build().export(ViewSource.of(session), scene, session.classes().size(), all, masks);
      System.out.println("masks and overlays: " + masks.toAbsolutePath());
      return metrics.meanIou();
    }
  }
}
