package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.bakefeature.api.annotation.Stroke;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and validates request bodies; every refusal names the field and what was expected. */
final class Requests {
  private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");
  private static final Set<String> STROKE_FIELDS = Set.of("kind", "classId", "radius", "points");
  private static final Set<String> CLASS_FIELDS = Set.of("name", "colour");

  private Requests() {}

  /**
   * The body as JSON (an empty body is an empty object), refusing more than {@code maxBytes} bytes
   * with 413 and malformed JSON or a non-object with 400.
   */
  static JsonNode json(long declaredLength, InputStream body, int maxBytes) throws IOException {
    if (declaredLength > maxBytes) {
      throw new ApiException(413, "request body of " + declaredLength + " bytes exceeds the limit of " + maxBytes + " bytes", null);
    }
    byte[] bytes = body.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      throw new ApiException(413, "request body exceeds the limit of " + maxBytes + " bytes", null);
    }
    if (bytes.length == 0) {
      return Json.object();
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(null, "malformed JSON: " + e.getOriginalMessage());
    }
    if (n == null || n.isMissingNode()) {
      return Json.object();
    }
    if (!n.isObject()) {
      throw ApiException.badRequest(null, "expected a JSON object, found " + n.getNodeType().toString().toLowerCase());
    }
    return n;
  }

  /** Refuses fields outside {@code allowed} (a typo should not pass silently). */
  static void onlyFields(JsonNode body, Set<String> allowed) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiException.badRequest(f, "unknown field '" + shorten(f) + "': expected " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  /** A stroke on a {@code width x height} image with {@code classCount} classes. */
  static Stroke stroke(JsonNode body, int width, int height, int classCount, GuiLimits limits) {
    onlyFields(body, STROKE_FIELDS);
    JsonNode kindNode = body.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      throw ApiException.badRequest("kind", "kind must be \"paint\" or \"erase\", found " + describe(kindNode));
    }
    String kind = kindNode.asText();
    boolean paint;
    if (kind.equals("paint")) {
      paint = true;
    } else if (kind.equals("erase")) {
      paint = false;
    } else {
      throw ApiException.badRequest("kind", "kind must be \"paint\" or \"erase\", found \"" + shorten(kind) + "\"");
    }
    int classId = -1;
    JsonNode cls = body.get("classId");
    if (paint) {
      if (classCount == 0) {
        throw ApiException.badRequest("classId", "there are no classes yet: add a class before painting");
      }
      if (cls == null || !cls.isIntegralNumber() || !cls.canConvertToInt()
          || cls.asInt() < 0 || cls.asInt() >= classCount) {
        throw ApiException.badRequest("classId", "classId must be a class id in [0, " + classCount + "), found " + describe(cls));
      }
      classId = cls.asInt();
    } else if (cls != null && !cls.isNull() && !(cls.isIntegralNumber() && cls.asLong() == -1)) {
      throw ApiException.badRequest("classId", "an erase stroke takes no classId (or -1), found " + describe(cls));
    }
    JsonNode r = body.get("radius");
    if (r == null || !r.isNumber() || !Double.isFinite(r.asDouble())
        || r.asDouble() < 0.5 || r.asDouble() > Stroke.MAX_RADIUS) {
      throw ApiException.badRequest("radius", "radius must be a number of pixels in [0.5, " + (int) Stroke.MAX_RADIUS
          + "], found " + describe(r));
    }
    float radius = (float) r.asDouble();
    JsonNode pts = body.get("points");
    if (pts == null || !pts.isArray()) {
      throw ApiException.badRequest("points", "points must be an array [x0, y0, x1, y1, ...] in image pixels, found " + describe(pts));
    }
    int n = pts.size();
    if (n < 2 || n % 2 != 0) {
      throw ApiException.badRequest("points", "points must hold x, y pairs (at least one point), found " + n + " numbers");
    }
    if (n / 2 > limits.maxStrokePoints()) {
      throw new ApiException(413, "a stroke may have at most " + limits.maxStrokePoints() + " points, found " + n / 2
          + "; split it into several strokes", "points");
    }
    float[] xy = new float[n];
    float margin = radius + 1;
    for (int i = 0; i < n; i++) {
      JsonNode p = pts.get(i);
      if (p == null || !p.isNumber() || !Double.isFinite(p.asDouble())) {
        throw ApiException.badRequest("points", "points[" + i + "] must be a finite number, found " + describe(p));
      }
      double v = p.asDouble();
      int extent = i % 2 == 0 ? width : height;
      if (v < -margin || v > extent - 1 + margin) {
        throw ApiException.badRequest("points", "point " + i / 2 + " (" + (i % 2 == 0 ? "x" : "y") + " = " + v
            + ") lies outside the " + width + "x" + height + " image (pixel centres 0.." + (extent - 1) + ")");
      }
      xy[i] = (float) v;
    }
    return paint ? Stroke.paint(classId, radius, xy) : Stroke.erase(radius, xy);
  }

  /** Class fields for add (name required) or update (both optional, at least one). */
  record ClassFields(String name, Integer colour) {}

  static ClassFields classFields(JsonNode body, boolean nameRequired, GuiLimits limits) {
    onlyFields(body, CLASS_FIELDS);
    String name = null;
    JsonNode n = body.get("name");
    if (n != null && !n.isNull()) {
      if (!n.isTextual()) {
        throw ApiException.badRequest("name", "name must be a string, found " + describe(n));
      }
      name = n.asText().strip();
      if (name.isEmpty()) {
        throw ApiException.badRequest("name", "name must not be blank");
      }
      if (name.length() > limits.maxClassNameLength()) {
        throw ApiException.badRequest("name", "name may have at most " + limits.maxClassNameLength()
            + " characters, found " + name.length());
      }
      if (name.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("name", "name must not contain control characters");
      }
    } else if (nameRequired) {
      throw ApiException.badRequest("name", "name is required");
    }
    Integer colour = null;
    JsonNode c = body.get("colour");
    if (c != null && !c.isNull()) {
      if (!c.isTextual() || !COLOUR.matcher(c.asText()).matches()) {
        throw ApiException.badRequest("colour", "colour must be \"#rrggbb\", found " + describe(c));
      }
      colour = Integer.parseInt(c.asText().substring(1), 16);
    }
    if (!nameRequired && name == null && colour == null) {
      throw ApiException.badRequest(null, "expected at least one of name, colour");
    }
    return new ClassFields(name, colour);
  }

  /** A path parameter as an index in {@code [0, size)}; 404 when out of range. */
  static int index(String what, String raw, int size) {
    int v;
    try {
      if (raw.length() > 10) {
        throw new NumberFormatException();
      }
      v = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(what, what + " must be an integer index, found '" + shorten(raw) + "'");
    }
    if (v < 0 || v >= size) {
      throw new ApiException(404, what + " must be in [0, " + size + "), found " + v, what);
    }
    return v;
  }

  static String describe(JsonNode n) {
    if (n == null) {
      return "nothing";
    }
    return shorten(n.toString());
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
