package io.github.bakefeature.core.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.ColourFeatures;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.Mlp;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short training runs on a small synthetic scene (a smaller hash table keeps them fast): the
 * losses fall, every method trains, checkpoints reload bit-identically and resume exactly.
 */
class FieldTrainerTest {
  private static Scene scene;

  @TempDir
  Path tmp;

  @BeforeAll
  static void makeScene() {
    scene = SyntheticScenes.tabletop(10, 64, 48, 2);
  }

  static FieldTrainer trainer(MethodPreset method, long seed) throws Exception {
    return Training.builder(scene)
        .optMethod(method)
        .optFeatures(ColourFeatures.of(scene))
        .optLabels(Training.Labels.GROUND_TRUTH)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(256).optUniformSamples(6).optSurfaceSamples(10)
            .optSeed(seed).build())
        .optSeed(seed)
        .build();
  }

  /** {@link #trainer} after {@code steps} steps. */
  static FieldTrainer trained(MethodPreset method, long seed, int steps) throws Exception {
    FieldTrainer t = trainer(method, seed);
    for (int i = 0; i < steps; i++) {
      t.step();
    }
    return t;
  }

  @Test
  void countsTheStepsThatSawLabelsAndKeepsTheCountInCheckpoints() throws Exception {
    FieldTrainer labelled = trainer(MethodPreset.SNERF_FREQ, 5);
    for (int i = 0; i < 3; i++) {
      labelled.step();
    }
    assertEquals(3, labelled.labelledSteps(), "dense GT labels: every batch holds labelled rays");
    assertEquals(3, labelled.snapshot().labelledSteps());
    assertFalse(labelled.snapshot().unlabelled());
    FieldTrainer none = Training.builder(scene).optMethod(MethodPreset.SNERF_FREQ).optLabels(Training.Labels.NONE)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).optUniformSamples(6).optSurfaceSamples(10).build())
        .build();
    none.step();
    none.step();
    assertEquals(0, none.labelledSteps());
    assertTrue(none.snapshot().unlabelled());
    Path ckpt = tmp.resolve("unlabelled.ckpt");
    Checkpoint.save(none, ckpt);
    Checkpoint read = Checkpoint.read(ckpt);
    assertTrue(read.model().unlabelled(), "the count survives a checkpoint");
    assertEquals(2, read.model().step());
    Path modelOnly = tmp.resolve("model-only.ckpt");
    read.model().save(modelOnly);
    assertTrue(SemanticFieldModel.load(modelOnly).unlabelled(), "and a model-only save");
    Path labelledCkpt = tmp.resolve("labelled.ckpt");
    Checkpoint.save(labelled, labelledCkpt);
    assertEquals(3, Checkpoint.read(labelledCkpt).model().labelledSteps());
  }

  @Test
  void refusesGroundTruthLabelsForASceneWithoutGroundTruth() throws Exception {
    io.github.bakefeature.core.scene.InMemoryScene.Builder b = io.github.bakefeature.core.scene.InMemoryScene.builder()
        .optBounds(scene.bounds()).optClassNames(scene.classNames());
    for (int i = 0; i < 3; i++) {
      io.github.bakefeature.api.scene.Frame fr = scene.frame(i);
      b.addFrame(fr.intrinsics(), fr.pose(), fr.rgb(), fr.depth().orElse(null), null, null);
    }
    io.github.bakefeature.api.scene.Scene noTruth = b.build();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Training.builder(noTruth).optMethod(MethodPreset.SNERF_FREQ).optLabels(Training.Labels.GROUND_TRUTH).build());
    assertTrue(e.getMessage().contains("none of the 3 training frames has a ground-truth semantic image"), e.getMessage());
    // Without scribbles, scribble supervision is a legitimate warm-up.
    FieldTrainer t = Training.builder(noTruth).optMethod(MethodPreset.SNERF_FREQ).build();
    assertEquals(0, t.iteration());
    t.step();
    assertEquals(1, t.iteration());
  }

  @Test
  void everyMethodReducesItsLossesWithinAFewDozenSteps() throws Exception {
    for (MethodPreset m : MethodPreset.values()) {
      FieldTrainer t = trainer(m, 1);
      StepResult first = t.step();
      StepResult last = first;
      for (int i = 0; i < 60; i++) {
        last = t.step();
      }
      assertTrue(last.rgb() < 0.8 * first.rgb(), m + ": rgb loss " + first.rgb() + " -> " + last.rgb());
      assertTrue(last.semantic() < 0.8 * first.semantic(), m + ": semantic loss " + first.semantic() + " -> " + last.semantic());
      assertEquals(m.usesFeatures(), last.feature() > 0, m + ": feature loss only for methods with features");
    }
  }

  @Test
  void aStepWithANonFiniteLossIsRefusedAndLeavesEveryParameterAsItWas() throws Exception {
    io.github.bakefeature.core.data.FeatureSource colour = ColourFeatures.of(scene);
    io.github.bakefeature.core.data.FeatureSource broken = new io.github.bakefeature.core.data.FeatureSource() {
      @Override
      public int dimension() {
        return colour.dimension();
      }

      @Override
      public void lookup(int frame, int px, int py, float[] out, int offset) {
        java.util.Arrays.fill(out, offset, offset + dimension(), Float.NaN);
      }
    };
    FieldTrainer t = Training.builder(scene).optMethod(MethodPreset.OURS).optFeatures(broken)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).optSeed(1).build()).build();
    Path before = tmp.resolve("before.ckpt");
    Checkpoint.save(t, before);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::step);
    assertTrue(e.getMessage().contains("step 0 diverged") && e.getMessage().contains("feature=NaN"), e.getMessage());
    assertEquals(0, t.iteration());
    Path after = tmp.resolve("after.ckpt");
    Checkpoint.save(t, after);
    assertArrayEquals(java.nio.file.Files.readAllBytes(before), java.nio.file.Files.readAllBytes(after),
        "no parameter, moment or step count moved");
  }

  @Test
  void checkpointReloadsToBitIdenticalRendersAndResumesExactly() throws Exception {
    FieldTrainer a = trained(MethodPreset.OURS, 3, 20);
    Path ckpt = tmp.resolve("model.ckpt");
    Checkpoint.save(a, ckpt);
    Frame f = scene.frame(4);
    EnumSet<RenderOutput> all = EnumSet.allOf(RenderOutput.class);
    RenderedView before = a.snapshot().render(f.intrinsics(), f.pose(), all);
    RenderedView loaded = SemanticFieldModel.load(ckpt).render(f.intrinsics(), f.pose(), all);
    assertArrayEquals(before.colour(), loaded.colour());
    assertArrayEquals(before.depth(), loaded.depth());
    assertArrayEquals(before.features(), loaded.features());
    assertArrayEquals(before.classes(), loaded.classes());
    assertArrayEquals(before.confidence(), loaded.confidence());

    // A model snapshot saves and loads on its own (no optimiser state), rendering the same.
    Path modelOnly = tmp.resolve("snapshot.ckpt");
    a.snapshot().save(modelOnly);
    assertArrayEquals(before.colour(), SemanticFieldModel.load(modelOnly).render(f.intrinsics(), f.pose(), all).colour());
    assertThrows(java.io.IOException.class, () -> Checkpoint.read(modelOnly).resume(trainer(MethodPreset.OURS, 3).data()));
    // A loaded model renders on the CPU whatever device is selected (it holds no device memory);
    // resuming training moves its grid to the device, and a device that cannot run says so.
    var data = trainer(MethodPreset.OURS, 3).data();
    String device = System.getProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY);
    System.setProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY, "tpu");
    try {
      assertArrayEquals(before.colour(), SemanticFieldModel.load(ckpt).render(f.intrinsics(), f.pose(), all).colour());
      IllegalStateException e = assertThrows(io.github.bakefeature.core.encodings.DeviceUnavailableException.class,
          () -> Checkpoint.read(ckpt).resume(data));
      assertTrue(e.getMessage().contains("bakefeature.device=tpu is not a known device"), e.getMessage());
    } finally {
      if (device == null) {
        System.clearProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY);
      } else {
        System.setProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY, device);
      }
    }
    // ... with the render settings it had, not the defaults.
    io.github.bakefeature.core.renderers.RenderSettings coarse =
        new io.github.bakefeature.core.renderers.RenderSettings(512, 1f / 256f, 64, 1e-3f, 6, 10, 0.01f);
    SemanticFieldModel tuned = a.snapshot().withRenderSettings(coarse);
    tuned.save(modelOnly);
    SemanticFieldModel reloaded = SemanticFieldModel.load(modelOnly);
    assertEquals(coarse, reloaded.renderSettings());
    RenderedView coarseBefore = tuned.render(f.intrinsics(), f.pose(), all);
    assertArrayEquals(coarseBefore.depth(), reloaded.render(f.intrinsics(), f.pose(), all).depth());
    assertFalse(java.util.Arrays.equals(before.depth(), coarseBefore.depth()), "the settings change the render");

    // Resuming continues exactly like the uninterrupted trainer.
    FieldTrainer b = Checkpoint.read(ckpt).resume(trainer(MethodPreset.OURS, 3).data());
    for (int i = 0; i < 5; i++) {
      StepResult ra = a.step();
      StepResult rb = b.step();
      assertEquals(ra.total(), rb.total(), "step " + ra.step());
    }
    RenderedView ca = a.snapshot().render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.COLOUR));
    RenderedView cb = b.snapshot().render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.COLOUR));
    assertArrayEquals(ca.colour(), cb.colour());
  }

  @Test
  void resumeHandsTheStateOverOnceAndRefusesDataThatDoesNotFit() throws Exception {
    // Before: the trainer trained the checkpoint's own model (an "immutable" model that changed
    // under its holder), two resumes shared one field, and any data was taken (null, no features).
    FieldTrainer a = trainer(MethodPreset.OURS, 3);
    a.step();
    Path ckpt = tmp.resolve("handover.ckpt");
    Checkpoint.save(a, ckpt);
    var data = trainer(MethodPreset.OURS, 3).data();

    Checkpoint c = Checkpoint.read(ckpt);
    SemanticFieldModel held = c.model();
    FieldTrainer b = c.resume(data);
    b.step();
    io.github.bakefeature.api.scene.Frame f = scene.frame(0);
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> held.render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.COLOUR)));
    assertEquals("model is closed", closed.getMessage());
    IllegalStateException twice = assertThrows(IllegalStateException.class, () -> c.resume(data));
    assertTrue(twice.getMessage().contains("already resumed a trainer"), twice.getMessage());

    assertThrows(NullPointerException.class, () -> Checkpoint.read(ckpt).resume(null));
    var withoutFeatures = Training.builder(scene).optMethod(MethodPreset.SNERF_FREQ).optLabels(Training.Labels.GROUND_TRUTH)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build()).build().data();
    Checkpoint other = Checkpoint.read(ckpt);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.resume(withoutFeatures));
    assertTrue(e.getMessage().contains("but the training data has none"), e.getMessage());
    other.model().newRenderer(); // a refused resume leaves the checkpoint's model open

    // A trainer that cannot be built (no such device) leaves the checkpoint usable for a retry.
    Checkpoint retry = Checkpoint.read(ckpt);
    String device = System.getProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY);
    System.setProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY, "tpu");
    try {
      assertThrows(io.github.bakefeature.core.encodings.DeviceUnavailableException.class, () -> retry.resume(data));
    } finally {
      if (device == null) {
        System.clearProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY);
      } else {
        System.setProperty(io.github.bakefeature.core.encodings.HashGrids.DEVICE_PROPERTY, device);
      }
    }
    retry.model().newRenderer();
    assertEquals(1, retry.resume(data).iteration());
  }

  @Test
  void aCheckpointCopiedInMemoryIsWrittenBitIdenticalToASaveAtThatStepWhateverTheTrainerDidSince() throws Exception {
    FieldTrainer a = trainer(MethodPreset.OURS, 3);
    for (int i = 0; i < 3; i++) {
      a.step();
    }
    Checkpoint.Image image = Checkpoint.encode(a);
    Path saved = tmp.resolve("saved.ckpt");
    Checkpoint.save(a, saved);
    byte[] expected = Files.readAllBytes(saved);
    assertEquals(expected.length, image.size());
    assertEquals(3, image.step());
    // The copy does not follow the trainer: it can be written after the lock is let go.
    a.step();
    a.step();
    Path later = tmp.resolve("later.ckpt");
    image.write(later);
    assertArrayEquals(expected, Files.readAllBytes(later));
    Checkpoint.save(a, saved);
    assertFalse(Arrays.equals(expected, Files.readAllBytes(saved)), "the trainer itself moved on");
    assertEquals(3, Checkpoint.read(later).model().step());
  }

  @Test
  void refusesTruncatedOrForeignCheckpointsWithTheFileName() throws Exception {
    FieldTrainer a = trainer(MethodPreset.SNERF_HG, 4);
    Path ckpt = tmp.resolve("m.ckpt");
    Checkpoint.save(a, ckpt);
    byte[] bytes = Files.readAllBytes(ckpt);
    Path truncated = tmp.resolve("truncated.ckpt");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Checkpoint.CheckpointException e = assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.read(truncated));
    assertTrue(e.getMessage().contains("truncated.ckpt") && e.getMessage().contains("truncated"), e.getMessage());
    bytes[bytes.length - 20] ^= 0x55;
    Path flipped = tmp.resolve("flipped.ckpt");
    Files.write(flipped, bytes);
    e = assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.read(flipped));
    assertTrue(e.getMessage().contains("flipped.ckpt"), e.getMessage());
    // A damaged header (here the MLP widths' digits) is caught by the checksum before any size in it
    // is believed: such sizes could otherwise ask for gigabytes.
    byte[] header = Files.readAllBytes(ckpt);
    String text = new String(header, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"hiddenWidth\":") + "\"hiddenWidth\":".length();
    assertTrue(at > 8, "the header names the MLP width");
    header[at] = (byte) '9';
    header[at + 1] = (byte) '9';
    Path wide = tmp.resolve("wide.ckpt");
    Files.write(wide, header);
    e = assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.read(wide));
    assertTrue(e.getMessage().contains("wide.ckpt") && e.getMessage().contains("checksum mismatch"), e.getMessage());
    Path png = tmp.resolve("image.ckpt");
    Files.writeString(png, "not a checkpoint at all, just some text of a reasonable length");
    e = assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.read(png));
    assertTrue(e.getMessage().contains("not a BakeFeature checkpoint"), e.getMessage());
  }

  @Test
  void rejectsCheckpointWithOptimiserStateForAnAbsentNetworkNamingTheNetwork() throws Exception {
    FieldTrainer a = trainer(MethodPreset.SNERF_FREQ, 4);
    int last = SemanticField.mlpNames().length - 1;
    assertEquals(null, a.field().mlps()[last], "the last network is absent in this preset");
    Path ckpt = tmp.resolve("absent.ckpt");
    Checkpoint.save(a, ckpt);
    byte[] b = Files.readAllBytes(ckpt);
    // The file ends with the last network's "no state" flag and the CRC; claim state of -1 parameters.
    assertEquals(0, b[b.length - 9]);
    byte[] d = java.nio.ByteBuffer.allocate(b.length + 4).put(b, 0, b.length - 9).put((byte) 1).putInt(-1)
        .put(new byte[8]).array();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(d, 0, d.length - 8);
    java.nio.ByteBuffer.wrap(d).putLong(d.length - 8, crc.getValue());
    Path damaged = tmp.resolve("absent-damaged.ckpt");
    Files.write(damaged, d);
    Checkpoint.CheckpointException e = assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.read(damaged));
    // Before: -1 matched the "absent" marker, passed the check and failed later in Adam as
    // "corrupt (parameter count -1 must be >= 0 ...)", naming no network.
    assertTrue(e.getMessage().contains("expected no state for the absent network " + SemanticField.mlpNames()[last]
        + ", found state for -1"), e.getMessage());
  }

  /**
   * A checkpoint whose trainer settings a later version refuses (here a batch above today's cap)
   * still renders as it did, with the depth-guided sampling it was trained with, and refuses to
   * resume naming the setting instead of failing as corrupt.
   */
  @Test
  void checkpointWithTrainerSettingsOutOfRangeLoadsAsAModelThatRendersTheSame() throws Exception {
    FieldTrainer a = trained(MethodPreset.OURS, 3, 5);
    Path ckpt = tmp.resolve("settings.ckpt");
    Checkpoint.save(a, ckpt);
    byte[] b = Files.readAllBytes(ckpt);
    // Layout: 16 magic bytes, version, header length, header JSON, state, CRC of all before it.
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
    int len = in.getInt(20);
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = (ObjectNode) json.readTree(Arrays.copyOfRange(b, 24, 24 + len));
    ((ObjectNode) header.get("trainer")).put("raysPerBatch", TrainerConfig.MAX_RAYS_PER_BATCH + 1);
    byte[] h = json.writeValueAsBytes(header);
    byte[] d = java.nio.ByteBuffer.allocate(b.length - len + h.length).put(b, 0, 20).putInt(h.length).put(h)
        .put(b, 24 + len, b.length - 24 - len).array();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(d, 0, d.length - 8);
    java.nio.ByteBuffer.wrap(d).putLong(d.length - 8, crc.getValue());
    Path newer = tmp.resolve("settings-out-of-range.ckpt");
    Files.write(newer, d);

    Checkpoint c = Checkpoint.read(newer);
    assertEquals(null, c.trainerConfig());
    Frame f = scene.frame(4);
    EnumSet<RenderOutput> all = EnumSet.allOf(RenderOutput.class);
    SemanticFieldModel original = Checkpoint.read(ckpt).model();
    assertEquals(original.renderSettings(), c.model().renderSettings(), "the trained 6 + 10 samples, not the defaults");
    RenderedView expected = original.renderFrame(f, f.intrinsics(), all); // around the measured depth
    RenderedView got = c.model().renderFrame(f, f.intrinsics(), all);
    assertArrayEquals(expected.colour(), got.colour());
    assertArrayEquals(expected.classes(), got.classes());
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> c.resume(a.data()));
    assertTrue(e.getMessage().contains("training settings are out of range")
        && e.getMessage().contains(String.valueOf(TrainerConfig.MAX_RAYS_PER_BATCH + 1)), e.getMessage());
  }

  /**
   * Found while adding resealed checkpoints (damage under a valid checksum) to SceneFilesFuzzTest:
   * an optimiser entry's parameter count was only checked for >= 0, so it allocated its state first —
   * Integer.MAX_VALUE threw an OutOfMemoryError out of Checkpoint.read instead of a
   * CheckpointException; 2^28 took 2 GB before failing as "truncated".
   */
  @Test
  void rejectsCheckpointWhoseOptimiserCountDisagreesWithItsNetworkBeforeAllocating() throws Exception {
    FieldTrainer a = trainer(MethodPreset.SNERF_FREQ, 4);
    Path ckpt = tmp.resolve("adam.ckpt");
    Checkpoint.save(a, ckpt);
    byte[] b = Files.readAllBytes(ckpt);
    int params = a.field().mlps()[0].parameterCount();
    // The optimiser section: true, 6 entries, true, the density network's parameter count.
    byte[] section = java.nio.ByteBuffer.allocate(10).put((byte) 1).putInt(6).put((byte) 1).putInt(params).array();
    int at = -1;
    for (int i = b.length - 8 - section.length; i >= 0 && at < 0; i--) {
      if (java.util.Arrays.equals(b, i, i + section.length, section, 0, section.length)) {
        at = i + 6;
      }
    }
    assertTrue(at > 0, "found the optimiser section");
    for (int bad : new int[] {Integer.MAX_VALUE, 1 << 28, params + 1}) {
      java.nio.ByteBuffer.wrap(b).putInt(at, bad);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(b, 0, b.length - 8);
      java.nio.ByteBuffer.wrap(b).putLong(b.length - 8, crc.getValue());
      Path damaged = tmp.resolve("adam-" + bad + ".ckpt");
      Files.write(damaged, b);
      Checkpoint.CheckpointException e = assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.read(damaged));
      assertTrue(e.getMessage().contains(damaged.toString()) && e.getMessage().contains("expected " + params
          + " parameters for network density, found state for " + bad), e.getMessage());
    }
  }

  @Test
  void addingClassesGrowsTheSemanticHeadAndKeepsExistingLogits() throws Exception {
    FieldTrainer t = trainer(MethodPreset.SNERF_HG_FREQ, 5);
    t.step();
    Frame f = scene.frame(1);
    short[] before = t.snapshot().render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.CLASSES)).classes();
    int c = t.field().classCount();
    t.ensureClasses(c + 2);
    assertEquals(c + 2, t.field().classCount());
    RenderedView after = t.snapshot().render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.CLASSES));
    int same = 0;
    for (int i = 0; i < before.length; i++) {
      if (before[i] == after.classes()[i]) {
        same++;
      }
    }
    assertTrue(same > before.length * 0.5, "old classes keep their logits; new ones start small");
    t.step();
  }

  /** A trainer of {@code ours} whose only non-zero loss is the semantic one. */
  private static FieldTrainer semanticOnly(SemanticHead head) throws Exception {
    return Training.builder(scene)
        .optMethod(MethodPreset.OURS)
        .optFeatures(ColourFeatures.of(scene))
        .optLabels(Training.Labels.GROUND_TRUTH)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256).optSemanticHead(head))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(256).optUniformSamples(6).optSurfaceSamples(10)
            .optLossWeights(0, 0, 1, 0).optFreeSpaceWeight(0).optSeed(4).build())
        .optSeed(4)
        .build();
  }

  private static float[] parameters(Mlp m) {
    float[] p = new float[m.parameterCount()];
    m.flatten(p, 0);
    return p;
  }

  @Test
  void probeHeadLeavesTheFieldToColourDepthAndFeatureLosses() throws Exception {
    FieldTrainer t = semanticOnly(SemanticHead.PROBE);
    Frame f = scene.frame(2);
    float[] depthBefore = t.snapshot().render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.DEPTH)).depth();
    Mlp[] before = t.field().copy().mlps();
    StepResult first = t.step();
    StepResult last = first;
    // 15 steps: fewer than the occupancy grid's update period, so the render below sees the same grid.
    for (int i = 0; i < 14; i++) {
      last = t.step();
    }
    Mlp[] after = t.field().mlps();
    for (int i : new int[] {0, 1, 2, 3}) {
      assertArrayEquals(parameters(before[i]), parameters(after[i]),
          SemanticField.mlpNames()[i] + " must not move under a probe head");
    }
    assertArrayEquals(depthBefore,
        t.snapshot().render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.DEPTH)).depth(),
        "density and hash grid must not move under a probe head");
    for (int i : new int[] {4, 5}) {
      assertFalse(Arrays.equals(parameters(before[i]), parameters(after[i])),
          SemanticField.mlpNames()[i] + " (the probe) should learn");
    }
    assertTrue(last.semantic() < first.semantic(), "the probe itself learns: " + first.semantic()
        + " -> " + last.semantic());
  }

  @Test
  void endToEndAndDampedHeadsMoveTheFieldWithTheSemanticLoss() throws Exception {
    for (SemanticHead head : new SemanticHead[] {SemanticHead.END_TO_END, SemanticHead.DAMPED}) {
      FieldTrainer t = semanticOnly(head);
      Mlp[] before = t.field().copy().mlps();
      for (int i = 0; i < 5; i++) {
        t.step();
      }
      Mlp[] after = t.field().mlps();
      for (int i : new int[] {0, 3}) {
        assertFalse(Arrays.equals(parameters(before[i]), parameters(after[i])),
            SemanticField.mlpNames()[i] + " should learn from the semantic loss with a " + head + " head");
      }
    }
  }

  @Test
  void semanticHeadDefaultsToDampedForFeatureMethodsAndReadsOldConfigsAsEndToEnd() throws Exception {
    assertEquals(SemanticHead.DAMPED, FieldConfig.builder(MethodPreset.OURS).build().semanticHead());
    for (MethodPreset m : new MethodPreset[] {MethodPreset.SNERF_FREQ, MethodPreset.SNERF_HG, MethodPreset.SNERF_HG_FREQ}) {
      assertEquals(SemanticHead.END_TO_END, FieldConfig.builder(m).build().semanticHead(), m.id());
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode node = json.valueToTree(FieldConfig.builder(MethodPreset.OURS).build());
    assertEquals("DAMPED", node.get("semanticHead").asText());
    node.remove("semanticHead");
    // A checkpoint written before the option existed was trained end to end.
    assertEquals(SemanticHead.END_TO_END, json.treeToValue(node, FieldConfig.class).semanticHead());
  }

  @Test
  void hashGridDefaultsFollowThePaperAndCanBeOverridden() {
    FieldConfig c = FieldConfig.builder(MethodPreset.OURS).build();
    assertEquals(16, c.hashLevels());
    assertEquals(2, c.hashFeaturesPerLevel());
    assertEquals(19, c.hashLog2TableSize());
    assertEquals(16, c.hashBaseResolution());
    assertEquals(2, c.frequencies());
    assertEquals(10, FieldConfig.builder(MethodPreset.SNERF_FREQ).build().frequencies());
  }
}
