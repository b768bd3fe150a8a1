package io.github.bakefeature.core.eval;

import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where dense reference labels of a scene come from: the {@code gt_semantic/} PNGs of the scene
 * format, or labelme polygon files in {@code gt_masks/} ({@link LabelmeMasks}). Knows which frames
 * have a reference and returns it as a {@link LabelImage} at the frame's size.
 */
public interface GroundTruth {

  /** {@code "gt_semantic"} or {@code "gt_masks"}. */
  String kind();

  /** Scene frames that have reference labels, ascending. */
  int[] frames();

  /** Reference labels of scene frame {@code frame}; unlabelled pixels are ignored by metrics. */
  LabelImage truth(int frame) throws IOException;

  /** The scene's {@code gt_semantic/} PNGs. */
  static GroundTruth semantic(Scene scene) throws IOException {
    List<Integer> f = new ArrayList<>();
    for (int i = 0; i < scene.size(); i++) {
      if (scene.frame(i).groundTruth().isPresent()) {
        f.add(i);
      }
    }
    int[] frames = f.stream().mapToInt(Integer::intValue).toArray();
    return new GroundTruth() {
      @Override
      public String kind() {
        return "gt_semantic";
      }

      @Override
      public int[] frames() {
        return frames.clone();
      }

      @Override
      public LabelImage truth(int frame) throws IOException {
        Optional<LabelImage> l = scene.frame(frame).groundTruth();
        if (l.isEmpty()) {
          throw new IllegalArgumentException("frame " + frame + " has no gt_semantic labels");
        }
        return l.get();
      }
    };
  }

  /**
   * Labelme files in {@code dir}, one per frame: {@code <frame name>.json}, or any name whose
   * {@code imagePath} has the frame's name as its stem (e.g. {@code ../rgb/00012.jpg}).
   *
   * @throws InvalidSceneException if a file matches no frame or two files claim the same frame
   */
  static GroundTruth labelme(Scene scene, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidSceneException(dir, "expected a folder of labelme JSON files, found "
          + (Files.exists(dir) ? "a file" : "nothing"));
    }
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < scene.size(); i++) {
      byName.put(scene.frame(i).name(), i);
    }
    TreeMap<Integer, Path> files = new TreeMap<>();
    List<Path> jsons;
    try (Stream<Path> s = Files.list(dir)) {
      jsons = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")).sorted().toList();
    }
    for (Path p : jsons) {
      Integer frame = byName.get(stem(p.getFileName().toString()));
      if (frame == null) {
        frame = byName.get(stem(imagePath(p)));
      }
      if (frame == null) {
        throw new InvalidSceneException(p, "expected the file name or its imagePath to name a frame of the scene "
            + "(e.g. " + scene.frame(0).name() + ".json), found no frame called \"" + stem(p.getFileName().toString())
            + "\" or \"" + stem(imagePath(p)) + "\"");
      }
      Path other = files.put(frame, p);
      if (other != null) {
        throw new InvalidSceneException(p, "expected one annotation per frame, found a second one for frame "
            + scene.frame(frame).name() + " (also in " + other.getFileName() + ")");
      }
    }
    int[] frames = files.keySet().stream().mapToInt(Integer::intValue).toArray();
    return new GroundTruth() {
      @Override
      public String kind() {
        return LabelmeMasks.FOLDER;
      }

      @Override
      public int[] frames() {
        return frames.clone();
      }

      @Override
      public LabelImage truth(int frame) throws IOException {
        Path p = files.get(frame);
        if (p == null) {
          throw new IllegalArgumentException("frame " + frame + " has no labelme annotation in " + dir);
        }
        Frame f = scene.frame(frame);
        return LabelmeMasks.read(p, scene.classNames(), f.intrinsics().width(), f.intrinsics().height());
      }
    };
  }

  /**
   * The scene's reference labels: {@code gt_semantic/} when any frame has them, else
   * {@code <scene>/gt_masks/} when it holds labelme files.
   *
   * @throws IllegalArgumentException if the scene has neither
   */
  static GroundTruth detect(Scene scene) throws IOException {
    if (scene.hasGroundTruth()) {
      return semantic(scene);
    }
    Optional<Path> dir = scene.directory().map(d -> d.resolve(LabelmeMasks.FOLDER));
    if (dir.isPresent() && Files.isDirectory(dir.get())) {
      return labelme(scene, dir.get());
    }
    throw new IllegalArgumentException("the scene has no reference labels: expected gt_semantic/ PNGs or labelme "
        + "JSON files in gt_masks/" + scene.directory().map(d -> " (in " + d + ")").orElse(""));
  }

  private static String stem(String name) {
    if (name == null) {
      return "";
    }
    String n = name.replace('\\', '/');
    n = n.substring(n.lastIndexOf('/') + 1);
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  private static String imagePath(Path json) {
    try {
      com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(Files.readString(json)).get("imagePath");
      return n == null ? "" : n.asText();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
