package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bakefeature.api.annotation.Stroke;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/** Reads and validates request bodies; every refusal names the field and what was expected. */
final class Requests {
  private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");
  private static final Pattern CANONICAL_INTEGER = Pattern.compile("0|-?[1-9][0-9]*");
  private static final Set<String> STROKE_FIELDS = Set.of("kind", "classId", "radius", "points");
  private static final Set<String> CLASS_FIELDS = Set.of("name", "colour");

  private Requests() {}

  /**
   * The body as JSON (an empty body is an empty object), refusing more than {@code maxBytes} bytes
   * with 413, a body that takes longer than {@code maxNanos} to arrive (or stalls for the
   * connection's idle timeout) with 408, and malformed JSON, trailing content after the object or
   * a non-object with 400.
   */
  static JsonNode json(long declaredLength, InputStream body, int maxBytes, long maxNanos) throws IOException {
    if (declaredLength > maxBytes) {
      throw new ApiException(413, "request body of " + declaredLength + " bytes exceeds the limit of " + maxBytes + " bytes", null);
    }
    byte[] bytes = read(body, maxBytes, maxNanos);
    if (bytes.length == 0) {
      return Json.object();
    }
    JsonNode n;
    try {
      n = Json.parse(bytes);
    } catch (Json.MalformedException e) {
      throw ApiException.badRequest(null, "malformed JSON: " + e.getMessage());
    }
    if (n == null || n.isMissingNode()) {
      return Json.object();
    }
    if (!n.isObject()) {
      throw ApiException.badRequest(null, "expected a JSON object, found " + n.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return n;
  }

  /** Reads at most {@code maxBytes + 1} bytes, within {@code maxNanos}. */
  private static byte[] read(InputStream body, int maxBytes, long maxNanos) throws IOException {
    long start = System.nanoTime();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      while (true) {
        int n = body.read(buf, 0, Math.min(buf.length, maxBytes + 1 - out.size()));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        if (out.size() > maxBytes) {
          throw new ApiException(413, "request body exceeds the limit of " + maxBytes + " bytes", null);
        }
        if (System.nanoTime() - start > maxNanos) {
          throw new ApiException(408, "the request body did not arrive within " + maxNanos / 1_000_000_000L
              + " s (" + out.size() + " bytes received)", null);
        }
      }
    } catch (IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof TimeoutException) {
          throw new ApiException(408, "the request body stopped arriving (" + out.size()
              + " bytes received, then nothing until the idle timeout)", null);
        }
      }
      throw e;
    }
    return out.toByteArray();
  }

  /** Refuses fields outside {@code allowed} (a typo should not pass silently). */
  static void onlyFields(JsonNode body, Set<String> allowed) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiException.badRequest(f, "unknown field '" + shorten(f) + "': expected "
            + (allowed.isEmpty() ? "an empty body or {}" : "only " + String.join(", ", allowed.stream().sorted().toList())));
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
    } else if (cls != null && !cls.isNull() && !(cls.isIntegralNumber() && cls.canConvertToInt() && cls.asInt() == -1)) {
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
      name = trimSpaces(n.asText());
      int bad = unpairedSurrogate(name);
      if (bad >= 0) {
        throw ApiException.badRequest("name", String.format(Locale.ROOT,
            "name must be well-formed Unicode text, found an unpaired surrogate \\u%04X at character %d", (int) name.charAt(bad), bad));
      }
      if (name.isEmpty() || name.codePoints().allMatch(Requests::invisible)) {
        throw ApiException.badRequest("name", "name must not be blank");
      }
      int length = name.codePointCount(0, name.length());
      if (length > limits.maxClassNameLength()) {
        throw ApiException.badRequest("name", "name may have at most " + limits.maxClassNameLength()
            + " characters, found " + length);
      }
      int hidden = name.codePoints().filter(Requests::hiddenControl).findFirst().orElse(-1);
      if (hidden >= 0) {
        throw ApiException.badRequest("name", String.format(Locale.ROOT, "name must not contain control or"
            + " formatting characters (which hide or reorder text), found U+%04X", hidden));
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

  /** {@code s} without white space (any Unicode space, e.g. no-break) at either end. */
  static String trimSpaces(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && space(s.codePointAt(a))) {
      a += Character.charCount(s.codePointAt(a));
    }
    while (b > a && space(s.codePointBefore(b))) {
      b -= Character.charCount(s.codePointBefore(b));
    }
    return s.substring(a, b);
  }

  private static boolean space(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  /**
   * Whether {@code cp} shows nothing on its own: white space, a formatting character, a mark that
   * only combines with a base character, or a blank letter (Hangul fillers, the blank braille cell).
   */
  static boolean invisible(int cp) {
    int type = Character.getType(cp);
    return space(cp) || type == Character.FORMAT || type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK
        || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800;
  }

  /**
   * Whether {@code cp} is a control character, a line or paragraph separator, or a formatting
   * character other than the zero-width non-joiner and joiner (which Persian, Indic scripts and
   * emoji sequences need) and the soft hyphen: characters that break a name across lines, hide it
   * or reorder the text around it (bidirectional overrides).
   */
  static boolean hiddenControl(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || (type == Character.FORMAT && cp != 0x200C && cp != 0x200D && cp != 0x00AD);
  }

  /** The index of the first unpaired UTF-16 surrogate in {@code s}, or -1 if it is well-formed. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A path parameter as an index in {@code [0, size)}: ASCII decimal digits without sign, plus or
   * leading zeros (400 otherwise; negative numbers and numbers out of range are 404).
   */
  static int index(String what, String raw, int size) {
    if (raw != null && raw.length() > 10 && CANONICAL_INTEGER.matcher(raw).matches()) {
      // A well-formed number too long to be an index: out of range, like any other.
      throw new ApiException(404, what + " must be in [0, " + size + "), found " + shorten(raw), what);
    }
    long v = integer(what, "an integer index", raw, 10);
    if (v < 0 || v >= size) {
      throw new ApiException(404, what + " must be in [0, " + size + "), found " + v, what);
    }
    return (int) v;
  }

  /**
   * A path parameter as a canonical decimal integer ({@code 0}, {@code 7}, {@code -3}: ASCII digits,
   * no plus sign, no leading zeros) of at most {@code maxDigits} digits; 400 otherwise.
   */
  static long integer(String what, String noun, String raw, int maxDigits) {
    String r = raw == null ? "" : raw;
    if (!CANONICAL_INTEGER.matcher(r).matches() || r.length() > maxDigits + (r.startsWith("-") ? 1 : 0)) {
      throw ApiException.badRequest(what, what + " must be " + noun + ", found '" + shorten(r)
          + "': expected the ASCII digits 0-9 without '+' or leading zeros, at most " + maxDigits + " of them");
    }
    return Long.parseLong(r);
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
