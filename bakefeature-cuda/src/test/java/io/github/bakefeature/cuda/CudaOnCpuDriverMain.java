package io.github.bakefeature.cuda;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.encodings.HashGrids;
import io.github.bakefeature.core.encodings.HybridEncoding;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.pipelines.StepResult;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * Runs in a child JVM whose LD_LIBRARY_PATH puts the CPU stand-in driver (src/test/cuda/
 * fake_libcuda.cpp) first, so CudaContext, CudaHashGridEncoding and JCuda really execute: the GPU
 * comparison tests of {@link CudaHashGridEncodingTest}, then the same training run once with the
 * CPU grid and once with {@code bakefeature.device=cuda}. The stand-in runs kernel threads in
 * order, so the two runs must agree bit for bit, down to the checkpoint files. Prints "ok" and exits
 * 0, or exits non-zero with the failure; exit 3 when CUDA did not come up at all.
 */
public final class CudaOnCpuDriverMain {
  private CudaOnCpuDriverMain() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    String why = CudaContext.get().unavailableReason().orElse(null);
    if (why != null) {
      System.err.println("CUDA unavailable under the stand-in driver: " + why);
      System.exit(3);
    }
    CudaHashGridEncodingTest grids = new CudaHashGridEncodingTest();
    grids.trainsLikeTheJavaGridAndSavesTheSameCheckpoint();
    grids.refusesCallsAfterClose();

    Path dir = Files.createTempDirectory("cuda-on-cpu");
    Scene scene = SyntheticScenes.tabletop(6, 48, 36, 2);
    byte[][] checkpoints = new byte[2][];
    float[][] losses = new float[2][];
    short[][] classes = new short[2][];
    String[] devices = {"cpu", "cuda"};
    for (int d = 0; d < 2; d++) {
      System.setProperty(HashGrids.DEVICE_PROPERTY, devices[d]);
      FieldTrainer t = Training.builder(scene)
          .optMethod(MethodPreset.SNERF_HG_FREQ)
          .optLabels(Training.Labels.GROUND_TRUTH)
          .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(128))
          .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(128).optUniformSamples(4).optSurfaceSamples(6)
              .optSeed(7).build())
          .optSeed(7)
          .build();
      Object grid = ((HybridEncoding) t.field().positionEncoding()).parts().get(0);
      if ((grid instanceof CudaHashGridEncoding) != (d == 1)) {
        throw new AssertionError(devices[d] + ": the field's hash grid is a " + grid.getClass().getSimpleName());
      }
      losses[d] = new float[8];
      for (int i = 0; i < losses[d].length; i++) {
        StepResult r = t.step();
        losses[d][i] = r.total();
      }
      Path file = dir.resolve(devices[d] + ".ckpt");
      Checkpoint.save(t, file);
      checkpoints[d] = Files.readAllBytes(file);
      // A loaded model stays on the CPU; a resumed trainer puts its grid on the device and goes on
      // exactly as the trainer that wrote the checkpoint.
      FieldTrainer resumed = Checkpoint.read(file).resume(t.data());
      Object resumedGrid = ((HybridEncoding) resumed.field().positionEncoding()).parts().get(0);
      if ((resumedGrid instanceof CudaHashGridEncoding) != (d == 1)) {
        throw new AssertionError(devices[d] + ": the resumed grid is a " + resumedGrid.getClass().getSimpleName());
      }
      float next = t.step().total();
      float again = resumed.step().total();
      if (next != again) {
        throw new AssertionError(devices[d] + ": the resumed trainer's step " + again + " differs from " + next);
      }
      if (resumedGrid instanceof CudaHashGridEncoding c) {
        c.close();
      }
      Frame f = scene.frame(1);
      classes[d] = SemanticFieldModel.load(file).render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.CLASSES))
          .classes();
      if (grid instanceof CudaHashGridEncoding c) {
        c.close(); // with the resumed one closed too, no device memory may be left: loaded models hold none
      }
    }
    System.clearProperty(HashGrids.DEVICE_PROPERTY);
    if (!Arrays.equals(losses[0], losses[1])) {
      throw new AssertionError("losses differ: cpu " + Arrays.toString(losses[0]) + " cuda " + Arrays.toString(losses[1]));
    }
    if (!Arrays.equals(checkpoints[0], checkpoints[1])) {
      throw new AssertionError("checkpoints differ (" + checkpoints[0].length + " / " + checkpoints[1].length + " bytes)");
    }
    if (!Arrays.equals(classes[0], classes[1])) {
      throw new AssertionError("rendered classes differ");
    }
    System.out.println("ok: losses " + Arrays.toString(losses[1]) + ", checkpoints of " + checkpoints[0].length
        + " bytes identical");
  }
}
