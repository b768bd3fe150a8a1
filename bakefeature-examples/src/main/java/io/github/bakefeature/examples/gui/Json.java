package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.session.TrainingProgress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of the API (see docs/gui.md). */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

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
