package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.Aabb;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link SceneInspector} found after decoding every image of a scene.
 *
 * @param frames number of frames
 * @param width colour image width in pixels
 * @param height colour image height in pixels
 * @param classNames class names (class id = index); empty before anyone labelled
 * @param bounds the scene box in metres
 * @param boundsComputed whether the box was computed ({@code bbox.txt} missing)
 * @param boundsSource where the box comes from: {@code bbox.txt}, {@code depth} or
 *     {@code cameras+frusta} ({@link SceneBounds.Source#label()}); {@code provided} for scenes
 *     that are not folders
 * @param boundsWarning why {@code bbox.txt} looks wrong for the scene, or null
 * @param depthFrames frames that have a depth map
 * @param depthCoverage mean over frames with depth of the fraction of valid depth pixels, in [0, 1]
 *     (0 when no frame has depth)
 * @param groundTruthFrames frames with dense ground-truth classes
 * @param annotatedFrames frames whose scribbles label at least one pixel
 * @param scribblePixels labelled scribble pixels over all frames
 * @param poseCheck whether the poses follow the format's convention, judged by the depth of
 *     overlapping frames ({@link PoseCheck})
 */
public record SceneSummary(int frames, int width, int height, List<String> classNames, Aabb bounds,
                           boolean boundsComputed, String boundsSource, String boundsWarning, int depthFrames, double depthCoverage,
                           int groundTruthFrames, int annotatedFrames, long scribblePixels, PoseCheck poseCheck) {

  public SceneSummary {
    classNames = List.copyOf(classNames);
    poseCheck = poseCheck == null ? PoseCheck.unchecked("not checked") : poseCheck;
  }

  /** Whether any frame has ground truth. */
  public boolean hasGroundTruth() {
    return groundTruthFrames > 0;
  }

  /** The summary as an ordered map with snake_case keys, ready to print as one JSON line. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("frames", frames);
    m.put("width", width);
    m.put("height", height);
    m.put("classes", classNames.size());
    m.put("class_names", classNames);
    m.put("bounds", List.of(bounds.minX(), bounds.minY(), bounds.minZ(), bounds.maxX(), bounds.maxY(), bounds.maxZ()));
    m.put("bounds_computed", boundsComputed);
    m.put("bounds_source", boundsSource);
    m.put("bounds_warning", boundsWarning);
    m.put("depth_frames", depthFrames);
    m.put("depth_coverage", Math.round(depthCoverage * 1e6) / 1e6);
    m.put("has_ground_truth", hasGroundTruth());
    m.put("ground_truth_frames", groundTruthFrames);
    m.put("annotated_frames", annotatedFrames);
    m.put("scribble_pixels", scribblePixels);
    m.put("pose_check", poseCheck.toMap());
    return m;
  }
}
