package io.github.bakefeature.core.export;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.viz.Palette;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * {@code count} classes named as the scene's {@code metadata.json} names them now (a label
   * session adds and renames classes there while a {@link Scene} opened earlier keeps the names
   * it was opened with; {@code scene.classNames()} when the file cannot be read), coloured as the
   * scene's label session left them (the colours a person chose in the app, from
   * {@code session/session.json}) where that file names the same class, else by the default
   * palette. A missing or unreadable session file only means default colours: exports never fail
   * over a colour or a name.
   */
  public static List<SemanticClass> fromScene(Scene scene, int count) {
    List<String> names = scene.directory().map(d -> currentNames(d, scene.classNames())).orElse(scene.classNames());
    Map<Integer, Integer> chosen = scene.directory().map(d -> sessionColours(d, names)).orElse(Map.of());
    List<SemanticClass> given = new ArrayList<>();
    for (int i = 0; i < names.size() && i < Math.max(count, names.size()); i++) {
      given.add(new SemanticClass(i, names.get(i), chosen.getOrDefault(i, Palette.colour(i))));
    }
    return pad(given, names, count);
  }

  /**
   * The names in {@code metadata.json} if they extend {@code opened} (the same count or more: a
   * session only adds classes, and renames keep ids), else {@code opened}.
   */
  private static List<String> currentNames(Path sceneDir, List<String> opened) {
    Path meta = sceneDir.resolve(SceneLayout.METADATA);
    if (!Files.isRegularFile(meta)) {
      return opened;
    }
    try {
      List<String> now = io.github.bakefeature.core.scene.SceneFolder.readMetadata(meta);
      return now.size() >= opened.size() ? now : opened;
    } catch (IOException | RuntimeException e) {
      return opened;
    }
  }

  /** Class id to colour from {@code session/session.json}, for the classes whose name matches metadata. */
  private static Map<Integer, Integer> sessionColours(Path sceneDir, List<String> names) {
    Path json = sceneDir.resolve(SceneLayout.SESSION).resolve("session.json");
    if (!Files.isRegularFile(json)) {
      return Map.of();
    }
    Map<Integer, Integer> out = new LinkedHashMap<>();
    try {
      JsonNode classes = new ObjectMapper().readTree(json.toFile()).path("classes");
      for (int i = 0; i < classes.size(); i++) {
        JsonNode colour = classes.get(i).path("colour");
        boolean sameClass = i < names.size() && names.get(i).equals(classes.get(i).path("name").asText());
        if (sameClass && colour.isTextual() && colour.asText().matches("#[0-9a-fA-F]{6}")) {
          out.put(i, Integer.parseInt(colour.asText().substring(1), 16));
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return out;
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
