package io.github.bakefeature.core.scene;

/**
 * File names of the scene format (the paper tool's format, README "Scene format"):
 *
 * <pre>
 * rgb/00000.png|jpg        8-bit colour
 * depth/00000.png          16-bit grey, millimetres of z-depth, 0 (and 65535) = invalid; may be smaller
 *                          than rgb by one integer factor
 * pose/00000.txt           4x4 world-to-camera, OpenCV axes, metres
 * intrinsics.txt           3x3 K (or 4x4 K padded with the identity) for the rgb resolution, no skew;
 *                          pixel centres at integer coordinates
 * bbox.txt                 min x y z, max x y z (metres), optionally autolabel's voxel size as a 7th
 *                          number (ignored); computed from depth (or the camera frusta) when missing
 * semantic/00000.png       scribbles, 8- or 16-bit grey: 0 = unlabelled, k + 1 = class k; rgb size, or
 *                          the same aspect ratio (the paper's tool saves 720 px wide), read resized
 *                          nearest neighbour ({@link LabelSizes})
 * gt_semantic/00000.png    dense ground truth, same encoding as semantic/
 * metadata.json            {"n_classes": C, "classes": [names]}; required when labels exist
 * </pre>
 *
 * <p>Frames are matched across folders by file name and ordered naturally ({@code 9} before
 * {@code 10}); the writer names them {@code 00000, 00001, ...}.
 */
public final class SceneLayout {
  public static final String RGB = "rgb";
  public static final String DEPTH = "depth";
  public static final String POSE = "pose";
  public static final String SEMANTIC = "semantic";
  public static final String GT_SEMANTIC = "gt_semantic";
  public static final String INTRINSICS = "intrinsics.txt";
  public static final String BBOX = "bbox.txt";
  public static final String METADATA = "metadata.json";
  /** Depth PNG unit. */
  public static final double METRES_PER_DEPTH_UNIT = 0.001;

  /** Label session of the scene (history, classes, model checkpoint), written by label sessions. */
  public static final String SESSION = "session";
  /** Derived data (feature caches), safe to delete. */
  public static final String CACHE = "cache";
  /** Every top-level entry that belongs to a scene (what replacing a scene removes). */
  public static final java.util.List<String> ENTRIES = java.util.List.of(RGB, DEPTH, POSE, SEMANTIC, GT_SEMANTIC,
      INTRINSICS, BBOX, METADATA, SESSION, CACHE);

  private SceneLayout() {}

  /** Zero-padded frame name for index i ({@code 00042}). */
  public static String frameName(int index) {
    return String.format("%05d", index);
  }
}
