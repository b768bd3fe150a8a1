package io.github.bakefeature.core.export;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.viz.Palette;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The class names and colours an export is labelled with: the scene's names (or a session's
 * classes with the colours the person chose), padded with {@code class k} and default
 * {@link Palette} colours up to the model's class count.
 */
public final class ExportClasses {
  private ExportClasses() {}

  /** {@code count} classes named after {@code scene.classNames()}, coloured by the default palette. */
  public static List<SemanticClass> fromScene(Scene scene, int count) {
    return pad(List.of(), scene.classNames(), count);
  }

  /** The session's classes (names and colours), padded to {@code count}. */
  public static List<SemanticClass> fromSession(LabelSession session, int count) {
    return pad(session.classes(), List.of(), count);
  }

  private static List<SemanticClass> pad(List<SemanticClass> given, List<String> names, int count) {
    List<SemanticClass> out = new ArrayList<>(Math.max(count, given.size()));
    for (int i = 0; i < Math.max(count, given.size()); i++) {
      if (i < given.size()) {
        out.add(given.get(i));
      } else {
        String n = i < names.size() ? names.get(i) : "class " + i;
        out.add(new SemanticClass(i, n, Palette.colour(i)));
      }
    }
    return List.copyOf(out);
  }

  /** Colours {@code 0xRRGGBB} by class id. */
  public static int[] palette(List<SemanticClass> classes) {
    int[] p = new int[Math.max(1, classes.size())];
    for (int i = 0; i < p.length; i++) {
      p[i] = i < classes.size() ? classes.get(i).colour() : Palette.colour(i);
    }
    return p;
  }

  /** The legend as JSON-ready maps: {@code [{"id": 0, "name": "table", "colour": "#1f77b4"}, ...]}. */
  public static List<Map<String, Object>> legend(List<SemanticClass> classes) {
    List<Map<String, Object>> l = new ArrayList<>();
    for (SemanticClass c : classes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("name", c.name());
      m.put("colour", c.hexColour());
      l.add(m);
    }
    return l;
  }
}
