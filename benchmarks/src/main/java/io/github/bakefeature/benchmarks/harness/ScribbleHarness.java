package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.pipelines.Evaluation;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.synth.Preset;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/**
 * The sparse-scribble comparison of the feature issue: every method gets the same scribbles (3
 * frames, one short stroke per visible class, derived from ground truth with a fixed seed) and the
 * same number of steps; mIoU is measured over all frames. Prints one JSON line per method.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.bakefeature.benchmarks.harness.ScribbleHarness \
 *     preset=tabletop frames=40 width=160 height=120 iters=1500 methods=ours,snerf-hg-freq,snerf-hg,snerf-freq \
 *     [head=damped|probe|end-to-end] [save=PREFIX]
 * </pre>
 *
 * <p>{@code head} forces every method's {@link SemanticHead} (the ablation); {@code save} writes each
 * trained model to {@code PREFIX-<method>.ckpt} for {@code ./bakefeature render}.
 */
public final class ScribbleHarness {
  private ScribbleHarness() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    HarnessArgs o = new HarnessArgs(args, "iters", "methods", "save");
    Preset preset = o.preset();
    long seed = o.seed();
    int iters = o.getInt("iters", 1500);
    String[] methods = o.get("methods", "ours,snerf-hg-freq,snerf-hg,snerf-freq").split(",");
    // Ablation: force every method's semantic head (default: each method's own, see SemanticHead).
    SemanticHead head = o.semanticHead();
    Scene scene = o.syntheticScene();
    int frames = scene.size();

    SparseScribbles sparse = SparseScribbles.derive(scene, seed);
    int[] annotated = sparse.frames();
    List<LabelImage> scribbles = sparse.labels();
    System.err.printf(Locale.ROOT, "%s: %d strokes on frames %s, %d labelled pixels%n", preset.id(), sparse.strokes(),
        java.util.Arrays.toString(annotated), sparse.labelledPixels());
    FeatureSource features = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build())
        .optCacheDir(Files.createTempDirectory("bf-scribble-cache")).build();
    int[] all = java.util.stream.IntStream.range(0, frames).toArray();
    for (String m : methods) {
      MethodPreset method = MethodPreset.fromId(m);
      FieldTrainer t = Training.builder(scene).optMethod(method).optFeatures(features)
          .optLabels(Training.Labels.NONE).optClassCount(scene.classNames().size())
          .optFieldOptions(b -> head == null ? b : b.optSemanticHead(head))
          .optTrainerConfig(TrainerConfig.builder().optSeed(seed).build()).optSeed(seed).build();
      for (int i = 0; i < annotated.length; i++) {
        t.data().setLabels(t.data().trainingFrame(annotated[i]), scribbles.get(i));
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < iters; i++) {
        t.step();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      String save = o.get("save", "");
      if (!save.isEmpty()) {
        t.snapshot().save(java.nio.file.Path.of(save + "-" + method.id() + ".ckpt"));
      }
      Evaluation guided = Evaluation.of(t.snapshot(), scene, all, true);
      Evaluation novel = Evaluation.of(t.snapshot(), scene, all, false);
      StringBuilder perClass = new StringBuilder("[");
      for (int c = 0; c < guided.perClassIou().length; c++) {
        perClass.append(c > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", guided.perClassIou()[c]));
      }
      perClass.append(']');
      System.out.printf(Locale.ROOT,
          "{\"preset\":\"%s\",\"method\":\"%s\",\"semantic_head\":\"%s\",\"iters\":%d,\"train_seconds\":%.1f,\"strokes\":%d,\"labelled_pixels\":%d,"
              + "\"miou\":%.4f,\"miou_novel_view\":%.4f,\"pixel_accuracy\":%.4f,\"per_class_iou\":%s,\"classes\":\"%s\"}%n",
          preset.id(), method.id(), t.field().config().semanticHead(), iters, seconds, sparse.strokes(), sparse.labelledPixels(), guided.miou(), novel.miou(),
          guided.pixelAccuracy(), perClass, String.join("|", scene.classNames()));
    }
  }
}
