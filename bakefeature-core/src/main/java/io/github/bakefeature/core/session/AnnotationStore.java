package io.github.bakefeature.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.SceneLayout;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.viz.Palette;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scribbles of a scene, their undo history and the class list — persisted so that nothing a
 * person drew is lost.
 *
 * <p><b>Files.</b> Scribbles live in the scene's {@code semantic/<frame>.png} (the paper tool's
 * format: 0 = unlabelled, k + 1 = class k), class names in {@code metadata.json}, and the session in
 * {@code session/}: {@code session.json} (classes with colours, the history as a list of edit ids,
 * the undo cursor, and a CRC32 of every frame's scribbles) plus one {@code edits/<id>.edit} file per
 * edit holding the pixels it changed with their old and new values. Every file is written
 * atomically (temporary file, fsync, rename).
 *
 * <p><b>Crash safety.</b> A change writes its edit file, then the frame's PNG, then
 * {@code session.json}, which is the commit point. Opening the store compares every frame's PNG with
 * the checksum {@code session.json} expects; a mismatch left by a crash in the middle of a change is
 * explained by that change (a new edit, an undo or a redo) and completed, so at most the change in
 * flight is lost, and the PNGs and the history always agree. A PNG changed by another tool is
 * trusted as it is, and that frame's history entries are dropped (they could not be undone
 * correctly).
 *
 * <p>Thread-safe: all methods synchronise on the store.
 */
public final class AnnotationStore {
  private static final Logger LOG = LoggerFactory.getLogger(AnnotationStore.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int VERSION = 1;
  /** Edits kept on disk; older ones leave the undo history (their effect stays in the PNGs). */
  public static final int MAX_HISTORY = 10_000;

  private final Scene scene;
  private final Path sceneDir;
  private final Path sessionDir;
  private final int width;
  private final int height;
  private final short[][] labels;
  private final long[] crc;
  private final List<SemanticClass> classes = new ArrayList<>();
  private final List<Edit> history = new ArrayList<>();
  private int cursor;
  private long nextId;

  private AnnotationStore(Scene scene, Path sceneDir) {
    this.scene = scene;
    this.sceneDir = sceneDir;
    this.sessionDir = sceneDir == null ? null : sceneDir.resolve(SceneLayout.SESSION);
    this.width = scene.width();
    this.height = scene.height();
    this.labels = new short[scene.size()][];
    this.crc = new long[scene.size()];
  }

  /**
   * Opens the annotations of a scene stored in a folder: existing {@code semantic/} PNGs (e.g. from
   * the paper's tool), the session if one exists, and completes any change a crash interrupted.
   */
  public static AnnotationStore open(Scene scene) throws IOException {
    Path dir = scene.directory().orElseThrow(() -> new IllegalArgumentException(
        "annotations are persisted in the scene folder; this scene has none (use inMemory)"));
    AnnotationStore s = new AnnotationStore(scene, dir);
    synchronized (s) {
      s.load();
    }
    return s;
  }

  /** A store that keeps everything in memory (for scenes without a folder, e.g. simulations). */
  public static AnnotationStore inMemory(Scene scene) throws IOException {
    AnnotationStore s = new AnnotationStore(scene, null);
    for (int i = 0; i < scene.size(); i++) {
      var sc = scene.frame(i).scribbles();
      if (sc.isPresent()) {
        s.labels[i] = sc.get().labels().clone();
      }
      s.crc[i] = checksum(s.labels[i]);
    }
    s.initClasses(scene.classNames(), maxLabel(s.labels));
    return s;
  }

  // ---- loading and reconciliation --------------------------------------------------------------

  private void load() throws IOException {
    for (int i = 0; i < scene.size(); i++) {
      Path png = pngPath(i);
      if (Files.exists(png)) {
        LabelImage img = ImageFiles.readLabels(png, false, -1, 0);
        if (img.width() != width || img.height() != height) {
          throw new InvalidSceneException(png, "expected " + width + "x" + height + ", found " + img.width() + "x" + img.height());
        }
        labels[i] = img.labels().clone();
      }
      crc[i] = checksum(labels[i]);
    }
    Path json = sessionDir.resolve("session.json");
    if (!Files.exists(json)) {
      initClasses(scene.classNames(), maxLabel(labels));
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json.toFile());
    } catch (IOException e) {
      // Atomic writes never leave a torn file, so this was damaged from outside: keep the
      // scribbles (the PNGs are intact), start a fresh history.
      LOG.warn("{}: unreadable ({}); keeping the scribbles, starting a new history", json, e.getMessage());
      initClasses(scene.classNames(), maxLabel(labels));
      return;
    }
    for (JsonNode c : root.path("classes")) {
      classes.add(new SemanticClass(classes.size(), c.path("name").asText("class " + classes.size()),
          Integer.parseInt(c.path("colour").asText("#000000").substring(1), 16)));
    }
    int maxLabel = maxLabel(labels);
    while (classes.size() <= maxLabel) {
      classes.add(new SemanticClass(classes.size(), "class " + classes.size(), Palette.colour(classes.size())));
    }
    Map<Long, Edit> onDisk = readEdits();
    List<Long> ids = new ArrayList<>();
    for (JsonNode id : root.path("history")) {
      ids.add(id.asLong());
    }
    cursor = Math.min(root.path("cursor").asInt(0), ids.size());
    for (long id : ids) {
      Edit e = onDisk.get(id);
      if (e == null) {
        LOG.warn("{}: edit {} is missing; history truncated there", json, id);
        break;
      }
      history.add(e);
    }
    cursor = Math.min(cursor, history.size());
    long maxId = onDisk.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
    nextId = Math.max(root.path("nextId").asLong(0), maxId + 1);
    Map<Integer, Long> expected = new HashMap<>();
    JsonNode frames = root.path("frames");
    for (int i = 0; i < scene.size(); i++) {
      JsonNode v = frames.get(scene.frame(i).name());
      expected.put(i, v == null ? checksum(null) : v.asLong());
    }
    boolean changed = reconcile(expected, onDisk);
    if (changed) {
      LOG.info("{}: completed a change interrupted by a crash", json);
      writeSession();
    }
    // metadata.json follows session.json; a crash between the two leaves it one class behind.
    if (!classNames().equals(scene.classNames())) {
      writeMetadata();
    }
    deleteOrphans();
  }

  private boolean reconcile(Map<Integer, Long> expected, Map<Long, Edit> onDisk) throws IOException {
    boolean changed = false;
    long newestCommitted = history.stream().mapToLong(Edit::id).max().orElse(-1);
    for (int f = 0; f < scene.size(); f++) {
      long want = expected.get(f);
      long have = crc[f];
      if (want == have) {
        continue;
      }
      changed = true;
      // An undo in flight: the PNG already holds the state before history[cursor - 1].
      if (cursor > 0 && history.get(cursor - 1).frame() == f
          && history.get(cursor - 1).crcAfter() == want && history.get(cursor - 1).crcBefore() == have) {
        cursor--;
        continue;
      }
      // A redo in flight.
      if (cursor < history.size() && history.get(cursor).frame() == f
          && history.get(cursor).crcBefore() == want && history.get(cursor).crcAfter() == have) {
        cursor++;
        continue;
      }
      // A new edit in flight: its file was written but session.json not yet.
      Edit pending = null;
      for (Edit e : onDisk.values()) {
        if (e.id() > newestCommitted && e.frame() == f && e.crcBefore() == want && e.crcAfter() == have
            && (pending == null || e.id() > pending.id())) {
          pending = e;
        }
      }
      if (pending != null) {
        history.subList(cursor, history.size()).clear();
        history.add(pending);
        cursor = history.size();
        continue;
      }
      // Changed by something else: trust the file, forget this frame's history.
      LOG.warn("{}: scribbles changed outside the session; keeping them and dropping their undo history",
          pngPath(f));
      int removedBeforeCursor = 0;
      for (int i = 0; i < history.size(); i++) {
        if (history.get(i).frame() == f && i < cursor) {
          removedBeforeCursor++;
        }
      }
      final int frame = f;
      history.removeIf(e -> e.frame() == frame);
      cursor -= removedBeforeCursor;
    }
    return changed;
  }

  private Map<Long, Edit> readEdits() throws IOException {
    Map<Long, Edit> out = new TreeMap<>();
    Path dir = sessionDir.resolve("edits");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String n = p.getFileName().toString();
        if (!n.endsWith(".edit") || n.startsWith(".")) {
          continue;
        }
        try {
          Edit e = Edit.fromBytes(p, Files.readAllBytes(p));
          if (e.frame() >= 0 && e.frame() < scene.size()) {
            out.put(e.id(), e);
          }
        } catch (IOException e) {
          LOG.warn("ignoring damaged edit file: {}", e.getMessage());
        }
      }
    }
    return out;
  }

  private void deleteOrphans() throws IOException {
    Path dir = sessionDir.resolve("edits");
    if (!Files.isDirectory(dir)) {
      return;
    }
    java.util.Set<String> keep = new java.util.HashSet<>();
    for (Edit e : history) {
      keep.add(editFileName(e.id()));
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (!keep.contains(p.getFileName().toString())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void initClasses(List<String> names, int maxLabel) {
    for (String n : names) {
      classes.add(new SemanticClass(classes.size(), n, Palette.colour(classes.size())));
    }
    while (classes.size() <= maxLabel) {
      classes.add(new SemanticClass(classes.size(), "class " + classes.size(), Palette.colour(classes.size())));
    }
  }

  // ---- queries ---------------------------------------------------------------------------------

  public Scene scene() {
    return scene;
  }

  /** Whether changes are written to the scene folder. */
  public boolean isPersistent() {
    return sessionDir != null;
  }

  public synchronized List<SemanticClass> classes() {
    return List.copyOf(classes);
  }

  /** A copy of frame {@code f}'s scribbles. */
  public synchronized LabelImage scribbles(int f) {
    checkFrame(f);
    if (labels[f] == null) {
      return LabelImage.unlabelled(width, height);
    }
    return new LabelImage(width, height, labels[f].clone());
  }

  /** Frames with at least one scribbled pixel, ascending. */
  public synchronized List<Integer> annotatedFrames() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != null && hasLabel(labels[i])) {
        out.add(i);
      }
    }
    return out;
  }

  /** Scribbled pixels over all frames. */
  public synchronized long labelledPixels() {
    long n = 0;
    for (short[] l : labels) {
      if (l != null) {
        for (short v : l) {
          if (v >= 0) {
            n++;
          }
        }
      }
    }
    return n;
  }

  public synchronized boolean canUndo() {
    return cursor > 0;
  }

  public synchronized boolean canRedo() {
    return cursor < history.size();
  }

  /** Number of edits in the history (undone ones included). */
  public synchronized int historySize() {
    return history.size();
  }

  /** Position of the undo cursor: edits {@code [0, cursor)} are applied. */
  public synchronized int cursor() {
    return cursor;
  }

  /** The applied edits, oldest first (for consistency checks). */
  synchronized List<Edit> appliedEdits() {
    return List.copyOf(history.subList(0, cursor));
  }

  private List<String> classNames() {
    List<String> names = new ArrayList<>();
    for (SemanticClass c : classes) {
      names.add(c.name());
    }
    return names;
  }

  /** Ids of the edits in history order (for consistency checks). */
  public synchronized List<Long> historyIds() {
    List<Long> ids = new ArrayList<>(history.size());
    for (Edit e : history) {
      ids.add(e.id());
    }
    return ids;
  }

  // ---- classes ---------------------------------------------------------------------------------

  /** Adds a class with the next id. */
  public synchronized SemanticClass addClass(String name, int colour) throws IOException {
    SemanticClass c = new SemanticClass(classes.size(), name, colour);
    classes.add(c);
    persistClasses();
    return c;
  }

  public synchronized void renameClass(int id, String name) throws IOException {
    checkClass(id);
    classes.set(id, classes.get(id).withName(name));
    persistClasses();
  }

  public synchronized void recolourClass(int id, int colour) throws IOException {
    checkClass(id);
    classes.set(id, classes.get(id).withColour(colour));
    persistClasses();
  }

  private void persistClasses() throws IOException {
    if (sessionDir != null) {
      writeSession();
      writeMetadata();
    }
  }

  // ---- edits -----------------------------------------------------------------------------------

  /**
   * Applies a stroke. Returns the changed pixel indices (empty if the stroke changed nothing, in
   * which case no history entry is made).
   */
  public synchronized int[] applyStroke(int f, Stroke stroke) throws IOException {
    checkFrame(f);
    if (stroke.kind() == Stroke.Kind.PAINT) {
      checkClass(stroke.classId());
    }
    short value = (short) (stroke.kind() == Stroke.Kind.PAINT ? stroke.classId() : -1);
    short[] cur = labels[f];
    int[] buf = new int[64];
    int[] n = {0};
    final int[][] holder = {buf};
    stroke.forEachPixel(width, height, p -> {
      int old = cur == null ? -1 : cur[p];
      if (old != value) {
        if (n[0] == holder[0].length) {
          holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
        }
        holder[0][n[0]++] = p;
      }
    });
    int[] pixels = Arrays.copyOf(holder[0], n[0]);
    if (pixels.length == 0) {
      return pixels;
    }
    short[] after = new short[pixels.length];
    Arrays.fill(after, value);
    commit(f, Edit.Kind.STROKE, stroke, pixels, after);
    return pixels;
  }

  /** Clears frame {@code f}; returns the changed pixels (empty if it had none). */
  public synchronized int[] clearFrame(int f) throws IOException {
    checkFrame(f);
    short[] cur = labels[f];
    if (cur == null) {
      return new int[0];
    }
    int count = 0;
    for (short v : cur) {
      if (v >= 0) {
        count++;
      }
    }
    int[] pixels = new int[count];
    int k = 0;
    for (int i = 0; i < cur.length; i++) {
      if (cur[i] >= 0) {
        pixels[k++] = i;
      }
    }
    if (count == 0) {
      return pixels;
    }
    short[] after = new short[count];
    Arrays.fill(after, (short) -1);
    commit(f, Edit.Kind.CLEAR, null, pixels, after);
    return pixels;
  }

  private void commit(int f, Edit.Kind kind, Stroke stroke, int[] pixels, short[] after) throws IOException {
    short[] cur = frameLabels(f);
    short[] before = new short[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      before[i] = cur[pixels[i]];
    }
    long crcBefore = crc[f];
    short[] next = cur.clone();
    for (int i = 0; i < pixels.length; i++) {
      next[pixels[i]] = after[i];
    }
    long crcAfter = checksum(next);
    Edit e = new Edit(nextId++, f, kind, stroke, pixels, before, after, crcBefore, crcAfter);
    if (sessionDir != null) {
      AtomicFiles.write(sessionDir.resolve("edits").resolve(editFileName(e.id())), e.toBytes());
    }
    List<Edit> dropped = new ArrayList<>(history.subList(cursor, history.size()));
    history.subList(cursor, history.size()).clear();
    history.add(e);
    cursor++;
    Edit evicted = null;
    if (history.size() > MAX_HISTORY) {
      evicted = history.remove(0);
      cursor--;
    }
    setFrame(f, next, crcAfter);
    if (sessionDir != null) {
      writeSession();
      for (Edit d : dropped) {
        Files.deleteIfExists(sessionDir.resolve("edits").resolve(editFileName(d.id())));
      }
      if (evicted != null) {
        Files.deleteIfExists(sessionDir.resolve("edits").resolve(editFileName(evicted.id())));
      }
    }
  }

  /** Undoes the latest applied edit; returns it, or null if there is none. */
  synchronized Edit undo() throws IOException {
    if (cursor == 0) {
      return null;
    }
    Edit e = history.get(cursor - 1);
    short[] next = frameLabels(e.frame()).clone();
    for (int i = 0; i < e.pixels().length; i++) {
      next[e.pixels()[i]] = e.before()[i];
    }
    cursor--;
    setFrame(e.frame(), next, e.crcBefore());
    if (sessionDir != null) {
      writeSession();
    }
    return e;
  }

  /** Redoes the latest undone edit; returns it, or null if there is none. */
  synchronized Edit redo() throws IOException {
    if (cursor == history.size()) {
      return null;
    }
    Edit e = history.get(cursor);
    short[] next = frameLabels(e.frame()).clone();
    for (int i = 0; i < e.pixels().length; i++) {
      next[e.pixels()[i]] = e.after()[i];
    }
    cursor++;
    setFrame(e.frame(), next, e.crcAfter());
    if (sessionDir != null) {
      writeSession();
    }
    return e;
  }

  private short[] frameLabels(int f) {
    if (labels[f] == null) {
      short[] l = new short[width * height];
      Arrays.fill(l, LabelImage.UNLABELLED);
      return l;
    }
    return labels[f];
  }

  /** Installs a frame's new labels in memory and writes its PNG (before session.json commits it). */
  private void setFrame(int f, short[] next, long checksum) throws IOException {
    labels[f] = next;
    crc[f] = checksum;
    if (sessionDir != null) {
      ImageFiles.writeLabelPng(new LabelImage(width, height, next), true, pngPath(f));
    }
  }

  private void writeSession() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ArrayNode cs = root.putArray("classes");
    for (SemanticClass c : classes) {
      cs.addObject().put("name", c.name()).put("colour", c.hexColour());
    }
    ArrayNode h = root.putArray("history");
    for (Edit e : history) {
      h.add(e.id());
    }
    root.put("cursor", cursor);
    root.put("nextId", nextId);
    ObjectNode frames = root.putObject("frames");
    long empty = checksum(null);
    for (int i = 0; i < labels.length; i++) {
      if (crc[i] != empty) {
        frames.put(scene.frame(i).name(), crc[i]);
      }
    }
    AtomicFiles.write(sessionDir.resolve("session.json"), JSON.writeValueAsBytes(root));
  }

  private void writeMetadata() throws IOException {
    List<String> names = classNames();
    if (!names.isEmpty()) {
      SceneWriter.writeMetadata(names, sceneDir.resolve(SceneLayout.METADATA));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Path pngPath(int f) {
    return sceneDir.resolve(SceneLayout.SEMANTIC).resolve(scene.frame(f).name() + ".png");
  }

  private static String editFileName(long id) {
    return String.format("%012d.edit", id);
  }

  /** CRC32 of a frame's labels (null = all unlabelled, which has its own fixed checksum). */
  static long checksum(short[] l) {
    CRC32 c = new CRC32();
    if (l == null || !hasLabel(l)) {
      return c.getValue();
    }
    byte[] b = new byte[l.length * 2];
    for (int i = 0; i < l.length; i++) {
      b[2 * i] = (byte) l[i];
      b[2 * i + 1] = (byte) (l[i] >> 8);
    }
    c.update(b);
    return c.getValue();
  }

  private static boolean hasLabel(short[] l) {
    for (short v : l) {
      if (v >= 0) {
        return true;
      }
    }
    return false;
  }

  private static int maxLabel(short[][] all) {
    int m = -1;
    for (short[] l : all) {
      if (l != null) {
        for (short v : l) {
          m = Math.max(m, v);
        }
      }
    }
    return m;
  }

  private void checkFrame(int f) {
    if (f < 0 || f >= labels.length) {
      throw new IllegalArgumentException("frame must be in [0, " + labels.length + "), found " + f);
    }
  }

  private void checkClass(int id) {
    if (id < 0 || id >= classes.size()) {
      throw new IllegalArgumentException("class id must be in [0, " + classes.size() + "), found " + id);
    }
  }
}
