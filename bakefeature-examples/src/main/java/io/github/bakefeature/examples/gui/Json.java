package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.session.TrainingProgress;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of the API (see docs/gui.md). */
final class Json {
  /**
   * Writes the API's answers and reads what clients send: one JSON value and nothing after it
   * ({@code {...} garbage} is refused), and no field twice in one object.
   */
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Reads one value leaving what follows to {@link #parse(JsonParser)}, which names it. */
  private static final ObjectReader READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Input that is not exactly one JSON value; the message says what was found where. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  /**
   * Parses exactly one JSON value (null for empty input or only white space); refuses malformed
   * JSON, a field named twice in one object, and anything after the value.
   */
  static JsonNode parse(byte[] bytes) throws MalformedException {
    // Decoded here, strictly: given bytes, Jackson would guess UTF-16 or UTF-32 from the first ones
    // and accept what the API documents as UTF-8 only.
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new MalformedException("expected a JSON body in UTF-8, found bytes that are not UTF-8");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a UTF-8 byte-order mark, which JSON parsers may ignore
    }
    if (text.indexOf('\u0000') >= 0) {
      throw new MalformedException("expected a JSON body in UTF-8, found NUL characters (UTF-16 or UTF-32?)");
    }
    return parse(text);
  }

  /** As {@link #parse(byte[])} for a text (a WebSocket message). */
  static JsonNode parse(String text) throws MalformedException {
    try (JsonParser p = MAPPER.createParser(text)) {
      return parse(p);
    } catch (IOException e) {
      throw new MalformedException(describe(e));
    }
  }

  private static JsonNode parse(JsonParser p) throws IOException, MalformedException {
    if (p.nextToken() == null) {
      return null;
    }
    JsonNode n = READER.readTree(p);
    if (n == null) {
      n = MAPPER.nullNode();
    }
    boolean more;
    try {
      more = p.nextToken() != null;
    } catch (JsonProcessingException e) {
      more = true; // unparseable garbage after the value
    }
    if (more) {
      throw new MalformedException("expected one JSON value and nothing after it, found more after the closing "
          + (n.isObject() ? "brace" : n.isArray() ? "bracket" : "value"));
    }
    return n;
  }

  private static String describe(IOException e) {
    return io.github.bakefeature.core.io.ErrorText.describe(e);
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String write(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + node, e);
    }
  }

  /** {@code {"error": message, "field": field}}. */
  static ObjectNode error(String message, String field) {
    ObjectNode n = object();
    n.put("error", message == null ? "error" : message);
    if (field != null) {
      n.put("field", field);
    }
    return n;
  }

  /** {@code [{"id":0,"name":"wall","colour":"#1f77b4"}, ...]}. */
  static ArrayNode classes(List<SemanticClass> classes) {
    ArrayNode a = MAPPER.createArrayNode();
    for (SemanticClass c : classes) {
      ObjectNode o = a.addObject();
      o.put("id", c.id());
      o.put("name", c.name());
      o.put("colour", c.hexColour());
    }
    return a;
  }

  /** Training progress; {@code trainingError} is the message of the error that stopped training, if any. */
  static ObjectNode progress(TrainingProgress p, Throwable failure) {
    ObjectNode o = object();
    o.put("step", p.step());
    o.put("stepsPerSecond", round(p.stepsPerSecond(), 100));
    ObjectNode losses = o.putObject("losses");
    for (Map.Entry<String, Double> e : new TreeMap<>(p.losses()).entrySet()) {
      losses.put(e.getKey(), e.getValue() == null || !Double.isFinite(e.getValue()) ? null : e.getValue());
    }
    o.put("secondsSinceLastAnnotation", round(p.secondsSinceLastAnnotation(), 10));
    o.put("paused", p.paused());
    o.put("annotatedPixels", p.annotatedPixels());
    if (failure != null) {
      o.put("trainingError", String.valueOf(failure.getMessage() == null ? failure.toString() : failure.getMessage()));
    } else {
      o.putNull("trainingError");
    }
    o.put("time", System.currentTimeMillis());
    return o;
  }

  static ArrayNode ints(List<Integer> values) {
    ArrayNode a = MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static double round(double v, double scale) {
    return Double.isFinite(v) ? Math.round(v * scale) / scale : 0;
  }
}
