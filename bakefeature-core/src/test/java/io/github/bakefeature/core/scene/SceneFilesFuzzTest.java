package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.eval.LabelmeMasks;
import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.session.AnnotationStore;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded, deterministic fuzzing of everything a user's scene folder holds: a valid 3-frame 32x24
 * tabletop with scribbles, an undo history, a checkpoint, a feature cache and labelme masks is
 * damaged by 1 to 3 random mutations ({@link FuzzFiles#mutate}: truncation, bit flips, random
 * overwrites, deletion, a folder or an empty file in place of a file, NaN / huge / negative
 * numbers in text and JSON files, PNG headers claiming huge sizes, checkpoints damaged under a
 * valid checksum), then read the way a user's commands read it: {@link SceneFolder#open} and every
 * frame's images, {@link SceneInspector} ({@code bakefeature info}), {@link LabelmeMasks},
 * {@link AnnotationStore#open}, {@link Checkpoint#read}, a {@link DefaultLabelSession} resuming
 * the checkpoint and a {@link FeatureCache} reusing its folder.
 *
 * <p>Every read must either succeed with a consistent object or throw the product's typed
 * exception ({@link InvalidSceneException}, {@link Checkpoint.CheckpointException}) naming a file
 * of the scene — never another exception, an error or a hang — and must not change a file it has
 * no business writing: scene readers write nothing; a session may repair {@code session/} but
 * keeps every file it cannot use (set aside) and never changes a scribble PNG; a feature cache
 * rebuilds inside {@code cache/} only. A failure names the seed, the iteration and the mutations.
 */
class SceneFilesFuzzTest {
  /** Fixed for the build; {@code -Dfuzz.seed=N -Dfuzz.iterations=M} explore further (a failure prints its seed). */
  static final long SEED = Long.getLong("fuzz.seed", 20240611L);
  static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 160);
  static final int W = 32;
  static final int H = 24;

  @TempDir static Path tmp;
  static Path pristine;
  static List<String> classNames;
  static float[][] pristineFeatures;
  static ExecutorService worker;

  enum Focus { SCENE, LABELME, SESSION, CHECKPOINT, CACHE }

  @BeforeAll
  static void writeValidScene() throws Exception {
    worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-load");
      t.setDaemon(true);
      return t;
    });
    pristine = tmp.resolve("pristine");
    SceneWriter.write(SyntheticScenes.tabletop(3, W, H, 1), pristine);
    SceneFolder scene = SceneFolder.open(pristine);
    classNames = scene.classNames();
    try (AnnotationStore store = AnnotationStore.open(scene)) {
      store.applyStroke(0, Stroke.paint(1, 3f, 4, 4, 20, 10));
      store.applyStroke(0, Stroke.paint(2, 2f, 25, 20, 28, 5));
      store.applyStroke(1, Stroke.paint(0, 4f, 10, 12, 12, 12));
      store.applyStroke(2, Stroke.paint(classNames.size() - 1, 2f, 1, 1, 30, 22));
      store.applyStroke(1, Stroke.erase(2f, 10, 12));
    }
    scene = SceneFolder.open(pristine);
    try (DefaultLabelSession s = session(scene).build()) {
      s.awaitStep(2);
      s.saveCheckpoint();
    }
    try (DefaultLabelSession s = session(SceneFolder.open(pristine)).optAutoStart(false).build()) {
      assertTrue(s.undo(), "one edit undone: the history has a redo");
    }
    FeatureCache cache = cache(SceneFolder.open(pristine)).build();
    pristineFeatures = features(cache);
    Files.createDirectories(pristine.resolve(LabelmeMasks.FOLDER));
    Files.writeString(pristine.resolve(LabelmeMasks.FOLDER).resolve("00000.json"), """
        {"version": "5.2.1", "imageWidth": 32, "imageHeight": 24, "imagePath": "../rgb/00000.png",
         "shapes": [
          {"label": "%s", "shape_type": "polygon", "points": [[1.5, 2.0], [20.0, 3.25], [12, 18]]},
          {"label": "%s", "shape_type": "rectangle", "points": [[3, 4], [9.5, 11]]},
          {"label": "%s", "shape_type": "circle", "points": [[25, 12], [28, 15]]}]}
        """.formatted(classNames.get(0), classNames.get(1), classNames.get(2)));
    // The starting point is valid for every reader.
    SceneInspector.inspect(SceneFolder.open(pristine));
    Checkpoint.read(pristine.resolve("session").resolve(DefaultLabelSession.CHECKPOINT));
    assertTrue(Files.isDirectory(pristine.resolve("session").resolve("edits")));
  }

  @AfterAll
  static void stopWorker() {
    worker.shutdownNow();
  }

  static DefaultLabelSession.Builder session(SceneFolder scene) {
    return DefaultLabelSession.builder(scene)
        .optMethod(MethodPreset.SNERF_FREQ)
        .optFieldOptions(b -> b.optHiddenWidth(16).optGeoFeatures(4).optFrequencies(4))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).optUniformSamples(16).optSurfaceSamples(8).build())
        .optMaxTrainingPixels(3 * 16 * 12);
  }

  static FeatureCache.Builder cache(SceneFolder scene) {
    return FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().optSigmas(0.7, 1.6).optStride(2).build())
        .optDimension(4).optMaxSamples(500)
        .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(8).optSteps(3).optBatchSize(32));
  }

  static float[][] features(FeatureCache c) {
    float[][] out = new float[c.size()][];
    for (int f = 0; f < c.size(); f++) {
      out[f] = new float[W * H * c.dimension()];
      for (int p = 0; p < W * H; p++) {
        c.lookup(f, p % W, p / W, out[f], p * c.dimension());
      }
    }
    return out;
  }

  @Test
  void everyReaderSurvivesRandomDamageWithATypedErrorNamingTheFile() throws Exception {
    SplittableRandom rnd = new SplittableRandom(SEED);
    List<String> failures = new ArrayList<>();
    Map<Focus, Integer> runs = new TreeMap<>();
    Map<Focus, Long> millis = new TreeMap<>();
    for (int it = 0; it < ITERATIONS; it++) {
      Focus focus = pickFocus(rnd);
      runs.merge(focus, 1, Integer::sum);
      Path dir = tmp.resolve("it" + it);
      FuzzFiles.copyTree(pristine, dir);
      List<String> done = new ArrayList<>();
      List<Path> targets = targets(dir, focus);
      int n = 1 + rnd.nextInt(3);
      for (int k = 0; k < n && !targets.isEmpty(); k++) {
        Path f = targets.get(rnd.nextInt(targets.size()));
        if (!Files.isRegularFile(f)) {
          continue;
        }
        done.add(dir.relativize(f) + ": " + FuzzFiles.mutate(f, rnd));
      }
      String what = "seed " + SEED + ", iteration " + it + " (" + focus + "), " + done;
      long drawForSession = rnd.nextLong();
      long t0 = System.nanoTime();
      try {
        run(() -> check(dir, focus, drawForSession), what);
      } catch (AssertionError | Exception e) {
        failures.add(what + "\n    -> " + describe(e));
      }
      millis.merge(focus, (System.nanoTime() - t0) / 1_000_000, Long::sum);
      FuzzFiles.deleteTree(dir);
    }
    System.out.println("SceneFilesFuzzTest: " + ITERATIONS + " iterations " + runs + ", ms " + millis + ", " + failures.size() + " failures");
    assertTrue(failures.isEmpty(), failures.size() + " failure(s):\n" + String.join("\n", failures));
  }

  static Focus pickFocus(SplittableRandom rnd) {
    int r = rnd.nextInt(100);
    return r < 35 ? Focus.SCENE : r < 45 ? Focus.LABELME : r < 65 ? Focus.SESSION : r < 82 ? Focus.CHECKPOINT
        : Focus.CACHE;
  }

  static List<Path> targets(Path dir, Focus focus) throws IOException {
    List<Path> all = FuzzFiles.files(dir);
    List<Path> out = new ArrayList<>();
    for (Path p : all) {
      String rel = dir.relativize(p).toString().replace('\\', '/');
      boolean session = rel.startsWith("session/");
      boolean inScene = !session && !rel.startsWith("cache/") && !rel.startsWith("gt_masks/");
      boolean take = switch (focus) {
        case SCENE -> inScene;
        case LABELME -> rel.startsWith("gt_masks/");
        case SESSION -> session && !rel.endsWith(".ckpt") && !rel.endsWith(".lock");
        case CHECKPOINT -> rel.endsWith(".ckpt");
        case CACHE -> rel.startsWith("cache/") && !rel.endsWith(".lock");
      };
      if (take) {
        out.add(p);
      }
    }
    return out;
  }

  @FunctionalInterface
  interface Check {
    void run() throws Exception;
  }

  /** Runs a check on the worker thread: a hang fails the case instead of the build. */
  static void run(Check c, String what) throws Exception {
    Future<?> f = worker.submit(() -> {
      c.run();
      return null;
    });
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError("hang: no result after 60 s for " + what);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw new AssertionError("error " + err, err);
      }
      throw e;
    }
  }

  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.toString());
    Throwable c = e.getCause();
    StackTraceElement[] st = (c != null && !(e instanceof AssertionError) ? e : c != null ? c : e).getStackTrace();
    if (e instanceof AssertionError && c != null) {
      sb.append("\n       caused by ").append(c);
    }
    for (int i = 0; i < Math.min(6, st.length); i++) {
      sb.append("\n       at ").append(st[i]);
    }
    return sb.toString();
  }

  static void check(Path dir, Focus focus, long draw) throws Exception {
    TreeMap<String, String> before = FuzzFiles.hashTree(dir);
    SceneFolder scene = openScene(dir);
    assertEquals(before, FuzzFiles.hashTree(dir), "opening and reading the scene wrote nothing");
    if (focus != Focus.SCENE && scene == null) {
      throw new AssertionError("damage outside the scene files (" + focus + ") stopped the scene from opening");
    }
    switch (focus) {
      case SCENE -> {
        if (scene != null) {
          checkStore(dir, scene, before);
        }
      }
      case LABELME -> checkLabelme(dir, before);
      case SESSION -> checkStore(dir, scene, before);
      case CHECKPOINT -> checkCheckpoint(dir, scene, before, draw);
      case CACHE -> checkCache(dir, scene, before);
    }
  }

  /** SceneFolder.open, then every image of every frame, then the inspector; null if the scene is refused. */
  static SceneFolder openScene(Path dir) throws Exception {
    SceneFolder scene;
    try {
      scene = SceneFolder.open(dir);
    } catch (InvalidSceneException e) {
      requireNames(e, e.file(), dir);
      return null;
    }
    assertTrue(scene.size() >= 1 && scene.size() <= 3, "frames: " + scene.size());
    try {
      for (Frame f : scene.frames()) {
        RgbImage rgb = f.rgb();
        assertEquals(W * H, rgb.width() * rgb.height(), "rgb size of frame " + f.index());
        assertEquals(f.intrinsics().width(), rgb.width());
        assertTrue(f.intrinsics().fx() > 0 && Double.isFinite(f.intrinsics().fx()), "fx " + f.intrinsics());
        for (double v : f.pose().worldToCamera()) {
          assertTrue(Double.isFinite(v), "pose of frame " + f.index() + " is finite");
        }
        if (f.depth().isPresent()) {
          DepthImage d = f.depth().get();
          assertEquals(rgb.width(), d.width());
          for (float m : d.metres()) {
            assertTrue(m >= 0 && Float.isFinite(m), "depth " + m);
          }
        }
        for (var l : List.of(f.scribbles(), f.groundTruth())) {
          if (l.isPresent()) {
            LabelImage li = l.get();
            assertEquals(rgb.width(), li.width());
            assertTrue(li.maxLabel() < scene.classNames().size(), "label " + li.maxLabel() + " of " + scene.classNames());
          }
        }
      }
      var b = scene.bounds();
      assertTrue(Double.isFinite(b.minX()) && Double.isFinite(b.maxZ()) && b.maxX() >= b.minX(), "bounds " + b);
    } catch (InvalidSceneException e) {
      requireNames(e, e.file(), dir);
      scene = null;
    }
    try {
      SceneSummary s = SceneInspector.inspect(SceneFolder.builder(dir).optFullValidation(true).open());
      assertTrue(s.frames() >= 1);
      if (scene == null) {
        throw new AssertionError("a frame's images failed to load, but the inspector passed the scene");
      }
    } catch (InvalidSceneException e) {
      requireNames(e, e.file(), dir);
      return null;
    }
    return scene;
  }

  static void requireNames(Exception e, Path file, Path dir) {
    String m = String.valueOf(e.getMessage());
    if (file != null && !file.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
      throw new AssertionError("error names " + file + ", not a file of the scene: " + m, e);
    }
    if (!m.contains(dir.toString())) {
      throw new AssertionError("error does not name the file: " + m, e);
    }
  }

  static void checkLabelme(Path dir, TreeMap<String, String> before) throws Exception {
    Path folder = dir.resolve(LabelmeMasks.FOLDER);
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(folder)) {
      s.sorted().forEach(files::add);
    }
    files.add(folder.resolve("00000.json")); // what a user asks for, even if the fuzzer removed it
    for (Path p : new HashSet<>(files)) {
      try {
        LabelImage l = LabelmeMasks.read(p, classNames, W, H);
        assertEquals(W, l.width());
        assertEquals(H, l.height());
        assertTrue(l.maxLabel() < classNames.size());
      } catch (InvalidSceneException e) {
        requireNames(e, e.file(), dir);
        assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
      }
    }
    assertEquals(before, FuzzFiles.hashTree(dir), "reading labelme masks wrote nothing");
  }

  /** Opens the annotations: a damaged session never changes a scribble, never deletes a session file. */
  static void checkStore(Path dir, SceneFolder scene, TreeMap<String, String> before) throws Exception {
    AnnotationStore store;
    try {
      store = AnnotationStore.open(scene);
    } catch (InvalidSceneException e) {
      requireNames(e, e.file(), dir);
      // Only what the store cannot do without: session.json of another version or not a file, a scribble PNG.
      assertTrue(e.getMessage().contains("session.json") || e.file().startsWith(dir.resolve("semantic")), e.getMessage());
      assertEquals(before, FuzzFiles.hashTree(dir), "a refused session changed nothing");
      return;
    }
    try {
      for (int f = 0; f < scene.size(); f++) {
        LabelImage png = scene.frame(f).scribbles().orElse(null);
        LabelImage held = store.scribbles(f);
        short[] expected = png == null ? new short[W * H] : png.labels();
        if (png == null) {
          Arrays.fill(expected, LabelImage.UNLABELLED);
        }
        assertTrue(Arrays.equals(expected, held.labels()), "store holds frame " + f + "'s PNG");
      }
      store.historyIds();
      assertTrue(store.cursor() >= 0 && store.cursor() <= store.historySize());
    } finally {
      store.close();
    }
    checkSessionKeptEverything(dir, before, false);
  }

  /**
   * After a session opened: the scene's files outside session/ are as they were (metadata.json may
   * follow session.json's classes), and every file that was in session/ is still there or set aside.
   */
  static void checkSessionKeptEverything(Path dir, TreeMap<String, String> before, boolean checkpointMayChange)
      throws IOException {
    TreeMap<String, String> after = FuzzFiles.hashTree(dir);
    Set<String> sessionHashes = new HashSet<>();
    for (var e : after.entrySet()) {
      if (e.getKey().startsWith("session/")) {
        sessionHashes.add(e.getValue());
      }
    }
    for (var e : before.entrySet()) {
      String rel = e.getKey();
      if (rel.startsWith("session/")) {
        if (e.getValue().equals("dir") || rel.endsWith(".lock") || rel.endsWith(".tmp")
            || rel.equals("session/session.json") && !after.getOrDefault(rel, "").isEmpty()) {
          continue;
        }
        if (checkpointMayChange && rel.endsWith(".ckpt")) {
          continue;
        }
        assertTrue(sessionHashes.contains(e.getValue()), rel + " was neither kept nor set aside");
      } else if (!rel.equals("metadata.json")) {
        assertEquals(e.getValue(), after.get(rel), rel + " was changed by opening the session");
      }
    }
  }

  static void checkCheckpoint(Path dir, SceneFolder scene, TreeMap<String, String> before, long draw)
      throws Exception {
    Path ckpt = dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT);
    boolean readable;
    try {
      Checkpoint c = Checkpoint.read(ckpt);
      assertTrue(c.model() != null && c.model().step() >= 0);
      readable = true;
    } catch (Checkpoint.CheckpointException e) {
      requireNames(e, null, dir);
      readable = false;
    }
    assertEquals(before, FuzzFiles.hashTree(dir), "reading a checkpoint wrote nothing");
    if ((draw & 3) != 0) {
      return; // a session is slow to build: one case in four
    }
    try (DefaultLabelSession s = session(scene).optAutoStart(false).build()) {
      assertTrue(s.failure() == null, "session failed: " + s.failure());
      if (!readable) {
        assertEquals(0, s.step(), "an unreadable checkpoint is not resumed");
      }
      checkSessionKeptEverything(dir, before, false);
    }
  }

  static void checkCache(Path dir, SceneFolder scene, TreeMap<String, String> before) throws Exception {
    FeatureCache c = cache(scene).build();
    assertEquals(3, c.size());
    float[][] got = features(c);
    for (int f = 0; f < 3; f++) {
      if (c.reused()) {
        assertTrue(Arrays.equals(pristineFeatures[f], got[f]), "reused cache gives frame " + f + "'s features");
      } else {
        for (float v : got[f]) {
          assertTrue(Float.isFinite(v), "rebuilt features are finite");
        }
      }
    }
    TreeMap<String, String> after = FuzzFiles.hashTree(dir);
    for (var e : before.entrySet()) {
      if (!e.getKey().startsWith("cache/")) {
        assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was changed by the feature cache");
      }
    }
  }
}
