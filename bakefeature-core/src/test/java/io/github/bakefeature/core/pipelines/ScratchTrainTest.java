package io.github.bakefeature.core.pipelines;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import org.junit.jupiter.api.Test;

class ScratchTrainTest {
  @Test
  void scratch() throws Exception {
    int iters = Integer.getInteger("iters", 300);
    Scene scene = SyntheticScenes.tabletop(40, 160, 120, 1);
    int[] train = Evaluation.training(scene.size(), 5, 4);
    int[] test = Evaluation.heldOut(scene.size(), 5, 4);
    FieldTrainer t = Training.builder(scene).optMethod(MethodPreset.valueOf(System.getProperty("method", "SNERF_HG_FREQ")))
        .optTrainingFrames(train).optLabels(Training.Labels.GROUND_TRUTH).build();
    long t0 = System.nanoTime();
    for (int i = 0; i < iters; i++) {
      StepResult r = t.step();
      if (i % 100 == 0 || i == iters - 1) {
        System.out.printf("step %d loss %.4f rgb %.5f (%.1f dB) depth %.4f sem %.4f  %.1f ms/step%n", i, r.total(), r.rgb(),
            r.batchPsnr(), r.depth(), r.semantic(), (System.nanoTime() - t0) / 1e6 / (i + 1));
      }
    }
    long[] ph = t.phaseNanos();
    String[] names = FieldTrainer.phaseNames();
    for (int i = 0; i < ph.length; i++) {
      System.out.printf("  %s %.1f ms/step%n", names[i], ph[i] / 1e6 / iters);
    }
    long t1 = System.nanoTime();
    Evaluation e = Evaluation.of(t.snapshot(), scene, test);
    System.out.printf("eval psnr %.2f depthMAE %.4f median %.4f (diag %.3f) miou %.4f  eval %.1fs occ %.3f%n", e.psnr(), e.depthMae(),
        e.depthMedianAbsError(), scene.bounds().diagonal(), e.miou(), (System.nanoTime() - t1) / 1e9, t.occupancy().occupiedFraction());
  }
}
