package io.github.bakefeature.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Dense ground truth from <a href="https://github.com/wkentaro/labelme">labelme</a> polygon files,
 * the reference masks of the paper's evaluation (section IV-B).
 *
 * <p><b>Format read.</b> A JSON object with {@code imageWidth}, {@code imageHeight}, optional
 * {@code imagePath}, and {@code shapes[]}, each with a {@code label}, {@code points}
 * ({@code [[x, y], ...]}, image coordinates) and a {@code shape_type}: {@code polygon} (the default
 * when absent), {@code rectangle} (two opposite corners) or {@code circle} (centre, then a point on
 * the circle), {@code line} / {@code linestrip} (two or more points) or {@code point} (one); any
 * other type (e.g. {@code mask}) is an error.
 *
 * <p><b>Rasterisation.</b> Exact at pixel centres: pixel (u, v) — whose centre has image
 * coordinates (u, v), the project's convention — belongs to a polygon when that point is inside by
 * the even-odd rule (edges are half-open in y, so a pixel on a shared edge belongs to exactly one of
 * two adjacent polygons). Rectangles are axis-aligned polygons; circles include centres at distance
 * {@code <= r}. Lines and points are painted as labelme's own conversion
 * ({@code labelme.utils.shape_to_mask}) paints them: each segment a band {@value #LINE_WIDTH} pixels
 * wide (square ends), a point a disc of radius {@value #POINT_RADIUS}. Shapes are painted in file
 * order, later shapes over earlier ones.
 *
 * <p><b>Labels.</b> A shape's label names a scene class (from {@code metadata.json}), compared
 * case-insensitively after trimming; an unknown label is an {@link InvalidSceneException} naming
 * the file and the label. Pixels inside no shape are <em>ignored</em> ({@link LabelImage#UNLABELLED})
 * unless the scene has a class named {@code background} or {@code _background_}: then they are
 * that class, as in labelme's own conversion. The label {@code _background_} also names that
 * class.
 */
public final class LabelmeMasks {
  /** Scene sub-folder holding one labelme JSON per annotated frame ({@code <frame name>.json}). */
  public static final String FOLDER = "gt_masks";

  /** Width in pixels of a {@code line} / {@code linestrip} shape's band (labelme's {@code line_width}). */
  public static final int LINE_WIDTH = 10;

  /** Radius in pixels of a {@code point} shape's disc (labelme's {@code point_size}). */
  public static final int POINT_RADIUS = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private LabelmeMasks() {}

  /**
   * Reads and rasterises one labelme file.
   *
   * @param classNames the scene's classes (id = index)
   * @param width expected image width (the file's {@code imageWidth} must match)
   * @param height expected image height
   */
  public static LabelImage read(Path file, List<String> classNames, int width, int height)
      throws InvalidSceneException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new InvalidSceneException(file, "expected a labelme JSON file (UTF-8 text), found bytes that are not UTF-8 text", e);
    } catch (IOException e) {
      throw new InvalidSceneException(file, "expected a labelme JSON file, found unreadable content ("
          + io.github.bakefeature.core.io.ErrorText.describe(e) + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSceneException(file, "expected a labelme JSON object with shapes, imageWidth and imageHeight, found "
          + (root == null || root.isMissingNode() ? "an empty file" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    int w = intField(file, root, "imageWidth");
    int h = intField(file, root, "imageHeight");
    if (w != width || h != height) {
      throw new InvalidSceneException(file, "expected an annotation of a " + width + "x" + height
          + " image (the scene's size), found imageWidth " + w + " and imageHeight " + h);
    }
    JsonNode shapes = root.get("shapes");
    if (shapes == null || !shapes.isArray()) {
      throw new InvalidSceneException(file, "expected \"shapes\" to be an array, found "
          + (shapes == null ? "none" : shapes.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    int background = backgroundClass(classNames);
    short[] labels = new short[w * h];
    Arrays.fill(labels, (short) background);
    int index = 0;
    for (JsonNode s : shapes) {
      String where = "shape " + index++;
      JsonNode label = s.get("label");
      if (label == null || !label.isTextual()) {
        throw new InvalidSceneException(file, where + ": expected a text \"label\", found " + label);
      }
      int cls = classOf(label.asText(), classNames, background);
      if (cls < 0) {
        throw new InvalidSceneException(file, where + ": label \"" + label.asText()
            + "\" is not a class of the scene; expected one of " + classNames);
      }
      String type = s.hasNonNull("shape_type") ? s.get("shape_type").asText() : "polygon";
      double[] pts = points(file, where, s.get("points"));
      int n = pts.length / 2;
      switch (type) {
        case "polygon" -> {
          if (n < 3) {
            throw new InvalidSceneException(file, where + " (\"" + label.asText()
                + "\"): expected a polygon of at least 3 points, found " + n);
          }
          fillPolygon(pts, n, w, h, labels, (short) cls);
        }
        case "rectangle" -> {
          requirePoints(file, where, type, n, 2);
          double x0 = pts[0];
          double y0 = pts[1];
          double x1 = pts[2];
          double y1 = pts[3];
          fillPolygon(new double[] {x0, y0, x1, y0, x1, y1, x0, y1}, 4, w, h, labels, (short) cls);
        }
        case "circle" -> {
          requirePoints(file, where, type, n, 2);
          fillCircle(pts[0], pts[1], Math.hypot(pts[2] - pts[0], pts[3] - pts[1]), w, h, labels, (short) cls);
        }
        case "line", "linestrip" -> {
          if (n < 2) {
            throw new InvalidSceneException(file, where + " (\"" + label.asText() + "\"): expected a " + type
                + " of at least 2 points, found " + n);
          }
          for (int i = 0; i + 1 < n; i++) {
            fillBand(pts[2 * i], pts[2 * i + 1], pts[2 * i + 2], pts[2 * i + 3], LINE_WIDTH, w, h, labels, (short) cls);
          }
        }
        case "point" -> {
          requirePoints(file, where, type, n, 1);
          fillCircle(pts[0], pts[1], POINT_RADIUS, w, h, labels, (short) cls);
        }
        default -> throw new InvalidSceneException(file, where + " (\"" + label.asText()
            + "\"): expected shape_type polygon, rectangle, circle, line, linestrip or point, found \"" + type + "\"");
      }
    }
    return new LabelImage(w, h, labels);
  }

  /** The background class (see the class comment), or {@link LabelImage#UNLABELLED}. */
  static int backgroundClass(List<String> classNames) {
    for (int i = 0; i < classNames.size(); i++) {
      String n = classNames.get(i).trim().toLowerCase(Locale.ROOT);
      if (n.equals("background") || n.equals("_background_")) {
        return i;
      }
    }
    return LabelImage.UNLABELLED;
  }

  private static int classOf(String label, List<String> classNames, int background) {
    String l = label.trim();
    if (l.equalsIgnoreCase("_background_") && background >= 0) {
      return background;
    }
    for (int i = 0; i < classNames.size(); i++) {
      if (classNames.get(i).trim().equalsIgnoreCase(l)) {
        return i;
      }
    }
    return -1;
  }

  private static int intField(Path file, JsonNode root, String name) throws InvalidSceneException {
    JsonNode n = root.get(name);
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
      throw new InvalidSceneException(file, "expected \"" + name + "\" to be a positive integer, found "
          + (n == null ? "none" : n.toString()));
    }
    return n.asInt();
  }

  private static void requirePoints(Path file, String where, String type, int found, int expected)
      throws InvalidSceneException {
    if (found != expected) {
      throw new InvalidSceneException(file, where + ": expected " + expected + " points for a " + type
          + ", found " + found);
    }
  }

  private static double[] points(Path file, String where, JsonNode pts) throws InvalidSceneException {
    if (pts == null || !pts.isArray()) {
      throw new InvalidSceneException(file, where + ": expected \"points\" as [[x, y], ...], found " + pts);
    }
    double[] out = new double[2 * pts.size()];
    int i = 0;
    for (JsonNode p : pts) {
      if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()
          || !Double.isFinite(p.get(0).asDouble()) || !Double.isFinite(p.get(1).asDouble())) {
        throw new InvalidSceneException(file, where + ": expected each point as [x, y] numbers, found " + p);
      }
      out[i++] = p.get(0).asDouble();
      out[i++] = p.get(1).asDouble();
    }
    return out;
  }

  /**
   * Paints {@code value} into every pixel of a {@code width x height} image whose centre is inside
   * the polygon {@code xy} ({@code n} vertices, x/y interleaved) by the even-odd rule. Scanline
   * fill: on row v, edges with {@code min(y0, y1) <= v < max(y0, y1)} cross the row; pixel u is
   * inside when an odd number of crossings lie at {@code x <= u}.
   */
  public static void fillPolygon(double[] xy, int n, int width, int height, short[] out, short value) {
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      minY = Math.min(minY, xy[2 * i + 1]);
      maxY = Math.max(maxY, xy[2 * i + 1]);
    }
    int v0 = Math.max(0, (int) Math.ceil(minY));
    int v1 = Math.min(height - 1, (int) Math.floor(maxY));
    double[] xs = new double[n];
    for (int v = v0; v <= v1; v++) {
      int k = 0;
      for (int i = 0; i < n; i++) {
        int j = i + 1 == n ? 0 : i + 1;
        double ya = xy[2 * i + 1];
        double yb = xy[2 * j + 1];
        if ((ya <= v && v < yb) || (yb <= v && v < ya)) {
          double xa = xy[2 * i];
          double xb = xy[2 * j];
          xs[k++] = xa + (v - ya) * (xb - xa) / (yb - ya);
        }
      }
      Arrays.sort(xs, 0, k);
      for (int c = 0; c + 1 < k; c += 2) {
        // Inside for u in [xs[c], xs[c+1]).
        int u0 = Math.max(0, (int) Math.ceil(xs[c]));
        int u1 = Math.min(width - 1, (int) Math.ceil(xs[c + 1]) - 1);
        int row = v * width;
        for (int u = u0; u <= u1; u++) {
          out[row + u] = value;
        }
      }
    }
  }

  /**
   * Paints the band of {@code width} pixels centred on the segment (x0, y0)-(x1, y1), with square
   * ends at the endpoints (a disc of that diameter for a segment of zero length).
   */
  static void fillBand(double x0, double y0, double x1, double y1, double width, int imageWidth, int imageHeight,
      short[] out, short value) {
    double len = Math.hypot(x1 - x0, y1 - y0);
    double half = width / 2;
    if (len == 0) {
      fillCircle(x0, y0, half, imageWidth, imageHeight, out, value);
      return;
    }
    double nx = -(y1 - y0) / len * half;
    double ny = (x1 - x0) / len * half;
    fillPolygon(new double[] {x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny}, 4,
        imageWidth, imageHeight, out, value);
  }

  /** Paints pixels whose centre is within {@code r} of ({@code cx}, {@code cy}). */
  public static void fillCircle(double cx, double cy, double r, int width, int height, short[] out, short value) {
    int v0 = Math.max(0, (int) Math.ceil(cy - r));
    int v1 = Math.min(height - 1, (int) Math.floor(cy + r));
    for (int v = v0; v <= v1; v++) {
      double dy = v - cy;
      double half = Math.sqrt(Math.max(0, r * r - dy * dy));
      int u0 = Math.max(0, (int) Math.ceil(cx - half));
      int u1 = Math.min(width - 1, (int) Math.floor(cx + half));
      for (int u = u0; u <= u1; u++) {
        double dx = u - cx;
        if (dx * dx + dy * dy <= r * r) {
          out[v * width + u] = value;
        }
      }
    }
  }
}
