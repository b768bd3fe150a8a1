package io.github.bakefeature.core.dataparsers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.FuzzFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneInspector;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
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
 * Seeded, deterministic fuzzing of every importer ({@code replica}, {@code transforms},
 * {@code 7scenes}, {@code tum}, {@code scannet}): a small valid raw dataset written as each
 * format's own tools write it ({@link ForeignLayouts}) is damaged by 1 to 3 random mutations
 * ({@link FuzzFiles#mutate}) and imported as {@code bakefeature import} does — read, write the
 * scene folder, open it — and the new scene is then fully inspected. Each import must either give
 * a scene that opens and passes {@link SceneInspector}, or throw an {@link InvalidSceneException}
 * naming a file of the raw dataset, leaving nothing at the output path; never another exception,
 * an error or a hang; and it must not change the raw dataset.
 */
class ImportersFuzzTest {
  /** Fixed for the build; {@code -Dfuzz.seed=N -Dfuzz.iterations=M} explore further (a failure prints its seed). */
  static final long SEED = Long.getLong("fuzz.seed", 7_2024_0611L);
  static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 250);

  @TempDir static Path tmp;
  static final Map<String, Path> RAW = new LinkedHashMap<>();
  static ExecutorService worker;

  @BeforeAll
  static void writeRawDatasets() throws IOException {
    worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-import");
      t.setDaemon(true);
      return t;
    });
    Scene room = AnalyticRoom.scene(3, 32, 24, ReplicaImporter.HFOV_DEGREES);
    Path replica = tmp.resolve("raw-replica");
    ForeignLayouts.writeReplica(room, replica, new int[] {5, 17, 40, 93});
    Files.writeString(replica.resolve("info_semantic.json"), "{\"classes\": [{\"id\": 5, \"name\": \"ceiling\"},"
        + " {\"id\": 17, \"name\": \"sphere\"}, {\"id\": 40, \"name\": \"floor\"}, {\"id\": 93, \"name\": \"wall\"}]}");
    RAW.put("replica", replica);
    Path transforms = tmp.resolve("raw-transforms");
    ForeignLayouts.writeTransforms(room, transforms, 1e-3, 1, 3);
    RAW.put("transforms", transforms);
    Path seven = tmp.resolve("raw-7scenes");
    ForeignLayouts.writeSevenScenes(room, seven, false);
    RAW.put("7scenes", seven);
    Scene table = SyntheticScenes.tabletop(3, 32, 24, 4);
    Path tum = tmp.resolve("raw-tum");
    ForeignLayouts.writeTum(table, tum, TumImporter.DEFAULT_DEPTH_SCALE, 5);
    RAW.put("tum", tum);
    Path scannet = tmp.resolve("raw-scannet");
    ForeignLayouts.writeScanNet(table, table, scannet, table, new int[] {3, 40, 7, 1200, 12, 299});
    RAW.put("scannet", scannet);
    for (Map.Entry<String, Path> e : RAW.entrySet()) {
      Path out = tmp.resolve("valid-" + e.getKey());
      SceneFolder s = importScene(e.getKey(), e.getValue(), out);
      SceneInspector.inspect(s);
      assertTrue(s.size() == 3, e.getKey() + ": the unbroken dataset imports all 3 frames");
      FuzzFiles.deleteTree(out);
    }
  }

  @AfterAll
  static void stopWorker() {
    worker.shutdownNow();
  }

  static SceneImporter importer(String format) {
    if (format.equals("tum")) {
      CameraIntrinsics k = SyntheticScenes.tabletop(1, 32, 24, 4).frame(0).intrinsics();
      return TumImporter.builder().optIntrinsics(k.fx(), k.fy(), k.cx(), k.cy()).build();
    }
    return Importers.byName(format);
  }

  /** What {@code bakefeature import} does: read, write the scene folder, open it. */
  static SceneFolder importScene(String format, Path in, Path out) throws IOException {
    Scene scene = importer(format).read(in);
    SceneWriter.write(scene, out, (done, total) -> { });
    return SceneFolder.open(out);
  }

  @Test
  void everyImporterSurvivesRandomDamageWithATypedErrorNamingTheFile() throws Exception {
    SplittableRandom rnd = new SplittableRandom(SEED);
    List<String> formats = new ArrayList<>(RAW.keySet());
    List<String> failures = new ArrayList<>();
    Map<String, int[]> outcomes = new TreeMap<>();
    for (int it = 0; it < ITERATIONS; it++) {
      String format = formats.get(it % formats.size());
      Path in = tmp.resolve("it" + it).resolve(RAW.get(format).getFileName());
      Path out = tmp.resolve("it" + it).resolve("scene");
      FuzzFiles.copyTree(RAW.get(format), in);
      List<Path> files = FuzzFiles.files(in);
      // Text files (poses, intrinsics, lists, JSON) are few next to the images: half the draws go to them.
      List<Path> text = files.stream().filter(p -> !p.toString().matches(".*\\.(png|jpg)")).toList();
      List<String> done = new ArrayList<>();
      int n = 1 + rnd.nextInt(3);
      for (int k = 0; k < n; k++) {
        List<Path> from = !text.isEmpty() && rnd.nextBoolean() ? text : files;
        Path f = from.get(rnd.nextInt(from.size()));
        if (Files.isRegularFile(f)) {
          done.add(in.relativize(f) + ": " + FuzzFiles.mutate(f, rnd));
        }
      }
      String what = "seed " + SEED + ", iteration " + it + " (" + format + "), " + done;
      TreeMap<String, String> before = FuzzFiles.hashTree(in);
      Future<Boolean> result = worker.submit(() -> check(format, in, out));
      try {
        boolean ok = result.get(60, TimeUnit.SECONDS);
        outcomes.computeIfAbsent(format, k -> new int[2])[ok ? 0 : 1]++;
        if (!before.equals(FuzzFiles.hashTree(in))) {
          failures.add(what + "\n    -> the import changed the raw dataset");
        }
      } catch (TimeoutException e) {
        result.cancel(true);
        failures.add(what + "\n    -> hang: no result after 60 s");
      } catch (ExecutionException e) {
        failures.add(what + "\n    -> " + describe(e.getCause()));
      }
      FuzzFiles.deleteTree(tmp.resolve("it" + it));
    }
    StringBuilder sb = new StringBuilder();
    outcomes.forEach((f, c) -> sb.append(f).append(": ").append(c[0]).append(" imported, ").append(c[1]).append(" refused; "));
    System.out.println("ImportersFuzzTest: " + ITERATIONS + " iterations; " + sb + failures.size() + " failures");
    assertTrue(failures.isEmpty(), failures.size() + " failure(s):\n" + String.join("\n", failures));
  }

  /** True if the damaged dataset imported into a valid scene, false if it was refused as it should be. */
  static boolean check(String format, Path in, Path out) throws Exception {
    SceneFolder s;
    try {
      s = importScene(format, in, out);
    } catch (InvalidSceneException e) {
      Path file = e.file().toAbsolutePath().normalize();
      if (!file.startsWith(in.toAbsolutePath().normalize()) || !e.getMessage().contains(in.toString())) {
        throw new AssertionError("error names " + e.file() + ", not a file of the raw dataset: " + e.getMessage(), e);
      }
      assertFalse(Files.exists(out), "a refused import leaves nothing at " + out);
      return false;
    }
    // What was imported must be a scene this library accepts, image by image.
    try {
      SceneInspector.inspect(SceneFolder.builder(out).optFullValidation(true).open());
    } catch (InvalidSceneException e) {
      throw new AssertionError("the import succeeded but its scene is invalid: " + e.getMessage(), e);
    }
    assertTrue(s.size() >= 1 && s.size() <= 3, "frames: " + s.size());
    return true;
  }

  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.toString());
    if (e instanceof AssertionError && e.getCause() != null) {
      e = e.getCause();
      sb.append("\n       caused by ").append(e);
    }
    StackTraceElement[] st = e.getStackTrace();
    for (int i = 0; i < Math.min(6, st.length); i++) {
      sb.append("\n       at ").append(st[i]);
    }
    return sb.toString();
  }
}
