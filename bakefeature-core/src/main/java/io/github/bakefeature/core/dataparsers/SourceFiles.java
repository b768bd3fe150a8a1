package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** File-layout helpers shared by the importers; every failure names the file or folder. */
final class SourceFiles {
  private SourceFiles() {}

  static Path requireDir(Path p, String what) throws InvalidSceneException {
    if (!Files.isDirectory(p)) {
      throw new InvalidSceneException(p, (Files.exists(p) ? "expected a folder, found a file" : "missing folder")
          + " (expected " + what + ")");
    }
    return p;
  }

  /**
   * Files of {@code dir} whose whole name matches {@code pattern}, keyed by the number in the
   * pattern's first group, in numeric order.
   *
   * @throws InvalidSceneException if two files carry the same number (e.g. {@code rgb_7} and {@code rgb_07})
   */
  static TreeMap<Long, Path> numbered(Path dir, Pattern pattern) throws IOException {
    TreeMap<Long, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (!m.matches() || Files.isDirectory(p)) {
          continue;
        }
        BigInteger n = new BigInteger(m.group(1));
        if (n.bitLength() > 62) {
          throw new InvalidSceneException(p, "frame number " + n + " is too large");
        }
        Path prev = out.put(n.longValue(), p);
        if (prev != null) {
          throw new InvalidSceneException(p, "frame number " + n + " is also used by " + prev.getFileName()
              + "; expected one file per frame");
        }
      }
    }
    return out;
  }

  /** Checks that {@code other} has a file for exactly the frame numbers of {@code frames}. */
  static void checkSameFrames(Path framesDir, Map<Long, Path> frames, Path otherDir, Map<Long, Path> other,
                              String otherPattern) throws InvalidSceneException {
    if (frames.keySet().equals(other.keySet())) {
      return;
    }
    for (Long n : frames.keySet()) {
      if (!other.containsKey(n)) {
        throw new InvalidSceneException(otherDir, "frame count mismatch: " + framesDir.getFileName() + " has "
            + frames.size() + " frames, this folder " + other.size() + "; missing "
            + String.format(otherPattern, n) + " for " + frames.get(n).getFileName());
      }
    }
    for (Map.Entry<Long, Path> e : other.entrySet()) {
      if (!frames.containsKey(e.getKey())) {
        throw new InvalidSceneException(e.getValue(), "frame count mismatch: no matching file in "
            + framesDir.getFileName() + "/ for frame " + e.getKey());
      }
    }
  }

  /**
   * Validates a depth PNG's header (16-bit, single channel) and returns how much smaller it is
   * than {@code width x height} (an integer factor).
   */
  static int depthFactor(Path depth, int width, int height) throws InvalidSceneException {
    ImageHeader h = ImageFiles.readHeader(depth);
    if (h.bands() != 1 || h.bitsPerSample() != 16 || h.palette()) {
      throw new InvalidSceneException(depth, "expected a 16-bit single-channel depth PNG, found " + h.describe());
    }
    return SceneFolder.depthFactor(depth, new int[] {h.width(), h.height()}, new int[] {width, height});
  }

  /** Checks that an image has the given size from its header. */
  static void checkSize(Path image, int width, int height, String like) throws InvalidSceneException {
    ImageHeader h = ImageFiles.readHeader(image);
    if (h.width() != width || h.height() != height) {
      throw new InvalidSceneException(image, "expected " + width + "x" + height + " like " + like + ", found " + h.size());
    }
  }
}
