package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.scene.ImageCache;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Imports one sequence of Microsoft's RGB-D Dataset 7-Scenes (Shotton et al., CVPR 2013), as
 * published per sequence ({@code seq-01/}) or as re-packaged by TSDF-fusion demos:
 *
 * <pre>
 * frame-XXXXXX.color.png|jpg   640x480 colour (Kinect v1)
 * frame-XXXXXX.depth.png       640x480 uint16 depth in millimetres; 0 and 65535 = invalid
 * frame-XXXXXX.pose.txt        4x4 camera-to-world matrix, metres
 * camera-intrinsics.txt        optional 3x3 K; when absent fx = fy = 585, cx = 320, cy = 240
 * </pre>
 *
 * <p>Conventions: the poses map <b>camera to world</b> in <b>OpenCV camera axes</b> (x right, y
 * down, z forward); we store their inverse. Depth is z-depth in millimetres. The principal point
 * is used as given — 7-Scenes' (320, 240) is half a pixel off the image centre in our
 * integer-pixel-centre convention, and is what the dataset's own tools project with. Frames are
 * ordered by their number. The dataset's depth is not registered to its colour camera; like
 * every consumer of the dataset we use one camera for both, so colour/depth alignment is off by a
 * few pixels, while depth and poses (what the geometry uses) are consistent with each other.
 */
public final class SevenScenesImporter implements SceneImporter {
  static final String INTRINSICS = "camera-intrinsics.txt";
  /** The dataset's default Kinect camera for 640x480 images. */
  public static final CameraIntrinsics DEFAULT_CAMERA = new CameraIntrinsics(640, 480, 585, 585, 320, 240);
  private static final Pattern COLOR = Pattern.compile("frame-(\\d+)\\.color\\.(?i:png|jpe?g)");
  private static final Pattern DEPTH = Pattern.compile("frame-(\\d+)\\.depth\\.(?i:png)");
  private static final Pattern POSE = Pattern.compile("frame-(\\d+)\\.pose\\.(?i:txt)");

  @Override
  public String format() {
    return "7scenes";
  }

  @Override
  public String description() {
    return "Microsoft 7-Scenes sequence: frame-XXXXXX.color.png|jpg, .depth.png, .pose.txt, camera-intrinsics.txt";
  }

  @Override
  public Scene read(Path in) throws IOException {
    return read(in, 1);
  }

  /** Reads frames 0, n, 2n, ... of the sequence; the files of the frames left out are never opened. */
  @Override
  public Scene read(Path in, int every) throws IOException {
    FrameSubsets.checkEvery(every);
    SourceFiles.requireDir(in, "a 7-Scenes sequence folder with frame-XXXXXX.color.png|jpg files");
    TreeMap<Long, Path> color = SourceFiles.numbered(in, COLOR);
    if (color.isEmpty()) {
      String hint = "";
      try (Stream<Path> s = Files.list(in)) {
        if (s.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("seq-"))) {
          hint = "; this looks like a scene folder: pass one of its seq-XX sequence folders";
        }
      }
      throw new InvalidSceneException(in, "empty dataset: expected frame-XXXXXX.color.png|jpg files, found none" + hint);
    }
    TreeMap<Long, Path> depth = SourceFiles.numbered(in, DEPTH);
    TreeMap<Long, Path> pose = SourceFiles.numbered(in, POSE);
    checkPaired(in, color, depth, "frame-%06d.depth.png");
    checkPaired(in, color, pose, "frame-%06d.pose.txt");

    ImageHeader first = ImageFiles.readHeader(color.firstEntry().getValue());
    int w = first.width();
    int h = first.height();
    Path kFile = in.resolve(INTRINSICS);
    CameraIntrinsics k;
    if (Files.exists(kFile)) {
      k = SceneFolder.withSize(kFile, SceneFolder.readIntrinsicsFile(kFile), w, h);
    } else if (w == DEFAULT_CAMERA.width() && h == DEFAULT_CAMERA.height()) {
      k = DEFAULT_CAMERA;
    } else {
      throw new InvalidSceneException(kFile, "file does not exist, and the images are " + w + "x" + h
          + " while the 7-Scenes default camera (fx = fy = 585, cx = 320, cy = 240) is for 640x480");
    }

    ImageCache cache = ImportedScene.newCache();
    List<ImportedScene.SourceFrame> frames = new ArrayList<>();
    int depthFactor = 1;
    int i = 0;
    int position = 0;
    for (Map.Entry<Long, Path> e : color.entrySet()) {
      if (position++ % every != 0) {
        continue;
      }
      long n = e.getKey();
      SourceFiles.checkSize(e.getValue(), w, h, color.firstEntry().getValue().getFileName().toString());
      int f = SourceFiles.depthFactor(depth.get(n), w, h);
      if (i == 0) {
        depthFactor = f;
      } else if (f != depthFactor) {
        throw new InvalidSceneException(depth.get(n), "expected depth " + w / depthFactor + "x" + h / depthFactor
            + " like the first frame, found " + ImageFiles.readHeader(depth.get(n)).size());
      }
      frames.add(new ImportedScene.SourceFrame(i, ImportedScene.frameName(i), k,
          SceneFolder.readPoseFile(pose.get(n), true), e.getValue(), depth.get(n), 0.001, depthFactor, null, null, cache));
      i++;
    }
    return ImportedScene.of(in, frames, List.of());
  }

  private static void checkPaired(Path in, Map<Long, Path> color, Map<Long, Path> other, String pattern)
      throws InvalidSceneException {
    for (Map.Entry<Long, Path> e : color.entrySet()) {
      if (!other.containsKey(e.getKey())) {
        throw new InvalidSceneException(in.resolve(String.format(pattern, e.getKey())),
            "file does not exist, but " + e.getValue().getFileName() + " does; expected colour, depth and pose for every frame ("
                + color.size() + " colour images, " + other.size() + " " + pattern.substring(pattern.indexOf('.') + 1) + " files)");
      }
    }
    for (Map.Entry<Long, Path> e : other.entrySet()) {
      if (!color.containsKey(e.getKey())) {
        throw new InvalidSceneException(e.getValue(), "no colour image frame-" + String.format("%06d", e.getKey())
            + ".color.png|jpg for this file; expected colour, depth and pose for every frame");
      }
    }
  }
}
