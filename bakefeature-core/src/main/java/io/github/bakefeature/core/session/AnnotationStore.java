package io.github.bakefeature.core.session;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.github.bakefeature.core.io.ErrorText;
import io.github.bakefeature.core.scene.LabelSizes;
import io.github.bakefeature.core.scene.SceneLayout;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.viz.Palette;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p><b>History size.</b> The history keeps at most {@link #MAX_HISTORY} edits and at most
 * {@link #maxHistoryBytes()} bytes of edit files ({@link #DEFAULT_MAX_HISTORY_BYTES} unless opened
 * with another cap); a new edit past either cap drops the oldest edits from the undo history, saved
 * as part of that change, and their effect stays in the scribbles. The newest edit is always kept,
 * so one edit larger than the cap exceeds it alone until the next.
 *
 * <p><b>Failed saves.</b> A change (stroke, clear, undo, redo) that cannot be saved — its PNG or
 * {@code session.json} cannot be written — throws and is not applied: memory changes only once
 * both files are written, and a failure puts back the history, cursor, next edit id and labels in
 * memory and the files it had written, so no later {@code session.json} lists it.
 *
 * <p><b>Damaged session files.</b> The PNGs are the source of truth for the current labels; the
 * session only adds the undo history, so a damaged session never changes a PNG and never stops the
 * scene from opening (only a {@code session.json} of another version does, see below). Opening <em>never deletes</em> a session file: every file it cannot use is
 * moved to {@code session/set-aside/<yyyyMMdd-HHmmss>/} together with a copy of {@code session.json}
 * as it was and a {@code reasons.txt} saying why, and each problem is logged (and listed by
 * {@link #loadWarnings()}) naming the file and saying what was expected and what was found.
 * <ul>
 *   <li>An edit file that is truncated, fails its checksum, or does not fit the scene (another id
 *       than its name, a frame, pixel or class value out of range) is unusable, as is a history
 *       entry whose file is missing, that is not an id, or that is not newer than the entry before.
 *   <li>Undo of an edit needs only that edit's old values, but it is correct only if its frame holds
 *       exactly what the edit left. So every frame's applied edits are checked newest first: an edit
 *       stays undoable if the frame (as the PNG holds it, with the newer kept edits undone) matches
 *       its new values and its checksum; undone edits are checked forwards the same way for redo.
 *       An unusable entry is dropped, and so is every edit that no longer fits: with a damaged
 *       applied edit <i>k</i>, the newer edits stay undoable down to <i>k</i>, the older edits of
 *       other frames stay undoable too, and the older edits of <i>k</i>'s frame leave the history
 *       (undoing them would also revert part of <i>k</i>); with a damaged undone edit, redo stops
 *       before it on its frame. Dropped edits leave only the undo history: their effect stays in
 *       the scribbles.
 *   <li>{@code session.json}: unreadable JSON starts a new history (classes from
 *       {@code metadata.json}). A class with an invalid name or colour (expected {@code "#rrggbb"})
 *       gets its {@code metadata.json} name or palette colour. An invalid or inconsistent
 *       {@code cursor} is recovered from the scribbles (the position at which every frame is what
 *       the history leaves there). An invalid {@code nextId} becomes the newest id + 1, an invalid
 *       frame checksum trusts that frame's PNG. Only a {@code version} other than 1 is refused
 *       ({@link InvalidSceneException}, nothing changed): it may hold what this release cannot
 *       keep. The repaired session is written back at once, so new edits are saved as usual.
 * </ul>
 *
 * <p><b>One writer.</b> A store opened on a folder holds the folder's {@link SessionLock}
 * ({@code session/.lock}) until {@link #close()}: a second store on the same scene, in this or
 * another process, would take the first one's change in flight for a crash and complete or set
 * aside its files, so it is refused with a {@link SceneInUseException}.
 *
 * <p>Thread-safe: changes and reads synchronise on the store, but a stroke is rasterised before
 * taking its monitor and {@link #labelledPixels()} reads a counter without it, so that neither a
 * long stroke nor a slow save holds up the training thread's progress reports.
 */
public final class AnnotationStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnnotationStore.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int VERSION = 1;
  /** Edits kept on disk; older ones leave the undo history (their effect stays in the PNGs). */
  public static final int MAX_HISTORY = 10_000;
  /**
   * Default cap on the total size of the edit files (1 GiB). An edit stores about 8 bytes per changed
   * pixel, so without it {@link #MAX_HISTORY} full-frame edits of a 1296x968 scene would take 100 GB;
   * beyond the cap the oldest edits leave the undo history as beyond {@link #MAX_HISTORY}.
   */
  public static final long DEFAULT_MAX_HISTORY_BYTES = 1L << 30;
  /** Largest edit id (edit files are named by their id in 12 digits). */
  static final long MAX_ID = 999_999_999_999L;
  private static final String SESSION_FILE = "session.json";
  /** Folder of {@code session/} where opening moves the files it cannot use (never deletes them). */
  public static final String SET_ASIDE = "set-aside";

  private final Scene scene;
  private final Path sceneDir;
  private final Path sessionDir;
  private final int width;
  private final int height;
  private final short[][] labels;
  private final long[] crc;
  /** Cap on the summed size of the history's edit files; the newest edit is kept even if larger. */
  private final long maxHistoryBytes;
  /**
   * The size of each frame's PNG if it is not the frame's (saved by another tool, read resampled),
   * else null; a change of that frame keeps the original in {@code set-aside/} before rewriting it.
   */
  private final String[] otherSize;
  /** Where the original of an other-size PNG was kept, once a change of its frame has kept it. */
  private final Path[] keptOriginal;
  /** Labelled pixels of each frame, kept with every change. */
  private final int[] frameLabelled;
  /**
   * Labelled pixels of all frames, kept with every change and read without the store's monitor:
   * the training thread reports it several times a second and must not wait for a stroke's save.
   */
  private volatile long labelledTotal;
  private final List<SemanticClass> classes = new ArrayList<>();
  private final List<Edit> history = new ArrayList<>();
  private int cursor;
  private long nextId;
  /** The newest id of an edit this store's caps dropped from the history while open, -1 if none. */
  private long evictedUpTo = -1;
  private final List<String> loadWarnings = new ArrayList<>();
  /**
   * Frames whose PNG still holds a change that failed and could not be put back; written back
   * before the next change (their labels in memory are right).
   */
  private final Set<Integer> stalePngs = new java.util.TreeSet<>();
  /** Runs before every file a change writes; tests make it throw to simulate a failing disk. */
  volatile WriteHook writeHook = file -> { };
  /** Taken by open and released by close (null in memory, or when a label session holds it). */
  private final SessionLock lock;
  private boolean closed;

  private AnnotationStore(Scene scene, Path sceneDir, SessionLock lock, long maxHistoryBytes) {
    checkMaxHistoryBytes(maxHistoryBytes);
    this.maxHistoryBytes = maxHistoryBytes;
    this.scene = scene;
    this.lock = lock;
    this.sceneDir = sceneDir;
    this.sessionDir = sceneDir == null ? null : sceneDir.resolve(SceneLayout.SESSION);
    this.width = scene.width();
    this.height = scene.height();
    this.labels = new short[scene.size()][];
    this.crc = new long[scene.size()];
    this.frameLabelled = new int[scene.size()];
    this.otherSize = new String[scene.size()];
    this.keptOriginal = new Path[scene.size()];
  }

  /**
   * Whether a store or label session (of this or another process) has the scene folder
   * {@code sceneDir} open now, e.g. before a tool replaces the scene's files. Creates nothing.
   *
   * @throws IOException if the scene's lock file exists but cannot be opened
   */
  public static boolean isOpen(Path sceneDir) throws IOException {
    return SessionLock.isHeld(sceneDir);
  }

  /**
   * Opens the annotations of a scene stored in a folder: existing {@code semantic/} PNGs (e.g. from
   * the paper's tool), the session if one exists, and completes any change a crash interrupted.
   * The store holds the scene's session lock until {@link #close()}.
   *
   * @throws SceneInUseException if another store or label session (in any process) has the scene
   *     open; nothing is read or changed then
   */
  public static AnnotationStore open(Scene scene) throws IOException {
    return open(scene, DEFAULT_MAX_HISTORY_BYTES);
  }

  /**
   * Opens the annotations of a scene stored in a folder as {@link #open(Scene)}, keeping at most
   * {@code maxHistoryBytes} of edit files (see {@link #DEFAULT_MAX_HISTORY_BYTES}).
   *
   * @throws SceneInUseException if another store or label session (in any process) has the scene
   *     open; nothing is read or changed then
   */
  public static AnnotationStore open(Scene scene, long maxHistoryBytes) throws IOException {
    checkMaxHistoryBytes(maxHistoryBytes);
    Path dir = sceneDir(scene);
    // The lock comes first: only its holder may take a half-written change for a crash.
    SessionLock lock = SessionLock.acquire(dir);
    try {
      return load(scene, dir, lock, maxHistoryBytes);
    } catch (IOException | RuntimeException | Error e) {
      lock.release();
      throw e;
    }
  }

  /**
   * Opens the annotations of a scene whose session lock the caller holds (a label session); the
   * caller keeps it and releases it after {@link #close()}.
   */
  static AnnotationStore open(Scene scene, SessionLock held) throws IOException {
    return open(scene, held, DEFAULT_MAX_HISTORY_BYTES);
  }

  /** As {@link #open(Scene, SessionLock)}, keeping at most {@code maxHistoryBytes} of edit files. */
  static AnnotationStore open(Scene scene, SessionLock held, long maxHistoryBytes) throws IOException {
    checkMaxHistoryBytes(maxHistoryBytes);
    Path dir = sceneDir(scene);
    if (!held.sceneDir().equals(dir)) {
      throw new IllegalArgumentException("expected the session lock of " + dir + ", found the one of " + held.sceneDir());
    }
    return load(scene, dir, null, maxHistoryBytes);
  }

  private static void checkMaxHistoryBytes(long maxHistoryBytes) {
    // Checked before the lock is taken, so a bad option leaves nothing to release.
    if (maxHistoryBytes <= 0) {
      throw new IllegalArgumentException("expected a history size cap > 0 bytes, found " + maxHistoryBytes);
    }
  }

  private static Path sceneDir(Scene scene) {
    return scene.directory().orElseThrow(() -> new IllegalArgumentException(
        "annotations are persisted in the scene folder; this scene has none (use inMemory)"));
  }

  /** @param ownLock the lock the store releases on close, or null if the caller holds it */
  private static AnnotationStore load(Scene scene, Path dir, SessionLock ownLock, long maxHistoryBytes)
      throws IOException {
    AnnotationStore s = new AnnotationStore(scene, dir, ownLock, maxHistoryBytes);
    synchronized (s) {
      s.load();
      s.countLabelled();
    }
    return s;
  }

  /** A store that keeps everything in memory (for scenes without a folder, e.g. simulations). */
  public static AnnotationStore inMemory(Scene scene) throws IOException {
    return inMemory(scene, DEFAULT_MAX_HISTORY_BYTES);
  }

  /** A store in memory as {@link #inMemory(Scene)}, whose history holds at most {@code maxHistoryBytes} of edits. */
  public static AnnotationStore inMemory(Scene scene, long maxHistoryBytes) throws IOException {
    AnnotationStore s = new AnnotationStore(scene, null, null, maxHistoryBytes);
    for (int i = 0; i < scene.size(); i++) {
      var sc = scene.frame(i).scribbles();
      if (sc.isPresent()) {
        s.labels[i] = sc.get().labels().clone();
      }
      s.crc[i] = checksum(s.labels[i]);
    }
    s.initClasses(scene.classNames(), maxLabel(s.labels));
    s.countLabelled();
    return s;
  }

  private void countLabelled() {
    long total = 0;
    for (int f = 0; f < labels.length; f++) {
      frameLabelled[f] = labels[f] == null ? 0 : labelledCount(labels[f]);
      total += frameLabelled[f];
    }
    labelledTotal = total;
  }

  /** A test seam in front of each file write of a change. */
  @FunctionalInterface
  interface WriteHook {
    void beforeWrite(Path file) throws IOException;
  }

  // ---- loading and reconciliation --------------------------------------------------------------

  private void load() throws IOException {
    // Under the session lock: no write of these files is in progress, so a temporary file of one
    // is what a killed process left (AtomicFiles.deleteLeftovers; edits/ is cleaned when listed).
    List<String> pngs = new ArrayList<>();
    for (int i = 0; i < scene.size(); i++) {
      pngs.add(pngPath(i).getFileName().toString());
    }
    AtomicFiles.deleteLeftovers(sceneDir.resolve(SceneLayout.SEMANTIC), pngs);
    AtomicFiles.deleteLeftovers(sessionDir, List.of(SESSION_FILE));
    AtomicFiles.deleteLeftovers(sceneDir, List.of(SceneLayout.METADATA));
    for (int i = 0; i < scene.size(); i++) {
      Path png = pngPath(i);
      if (Files.exists(png)) {
        LabelImage img = ImageFiles.readLabels(png, false, -1, 0);
        LabelSizes.check(png, img.width(), img.height(), width, height);
        if (img.width() != width || img.height() != height) {
          // Saved at another size (the paper's tool's canvas): used resampled, left as it is until
          // a change of the frame rewrites it, which keeps the original first.
          otherSize[i] = img.width() + "x" + img.height();
          img = LabelSizes.toFrameSize(img, width, height);
        }
        labels[i] = img.labels().clone();
      }
      crc[i] = checksum(labels[i]);
    }
    Path json = sessionDir.resolve(SESSION_FILE);
    Map<Long, Path> editFiles = new TreeMap<>();
    Map<Path, String> setAside = new LinkedHashMap<>();
    listEditFiles(editFiles, setAside);
    long maxFileId = editFiles.isEmpty() ? -1 : ((TreeMap<Long, Path>) editFiles).lastKey();

    JsonNode root = null;
    if (Files.exists(json)) {
      // Not damage, so nothing is set aside, but refused naming the file: a folder in its place
      // (session.json could not be written either) or an I/O error (e.g. no permission).
      if (!Files.isRegularFile(json)) {
        throw new InvalidSceneException(json, "expected the session file (JSON), found "
            + (Files.isDirectory(json) ? "a folder" : "something that is not a regular file")
            + "; move it out of the way to open the scene (the scribbles in semantic/ are kept)");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(json);
      } catch (IOException e) {
        throw new InvalidSceneException(json, "expected a readable session file, found it unreadable (" + io.github.bakefeature.core.io.ErrorText.reason(e) + ")", e);
      }
      try {
        root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
          warn(json + ": unreadable: expected a JSON object, found " + describe(root)
              + "; keeping the scribbles, setting the old history aside and starting a new one");
          root = null;
        }
      } catch (JsonProcessingException e) {
        warn(json + ": unreadable: expected JSON, found " + ErrorText.describe(e)
            + "; keeping the scribbles, setting the old history aside and starting a new one");
      }
      if (root == null) {
        // The history cannot be placed without session.json: every edit file is kept aside.
        for (Path p : editFiles.values()) {
          setAside.putIfAbsent(p, "history unknown: session.json could not be read");
        }
        initClasses(scene.classNames(), maxLabel(labels));
        nextId = maxFileId + 1;
        finishLoad(json, true, setAside);
        return;
      }
    }
    if (root == null) {
      // No session yet (e.g. scribbles left by the paper's tool). Edit files without a session.json
      // are left over by a first edit a crash interrupted, or by a deleted session.json.
      for (Path p : editFiles.values()) {
        setAside.putIfAbsent(p, "not listed in any session.json (there is none)");
      }
      initClasses(scene.classNames(), maxLabel(labels));
      nextId = maxFileId + 1;
      if (!setAside.isEmpty()) {
        finishLoad(json, false, setAside);
      }
      return;
    }
    int problemsBefore = loadWarnings.size();
    checkVersion(json, root);
    readClasses(json, root);
    Map<Long, Edit> parsed = parseEdits(editFiles, setAside);

    // The history as listed; null marks an entry that cannot be used (its reason is logged).
    Map<Long, String> dropped = new HashMap<>();
    long newestListed = -1;
    long newestOnDisk = -1;
    JsonNode h = root.get("history");
    if (h == null || !h.isArray()) {
      warn(json + ": history: expected an array of edit ids, found " + describe(h) + "; starting a new history");
    } else {
      for (int i = 0; i < h.size(); i++) {
        JsonNode v = h.get(i);
        String where = json + ": history[" + i + "]";
        if (!isId(v)) {
          warn(where + ": expected an edit id (an integer 0.." + MAX_ID + "), found " + describe(v));
          history.add(null);
          continue;
        }
        long id = v.asLong();
        newestListed = Math.max(newestListed, id);
        if (!editFiles.containsKey(id)) {
          warn(where + ": expected the edit file " + editsDir().resolve(editFileName(id)) + ", found no such file");
          history.add(null);
          continue;
        }
        if (id <= newestOnDisk) {
          warn(where + ": expected ids in increasing order (every edit is newer than the one before), found "
              + id + " after " + newestOnDisk);
          history.add(null);
          continue;
        }
        newestOnDisk = id;
        history.add(parsed.get(id)); // null if the file is unusable (logged by parseEdits)
      }
    }
    JsonNode c = root.get("cursor");
    boolean cursorValid = c != null && c.isIntegralNumber() && c.canConvertToInt()
        && c.asInt() >= 0 && c.asInt() <= history.size();
    int listedSize = history.size();
    if (cursorValid) {
      cursor = c.asInt();
    } else {
      cursor = c != null && c.isIntegralNumber() ? (int) Math.max(0, Math.min(c.asLong(), history.size())) : history.size();
    }
    JsonNode n = root.get("nextId");
    long storedNext = 0;
    if (isId(n)) {
      storedNext = n.asLong();
    } else {
      warn(json + ": nextId: expected an integer 0.." + MAX_ID + ", found " + describe(n)
          + "; using the newest edit id + 1");
    }
    nextId = Math.max(storedNext, Math.max(maxFileId, newestListed) + 1);
    Map<Integer, Long> expected = readFrameChecksums(json, root);
    boolean changed = reconcile(expected, parsed.values(), newestOnDisk, dropped);
    if (changed) {
      LOG.info("{}: completed a change interrupted by a crash", json);
    }
    if (!cursorValid || (!changed && !history.contains(null))) {
      // A valid cursor is trusted after a crash repair (right by construction) and when entries are
      // unusable (their frames cannot match); otherwise it must agree with the scribbles.
      int consistent = consistentCursor(cursor);
      if (consistent >= 0) {
        if (!cursorValid) {
          warn(json + ": cursor: expected an integer 0.." + listedSize + " (the number of applied edits of the "
              + listedSize + " in the history), found " + describe(c) + "; using " + consistent
              + ", the position at which the history matches the scribbles");
        } else if (consistent != cursor) {
          warn(json + ": cursor: expected " + consistent + " (the position at which the history matches the scribbles), found "
              + cursor + "; using " + consistent);
        }
        cursor = consistent;
      } else if (!cursorValid) {
        warn(json + ": cursor: expected an integer 0.." + listedSize + " (the number of applied edits of the "
            + listedSize + " in the history), found " + describe(c) + "; no position matches the scribbles, using "
            + cursor + " and keeping the entries that still fit");
      }
    }
    int listed = history.size();
    keepReplayableEntries(dropped);
    int droppedEntries = listed - history.size();
    Set<Long> keptIds = new HashSet<>(historyIds());
    for (Map.Entry<Long, Path> f : editFiles.entrySet()) {
      if (!keptIds.contains(f.getKey())) {
        String why = dropped.get(f.getKey());
        setAside.putIfAbsent(f.getValue(), why != null ? why
            : "not listed in session.json's history (left over by a change a crash interrupted)");
      }
    }
    if (droppedEntries > 0) {
      warn(json + ": kept " + history.size() + " of " + listed + " history entries (undo cursor " + cursor
          + "); the scribbles are unchanged, only the undo history of the dropped entries is gone");
    }
    finishLoad(json, changed || loadWarnings.size() > problemsBefore || droppedEntries > 0, setAside);
    // metadata.json follows session.json; a crash between the two leaves it one class behind.
    if (!classNames().equals(scene.classNames())) {
      writeMetadata();
    }
  }

  /**
   * Moves the files the store cannot use into {@code session/set-aside/<time>/} (with a copy of
   * session.json as it was and a {@code reasons.txt}), then writes session.json if asked.
   */
  private void finishLoad(Path json, boolean rewrite, Map<Path, String> setAside) throws IOException {
    if (!setAside.isEmpty() || (rewrite && !loadWarnings.isEmpty() && Files.exists(json))) {
      Path dir = newSetAsideDirectory(sessionDir);
      StringBuilder reasons = new StringBuilder("Set aside by BakeFeature when the scene was opened on ")
          .append(LocalDateTime.now().withNano(0)).append(".\nNothing here is used any more; the scribbles (semantic/*.png) "
              + "were not changed. Files and why:\n");
      if (Files.exists(json)) {
        AtomicFiles.copy(json, dir.resolve(SESSION_FILE));
        reasons.append(SESSION_FILE).append(": a copy of session/").append(SESSION_FILE).append(" as it was");
        reasons.append(loadWarnings.isEmpty() ? "\n" : "; problems found:\n");
        for (String w : loadWarnings) {
          reasons.append("  - ").append(w).append('\n');
        }
      }
      for (Map.Entry<Path, String> e : setAside.entrySet()) {
        Path from = e.getKey();
        moveFile(from, dir.resolve(from.getFileName()));
        reasons.append(from.getFileName()).append(": ").append(e.getValue()).append('\n');
      }
      AtomicFiles.writeString(dir.resolve("reasons.txt"), reasons.toString());
      if (!setAside.isEmpty()) {
        warn(sessionDir.resolve("edits") + ": moved " + setAside.size() + " edit file(s) the history cannot use to "
            + dir + " (reasons.txt there says why for each; nothing was deleted)");
      }
      rewrite = true;
    }
    if (rewrite) {
      writeSession();
    }
  }

  /**
   * Moves {@code file}, which a session will not use, into a new {@code set-aside/<time>/} folder of
   * {@code sessionDir} with a {@code reasons.txt} saying {@code why}: never deleted.
   *
   * @return where the file went
   */
  static Path setAside(Path sessionDir, Path file, String why) throws IOException {
    Path dir = newSetAsideDirectory(sessionDir);
    Path to = dir.resolve(file.getFileName());
    moveFile(file, to);
    AtomicFiles.writeString(dir.resolve("reasons.txt"), "Set aside by BakeFeature on "
        + LocalDateTime.now().withNano(0) + ".\n" + file.getFileName() + ": " + why + "\n");
    return to;
  }

  private static Path newSetAsideDirectory(Path sessionDir) throws IOException {
    Path parent = sessionDir.resolve(SET_ASIDE);
    Files.createDirectories(parent);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    for (int k = 1; ; k++) {
      Path dir = parent.resolve(k == 1 ? stamp : stamp + "-" + k);
      try {
        return Files.createDirectory(dir);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (k > 1000) {
          throw e;
        }
      }
    }
  }

  private static void moveFile(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /**
   * The {@code NNNNNNNNNNNN.edit} files by id. Other {@code *.edit} names are set aside; temporary
   * files of an atomic write a crash interrupted (hidden, {@code .tmp}; never a committed file) are
   * deleted; anything else is left alone.
   */
  private void listEditFiles(Map<Long, Path> out, Map<Path, String> setAside) throws IOException {
    Path dir = editsDir();
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
          continue;
        }
        if (name.startsWith(".") || !name.endsWith(".edit") || !Files.isRegularFile(p)) {
          continue;
        }
        String stem = name.substring(0, name.length() - ".edit".length());
        if (!stem.matches("[0-9]{1,12}")) {
          warn(p + ": expected an edit file named NNNNNNNNNNNN.edit (its id in 12 digits), found \"" + name + "\"");
          setAside.put(p, "expected a name NNNNNNNNNNNN.edit (the edit id), found \"" + name + "\"");
          continue;
        }
        out.put(Long.parseLong(stem), p);
      }
    }
  }

  /** Reads and checks every edit file; unusable ones go to {@code setAside} with the reason. */
  private Map<Long, Edit> parseEdits(Map<Long, Path> files, Map<Path, String> setAside) {
    Map<Long, Edit> out = new TreeMap<>();
    for (Map.Entry<Long, Path> f : files.entrySet()) {
      Path p = f.getValue();
      try {
        Edit e = Edit.fromBytes(p, Files.readAllBytes(p));
        String problem = checkEdit(e, f.getKey());
        if (problem != null) {
          throw new InvalidSceneException(p, problem);
        }
        out.put(e.id(), e);
      } catch (InvalidSceneException e) {
        warn("ignoring unusable edit file " + e.getMessage());
        setAside.put(p, e.problem());
      } catch (IOException e) {
        warn("ignoring unreadable edit file " + p + ": " + e);
        setAside.put(p, "unreadable: " + e);
      }
    }
    return out;
  }

  /** Why an edit cannot belong to this scene's history, or null if it can. */
  private String checkEdit(Edit e, long idFromName) {
    if (e.id() != idFromName) {
      return "expected edit id " + idFromName + " (from the file name), found " + e.id();
    }
    if (e.frame() < 0 || e.frame() >= scene.size()) {
      return "expected a frame index 0.." + (scene.size() - 1) + ", found " + e.frame();
    }
    int size = width * height;
    for (int p : e.pixels()) {
      if (p < 0 || p >= size) {
        return "expected pixel indices 0.." + (size - 1) + " (frames are " + width + "x" + height + "), found " + p;
      }
    }
    for (short[] values : new short[][] {e.before(), e.after()}) {
      for (short v : values) {
        if (v < LabelImage.UNLABELLED || v >= classes.size()) {
          return "expected label values -1.." + (classes.size() - 1) + " (-1 = unlabelled, " + classes.size()
              + " classes), found " + v;
        }
      }
    }
    return null;
  }

  private void checkVersion(Path json, JsonNode root) throws InvalidSceneException {
    JsonNode v = root.get("version");
    if (v != null && v.isIntegralNumber()) {
      if (v.asLong() != VERSION) {
        // Another format (e.g. from a newer release): rewriting it could lose what it holds.
        throw new InvalidSceneException(json, "version: expected " + VERSION + ", found " + v.asText()
            + " (written by another release of BakeFeature?); nothing was changed");
      }
      return;
    }
    warn(json + ": version: expected " + VERSION + ", found " + describe(v) + "; reading it as version " + VERSION);
  }

  private void readClasses(Path json, JsonNode root) {
    JsonNode cs = root.get("classes");
    List<String> metadataNames = scene.classNames();
    if (cs == null || !cs.isArray()) {
      warn(json + ": classes: expected an array of {\"name\": ..., \"colour\": \"#rrggbb\"}, found " + describe(cs)
          + "; using the class names of metadata.json");
      initClasses(metadataNames, maxLabel(labels));
      return;
    }
    for (int i = 0; i < cs.size(); i++) {
      JsonNode c = cs.get(i);
      String fallbackName = i < metadataNames.size() && !metadataNames.get(i).isBlank()
          ? metadataNames.get(i) : "class " + i;
      int palette = Palette.colour(i);
      if (!c.isObject()) {
        warn(json + ": classes[" + i + "]: expected an object {\"name\": ..., \"colour\": \"#rrggbb\"}, found "
            + describe(c) + "; using \"" + fallbackName + "\" and " + hex(palette));
        classes.add(new SemanticClass(i, fallbackName, palette));
        continue;
      }
      JsonNode nameNode = c.get("name");
      String name;
      if (nameNode != null && nameNode.isTextual() && !nameNode.asText().isBlank()) {
        name = nameNode.asText();
      } else {
        warn(json + ": classes[" + i + "].name: expected a non-blank string, found " + describe(nameNode)
            + "; using \"" + fallbackName + "\"");
        name = fallbackName;
      }
      JsonNode colourNode = c.get("colour");
      int colour;
      if (colourNode != null && colourNode.isTextual() && colourNode.asText().matches("#[0-9a-fA-F]{6}")) {
        colour = Integer.parseInt(colourNode.asText().substring(1), 16);
      } else {
        warn(json + ": classes[" + i + "] (\"" + name + "\").colour: expected \"#rrggbb\" (6 hex digits, e.g. \"#ff8000\"), found "
            + describe(colourNode) + "; using " + hex(palette));
        colour = palette;
      }
      classes.add(new SemanticClass(i, name, colour));
    }
    if (cs.isEmpty()) {
      initClasses(metadataNames, maxLabel(labels));
      return;
    }
    int maxLabel = maxLabel(labels);
    while (classes.size() <= maxLabel) {
      classes.add(new SemanticClass(classes.size(), "class " + classes.size(), Palette.colour(classes.size())));
    }
  }

  /**
   * The checksum session.json expects for every frame. A frame it does not list is expected empty;
   * a frame with an invalid value is expected as its PNG is (nothing to complete for it).
   */
  private Map<Integer, Long> readFrameChecksums(Path json, JsonNode root) {
    Map<Integer, Long> expected = new HashMap<>();
    JsonNode frames = root.get("frames");
    boolean valid = frames != null && frames.isObject();
    if (!valid) {
      warn(json + ": frames: expected an object {\"<frame name>\": <CRC32 of its scribbles>}, found " + describe(frames)
          + "; trusting the PNGs as they are");
    }
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < scene.size(); i++) {
      byName.put(scene.frame(i).name(), i);
      expected.put(i, valid ? checksum(null) : crc[i]);
    }
    if (!valid) {
      return expected;
    }
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) frames::fields) {
      Integer f = byName.get(e.getKey());
      if (f == null) {
        warn(json + ": frames.\"" + e.getKey() + "\": expected the name of one of the scene's " + scene.size()
            + " frames, found no such frame; ignored");
        continue;
      }
      JsonNode v = e.getValue();
      if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0 && v.asLong() <= 0xFFFFFFFFL) {
        expected.put(f, v.asLong());
      } else {
        warn(json + ": frames.\"" + e.getKey() + "\": expected a CRC32 (an integer 0..4294967295), found "
            + describe(v) + "; trusting " + pngPath(f).getFileName() + " as it is");
        expected.put(f, crc[f]);
      }
    }
    return expected;
  }

  private boolean reconcile(Map<Integer, Long> expected, Collection<Edit> onDisk, long newestCommitted,
                            Map<Long, String> dropped) {
    boolean changed = false;
    for (int f = 0; f < scene.size(); f++) {
      long want = expected.get(f);
      long have = crc[f];
      if (want == have) {
        continue;
      }
      changed = true;
      // An undo in flight: the PNG already holds the state before history[cursor - 1].
      Edit undone = cursor > 0 ? history.get(cursor - 1) : null;
      if (undone != null && undone.frame() == f && undone.crcAfter() == want && undone.crcBefore() == have) {
        cursor--;
        continue;
      }
      // A redo in flight.
      Edit redone = cursor < history.size() ? history.get(cursor) : null;
      if (redone != null && redone.frame() == f && redone.crcBefore() == want && redone.crcAfter() == have) {
        cursor++;
        continue;
      }
      // A new edit in flight: its file was written but session.json not yet.
      Edit pending = null;
      for (Edit e : onDisk) {
        if (e.id() > newestCommitted && e.frame() == f && e.crcBefore() == want && e.crcAfter() == have
            && (pending == null || e.id() > pending.id())) {
          pending = e;
        }
      }
      if (pending != null) {
        List<Edit> tail = history.subList(cursor, history.size());
        for (Edit e : tail) {
          if (e != null) {
            dropped.put(e.id(), "undone edit replaced by edit " + pending.id()
                + ", which a crash interrupted before session.json recorded it");
          }
        }
        tail.clear();
        history.add(pending);
        cursor = history.size();
        continue;
      }
      // Changed by something else: trust the file, forget this frame's history.
      warn(pngPath(f) + ": scribbles changed outside the session (expected checksum " + want + ", found " + have
          + "); keeping them and dropping their undo history");
      int removedBeforeCursor = 0;
      for (int i = 0; i < history.size(); i++) {
        Edit e = history.get(i);
        if (e != null && e.frame() == f) {
          dropped.put(e.id(), "undo history of " + pngPath(f).getFileName() + ", which was changed outside the session");
          if (i < cursor) {
            removedBeforeCursor++;
          }
        }
      }
      final int frame = f;
      history.removeIf(e -> e != null && e.frame() == frame);
      cursor -= removedBeforeCursor;
    }
    return changed;
  }

  /** History entry indices (usable entries only) by frame, ascending. */
  private Map<Integer, List<Integer>> entriesByFrame() {
    Map<Integer, List<Integer>> out = new TreeMap<>();
    for (int i = 0; i < history.size(); i++) {
      Edit e = history.get(i);
      if (e != null) {
        out.computeIfAbsent(e.frame(), k -> new ArrayList<>()).add(i);
      }
    }
    return out;
  }

  /**
   * The cursor position, nearest to {@code preferred} (ties to the later one), at which every frame's
   * scribbles are what the history leaves there: the last applied edit of each frame ends at the
   * frame's checksum and its first undone edit starts there. -1 if there is none. Unusable entries
   * are ignored (their frame is unknown).
   */
  private int consistentCursor(int preferred) {
    int n = history.size();
    int[] votes = new int[n + 2];
    Map<Integer, List<Integer>> byFrame = entriesByFrame();
    for (Map.Entry<Integer, List<Integer>> en : byFrame.entrySet()) {
      long have = crc[en.getKey()];
      List<Integer> idx = en.getValue();
      // Splitting the frame's edits after the k-th one allows cursors in (idx[k-1], idx[k]].
      for (int k = 0; k <= idx.size(); k++) {
        if ((k == 0 || history.get(idx.get(k - 1)).crcAfter() == have)
            && (k == idx.size() || history.get(idx.get(k)).crcBefore() == have)) {
          votes[k == 0 ? 0 : idx.get(k - 1) + 1]++;
          votes[(k == idx.size() ? n : idx.get(k)) + 1]--;
        }
      }
    }
    int best = -1;
    int run = 0;
    for (int c = 0; c <= n; c++) {
      run += votes[c];
      if (run == byFrame.size() && (best < 0 || Math.abs(c - preferred) <= Math.abs(best - preferred))) {
        best = c;
      }
    }
    return best;
  }

  /**
   * Keeps the history entries that can be undone or redone exactly from the current scribbles and
   * drops the rest (with their reason in {@code dropped}): walking each frame's applied edits newest
   * first, an edit stays if the frame holds exactly what it left (its pixels' new values, and the
   * whole frame's checksum), then its old values are put back for the next one; undone edits are
   * checked the same way forwards. Unusable entries are dropped.
   */
  private void keepReplayableEntries(Map<Long, String> dropped) {
    int n = history.size();
    boolean[] keep = new boolean[n];
    for (Map.Entry<Integer, List<Integer>> en : entriesByFrame().entrySet()) {
      int f = en.getKey();
      List<Integer> idx = en.getValue();
      String frameName = pngPath(f).getFileName().toString();
      short[] cur = frameLabels(f).clone();
      long want = crc[f];
      for (int j = idx.size() - 1; j >= 0; j--) {
        int i = idx.get(j);
        if (i >= cursor) {
          continue;
        }
        Edit e = history.get(i);
        if (e.crcAfter() == want && holds(cur, e.pixels(), e.after())) {
          keep[i] = true;
          put(cur, e.pixels(), e.before());
          want = e.crcBefore();
        } else {
          dropped.putIfAbsent(e.id(), "cannot be undone: " + frameName + " does not hold what this edit left"
              + " (an edit made after it is missing or damaged); its effect stays in the scribbles");
        }
      }
      cur = frameLabels(f).clone();
      want = crc[f];
      for (int i : idx) {
        if (i < cursor) {
          continue;
        }
        Edit e = history.get(i);
        if (e.crcBefore() == want && holds(cur, e.pixels(), e.before())) {
          keep[i] = true;
          put(cur, e.pixels(), e.after());
          want = e.crcAfter();
        } else {
          dropped.putIfAbsent(e.id(), "cannot be redone: " + frameName + " does not hold what this undone edit"
              + " started from (an undone edit before it is missing or damaged)");
        }
      }
    }
    List<Edit> kept = new ArrayList<>();
    int keptApplied = 0;
    for (int i = 0; i < n; i++) {
      if (keep[i]) {
        kept.add(history.get(i));
        if (i < cursor) {
          keptApplied++;
        }
      }
    }
    history.clear();
    history.addAll(kept);
    cursor = keptApplied;
  }

  private static boolean holds(short[] frame, int[] pixels, short[] values) {
    for (int i = 0; i < pixels.length; i++) {
      if (frame[pixels[i]] != values[i]) {
        return false;
      }
    }
    return true;
  }

  private static void put(short[] frame, int[] pixels, short[] values) {
    for (int i = 0; i < pixels.length; i++) {
      frame[pixels[i]] = values[i];
    }
  }

  private static boolean isId(JsonNode v) {
    return v != null && v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0 && v.asLong() <= MAX_ID;
  }

  /** A JSON value as found, shortened, for messages. */
  private static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static String hex(int colour) {
    return String.format("#%06x", colour);
  }

  private void warn(String message) {
    loadWarnings.add(message);
    LOG.warn(message);
  }

  private Path editsDir() {
    return sessionDir.resolve("edits");
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

  /**
   * Releases the scene's session lock taken by {@link #open(Scene)}, so that another session may
   * open the scene; every change is already saved. Reading stays possible, changing throws.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        restoreStalePngs();
      } catch (IOException | RuntimeException e) {
        // Left as a crash would leave it: the next open completes the failed change from its file.
        LOG.warn("could not put back the scribbles of a failed change before closing: {}", e.toString());
      }
      if (lock != null) {
        lock.release();
      }
    }
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Changes need the lock: another session may have the scene open once it is released. */
  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("annotation store of " + (sceneDir == null ? "an in-memory scene" : sceneDir)
          + " is closed; expected changes only between open and close");
    }
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
      if (frameLabelled[i] > 0) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * Scribbled pixels over all frames: a counter kept with every change, read without waiting for
   * a change in progress (it is the count before or after it).
   */
  public long labelledPixels() {
    return labelledTotal;
  }

  public synchronized boolean canUndo() {
    return cursor > 0;
  }

  public synchronized boolean canRedo() {
    return cursor < history.size();
  }

  /** Summed size in bytes of the history's edit files (undone edits included). */
  public synchronized long historyBytes() {
    long total = 0;
    for (Edit e : history) {
      total += e == null ? 0 : e.byteSize();
    }
    return total;
  }

  /** The cap on {@link #historyBytes()} this store was opened with. */
  public long maxHistoryBytes() {
    return maxHistoryBytes;
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

  /**
   * Problems found (and repaired) when the store was opened, each naming the file and saying what
   * was expected and what was found; empty if the session was intact.
   */
  public synchronized List<String> loadWarnings() {
    return List.copyOf(loadWarnings);
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
    checkOpen();
    checkUnique(name, -1);
    if (classes.size() >= LabelImage.MAX_CLASSES) {
      throw new IllegalArgumentException("a scene holds at most " + LabelImage.MAX_CLASSES + " classes (the labels' 16"
          + " bits), found " + classes.size() + " already");
    }
    SemanticClass c = new SemanticClass(classes.size(), name, colour);
    classes.add(c);
    persistClassesOrRollBack(() -> classes.remove(classes.size() - 1)); // not saved: not added
    return c;
  }

  public synchronized void renameClass(int id, String name) throws IOException {
    checkOpen();
    checkClass(id);
    checkUnique(name, id);
    SemanticClass before = classes.get(id);
    classes.set(id, before.withName(name));
    persistClassesOrRollBack(() -> classes.set(id, before));
  }

  public synchronized void recolourClass(int id, int colour) throws IOException {
    checkOpen();
    checkClass(id);
    SemanticClass before = classes.get(id);
    classes.set(id, before.withColour(colour));
    persistClassesOrRollBack(() -> classes.set(id, before));
  }

  /**
   * Saves the classes; if that fails, undoes the change in memory with {@code rollback} and writes
   * the classes as they were again (session.json may already hold the change when metadata.json
   * failed, and loading trusts session.json), then rethrows.
   */
  private void persistClassesOrRollBack(Runnable rollback) throws IOException {
    try {
      persistClasses();
    } catch (IOException | RuntimeException e) {
      rollback.run();
      try {
        persistClasses();
      } catch (IOException | RuntimeException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /**
   * Class names are the scene's vocabulary (metadata.json, labelme labels, exports), so they are
   * unique: a scene with two classes of one name could not be reopened.
   */
  private void checkUnique(String name, int except) {
    for (SemanticClass c : classes) {
      if (c.id() != except && c.name().equals(name)) {
        throw new IllegalArgumentException("class name \"" + name + "\" is already used by class " + c.id()
            + "; expected a name no other class has");
      }
    }
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
   *
   * @throws IOException if the change could not be saved; then nothing was applied (see
   *     {@link #undo()})
   */
  public int[] applyStroke(int f, Stroke stroke) throws IOException {
    Edit e = strokeEdit(f, stroke);
    return e == null ? new int[0] : e.pixels();
  }

  /** {@link #applyStroke}, returning the edit it committed, or null if the stroke changed nothing. */
  Edit strokeEdit(int f, Stroke stroke) throws IOException {
    checkFrame(f);
    // Rasterised before taking the store's monitor, which then covers only the commit: readers
    // (renders of the scribbles, another thread's edit) wait for the save, not for the brush.
    int[] covered = rasterise(stroke);
    synchronized (this) {
      checkOpen();
      if (stroke.kind() == Stroke.Kind.PAINT) {
        checkClass(stroke.classId());
      }
      short value = (short) (stroke.kind() == Stroke.Kind.PAINT ? stroke.classId() : -1);
      short[] cur = labels[f];
      int n = 0;
      for (int p : covered) {
        if ((cur == null ? LabelImage.UNLABELLED : cur[p]) != value) {
          covered[n++] = p; // in place: the covered pixels the stroke changes, in stroke order
        }
      }
      if (n == 0) {
        return null;
      }
      int[] pixels = Arrays.copyOf(covered, n);
      short[] after = new short[pixels.length];
      Arrays.fill(after, value);
      return commit(f, Edit.Kind.STROKE, stroke, pixels, after);
    }
  }

  /** The pixels {@code stroke} covers on a frame of this scene, in {@link Stroke#forEachPixel} order. */
  private int[] rasterise(Stroke stroke) {
    int[][] buf = {new int[64]};
    int[] n = {0};
    stroke.forEachPixel(width, height, p -> {
      if (n[0] == buf[0].length) {
        buf[0] = Arrays.copyOf(buf[0], n[0] * 2);
      }
      buf[0][n[0]++] = p;
    });
    return n[0] == buf[0].length ? buf[0] : Arrays.copyOf(buf[0], n[0]);
  }

  /** Clears frame {@code f}; returns the changed pixels (empty if it had none). Saved as {@link #applyStroke}. */
  public synchronized int[] clearFrame(int f) throws IOException {
    Edit e = clearEdit(f);
    return e == null ? new int[0] : e.pixels();
  }

  /** {@link #clearFrame}, returning the edit it committed, or null if the frame had no scribbles. */
  synchronized Edit clearEdit(int f) throws IOException {
    checkOpen();
    checkFrame(f);
    short[] cur = labels[f];
    if (cur == null) {
      return null;
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
      return null;
    }
    short[] after = new short[count];
    Arrays.fill(after, (short) -1);
    return commit(f, Edit.Kind.CLEAR, null, pixels, after);
  }

  /** Saves and applies a new edit of frame {@code f} (see {@link #change}) and returns it. */
  private Edit commit(int f, Edit.Kind kind, Stroke stroke, int[] pixels, short[] after) throws IOException {
    short[] cur = frameLabels(f);
    short[] before = new short[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      before[i] = cur[pixels[i]];
    }
    short[] next = cur.clone();
    put(next, pixels, after);
    Edit e = new Edit(nextId, f, kind, stroke, pixels, before, after, crc[f], checksum(next));
    byte[] bytes = e.toBytes();
    List<Edit> dropped = new ArrayList<>(history.subList(cursor, history.size()));
    List<Edit> evicted = new ArrayList<>();
    change(e.frame(), next, e.crcAfter(), e, bytes, () -> {
      evicted.clear(); // advance runs once, but keep it idempotent
      nextId++;
      history.subList(cursor, history.size()).clear();
      history.add(e);
      cursor++;
      // Oldest first, as by count; a loop because a large edit (or a cap lowered since the last
      // run) can push several out. The newest is kept so the change just made can be undone.
      long total = historyBytes();
      while (history.size() > 1 && (history.size() > MAX_HISTORY || total > maxHistoryBytes)) {
        Edit old = history.remove(0);
        total -= old == null ? 0 : old.byteSize();
        if (old != null) {
          evicted.add(old);
        }
        cursor--;
      }
    });
    for (Edit d : evicted) {
      evictedUpTo = Math.max(evictedUpTo, d.id());
    }
    // Committed: files the history no longer lists are only clutter now (opening sets leftovers
    // aside), so failing to delete them must not report the saved change as failed.
    if (sessionDir != null) {
      dropped.addAll(evicted);
      for (Edit d : dropped) {
        Path file = editsDir().resolve(editFileName(d.id()));
        try {
          Files.deleteIfExists(file);
        } catch (IOException ex) {
          LOG.warn("{}: could not delete the edit file the history no longer lists ({}); the next open sets it aside",
              file, ex.toString());
        }
      }
    }
    return e;
  }

  /**
   * Undoes the latest applied edit; returns it, or null if there is none.
   *
   * <p>Like every change: if it cannot be saved (its PNG or {@code session.json} cannot be
   * written), it throws and nothing was applied, in memory or on disk — the history, the cursor and
   * the scribbles are as before, and the next change that can be saved is saved with them.
   */
  synchronized Edit undo() throws IOException {
    checkOpen();
    if (cursor == 0) {
      return null;
    }
    Edit e = history.get(cursor - 1);
    short[] next = frameLabels(e.frame()).clone();
    put(next, e.pixels(), e.before());
    change(e.frame(), next, e.crcBefore(), null, null, () -> cursor--);
    return e;
  }

  /** Redoes the latest undone edit; returns it, or null if there is none. Saved as {@link #undo()}. */
  synchronized Edit redo() throws IOException {
    checkOpen();
    if (cursor == history.size()) {
      return null;
    }
    Edit e = history.get(cursor);
    short[] next = frameLabels(e.frame()).clone();
    put(next, e.pixels(), e.after());
    change(e.frame(), next, e.crcAfter(), null, null, () -> cursor++);
    return e;
  }

  /** The latest applied edit, or null if there is none. */
  synchronized Edit latestApplied() {
    return cursor == 0 ? null : history.get(cursor - 1);
  }

  /** The edit {@link #redo()} would redo, or null if there is none. */
  synchronized Edit nextRedo() {
    return cursor == history.size() ? null : history.get(cursor);
  }

  /** The id of the newest edit ever made (edits made later have larger ids), -1 if none. */
  synchronized long lastId() {
    return nextId - 1;
  }

  /** Whether edit {@code id} is in the applied part of the history. */
  synchronized boolean isApplied(long id) {
    for (int k = cursor - 1; k >= 0; k--) {
      Edit e = history.get(k);
      if (e != null && e.id() <= id) {
        return e.id() == id; // ids increase along the history
      }
    }
    return false;
  }

  /** The id of the oldest edit in the history, or {@link #lastId()} + 1 if it is empty. */
  synchronized long oldestId() {
    for (Edit e : history) {
      if (e != null) {
        return e.id();
      }
    }
    return nextId;
  }

  /** The pixels {@code stroke} covers on a frame of this scene. */
  int[] covered(Stroke stroke) {
    return rasterise(stroke);
  }

  /** {@link #undo()} if edit {@code id} is the latest applied edit; otherwise null and nothing changes. */
  synchronized Edit undoIfLatest(long id) throws IOException {
    Edit latest = latestApplied();
    return latest != null && latest.id() == id ? undo() : null;
  }

  /** {@link #redo()} if edit {@code id} is the one it would redo; otherwise null and nothing changes. */
  synchronized Edit redoIfNext(long id) throws IOException {
    Edit next = nextRedo();
    return next != null && next.id() == id ? redo() : null;
  }

  /**
   * Sets the pixels of edit {@code e} from {@code expect} to {@code to} (its values after and before
   * it, to take it back; before and after, to put it back) as a new {@link Edit.Kind#RESTORE} edit,
   * saved as every change, if that is exact: edit {@code since} is applied (if {@code sinceApplied}),
   * every one of the pixels holds {@code expect}, and no applied edit made after edit {@code since}
   * covered one of them (a stroke's whole brush area, a clear's whole frame), leaving out the edits
   * {@code cancelled} names (an edit and the RESTORE that took it back exactly cancel out). Otherwise
   * nothing changes.
   *
   * @throws UndoConflictException naming the frame and what changed them
   */
  synchronized Edit restoreExactly(Edit e, short[] expect, short[] to, long since, boolean sinceApplied,
                                   java.util.function.LongPredicate cancelled,
                                   java.util.function.LongFunction<Edit> remade) throws IOException {
    checkOpen();
    int f = e.frame();
    checkFrame(f);
    if (since < evictedUpTo) {
      throw new UndoConflictException(f, "frame " + pngPath(f).getFileName() + ": the history has since forgotten"
          + " edits made after this change (it keeps " + MAX_HISTORY + " edits), so it cannot be taken back or put"
          + " back exactly");
    }
    if (sinceApplied && !isApplied(since)) {
      throw new UndoConflictException(f, "frame " + pngPath(f).getFileName() + ": this change is no longer in effect"
          + " (an undo of the shared history took it back, or the history has forgotten it), so it cannot be taken"
          + " back exactly");
    }
    boolean[] mine = new boolean[width * height];
    for (int p : e.pixels()) {
      mine[p] = true;
    }
    // Pixels later edits decide whatever this change does (they lie on top of it in its place).
    boolean[] later = new boolean[width * height];
    String name = pngPath(f).getFileName().toString();
    for (int k = cursor - 1; k >= 0 && (history.get(k) == null || history.get(k).id() > since); k--) {
      Edit x = history.get(k);
      if (x == null || x.frame() != f || cancelled.test(x.id())) {
        continue;
      }
      // A RESTORE that made a person's change again stands in that change's place in the order of
      // changes: made before this change, it lies under it (the value check below guards the
      // pixels); made after it, it covers what that change's brush covered.
      Edit as = x;
      Edit original = x.kind() == Edit.Kind.RESTORE ? remade.apply(x.id()) : null;
      if (original != null) {
        if (original.id() < e.id()) {
          continue;
        }
        as = original;
      }
      // What the later edit covered, not only what it changed: a stroke of the same class over
      // this change's pixels changed none of them but is that person's work all the same.
      int[] covered = coverage(as);
      int n = 0;
      if (covered == null) {
        n = e.pixels().length; // a clear covers the whole frame: this change conflicts, below
      } else {
        for (int p : covered) {
          n += mine[p] ? 1 : 0;
          later[p] = true;
        }
      }
      if (n > 0) {
        throw new UndoConflictException(f, "frame " + name + ": " + n + " of the " + e.pixels().length
            + " pixels of this change were changed after it (edit " + x.id() + "), so it cannot be taken back"
            + " or put back exactly; paint over it instead");
      }
    }
    short[] cur = frameLabels(f);
    int differ = 0;
    for (int i = 0; i < expect.length; i++) {
      differ += cur[e.pixels()[i]] != expect[i] ? 1 : 0;
    }
    if (!sinceApplied && differ == 0) {
      // Putting back: the pixels the change covered without changing them (they already held its
      // value) must still hold it, or making the change again would paint them too; pixels later
      // edits covered are theirs either way.
      short value = e.kind() == Edit.Kind.STROKE && e.stroke() != null && e.stroke().kind() == Stroke.Kind.PAINT
          ? (short) e.stroke().classId() : LabelImage.UNLABELLED;
      int[] area = e.kind() == Edit.Kind.RESTORE ? new int[0] : coverage(e);
      if (area == null) {
        for (int p = 0; p < cur.length; p++) {
          differ += !mine[p] && !later[p] && cur[p] != value ? 1 : 0;
        }
      } else {
        for (int p : area) {
          differ += !mine[p] && !later[p] && cur[p] != value ? 1 : 0;
        }
      }
    }
    if (differ > 0) {
      throw new UndoConflictException(f, "frame " + name + ": " + differ + " of the " + e.pixels().length
          + " pixels of this change no longer hold what it expects (an undo of the shared history changed them), so"
          + " it cannot be taken back or put back exactly; paint over it instead");
    }
    return commit(f, Edit.Kind.RESTORE, null, e.pixels().clone(), to.clone());
  }

  /** The pixels edit {@code x} covered: its stroke's brush area, null for a clear (the whole frame), else its pixels. */
  private int[] coverage(Edit x) {
    if (x.kind() == Edit.Kind.STROKE && x.stroke() != null) {
      return rasterise(x.stroke());
    }
    return x.kind() == Edit.Kind.CLEAR ? null : x.pixels();
  }

  /**
   * Saves and applies one change of frame {@code f}: writes the new edit's file (if any), then the
   * frame's PNG, then moves the history ({@code advance}) and installs {@code next} in memory, then
   * writes {@code session.json}, the commit point. Nothing is changed in memory until both files
   * are written, and a failure at any step puts back everything before it rethrows: the history,
   * cursor, next id and the frame's labels in memory, the frame's PNG and the new edit file on disk
   * (an atomic write that throws has not replaced its file). So a change reported as failed is not
   * applied, and a later {@code session.json} never lists it.
   */
  private void change(int f, short[] next, long nextCrc, Edit newEdit, byte[] editBytes, Runnable advance)
      throws IOException {
    restoreStalePngs();
    List<Edit> historyBefore = new ArrayList<>(history);
    int cursorBefore = cursor;
    long nextIdBefore = nextId;
    short[] labelsBefore = labels[f];
    long crcBefore = crc[f];
    int labelledBefore = frameLabelled[f];
    int labelledAfter = labelledCount(next);
    Path editFile = sessionDir == null || newEdit == null ? null : editsDir().resolve(editFileName(newEdit.id()));
    boolean editWritten = false;
    boolean pngWritten = false;
    try {
      if (editFile != null) {
        writeHook.beforeWrite(editFile);
        AtomicFiles.write(editFile, editBytes);
        editWritten = true;
      }
      if (sessionDir != null) {
        keepOriginal(f);
        writePng(f, next);
        pngWritten = true;
      }
      advance.run();
      labels[f] = next;
      crc[f] = nextCrc;
      setLabelled(f, labelledAfter);
      if (sessionDir != null) {
        writeHook.beforeWrite(sessionDir.resolve(SESSION_FILE));
        writeSession();
      }
      otherSize[f] = null; // the PNG now is at the frame's size
    } catch (IOException | RuntimeException | Error e) {
      history.clear();
      history.addAll(historyBefore);
      cursor = cursorBefore;
      nextId = nextIdBefore;
      labels[f] = labelsBefore;
      crc[f] = crcBefore;
      setLabelled(f, labelledBefore);
      boolean pngRestored = !pngWritten || restorePng(f, e);
      // The edit file goes only with the PNG it explains: if the PNG still holds the change, the
      // file lets a reopen after a crash complete it instead of blaming another tool.
      if (editWritten && pngRestored) {
        try {
          Files.deleteIfExists(editFile);
        } catch (IOException ex) {
          e.addSuppressed(ex); // unlisted: the next edit (same id) overwrites it, an open sets it aside
        }
      }
      throw e;
    }
  }

  /**
   * Writes frame {@code f}'s PNG back to what memory holds after a failed change wrote it; on
   * failure the frame is remembered and the next change restores it first. Returns whether it was
   * restored.
   */
  private boolean restorePng(int f, Throwable failure) {
    try {
      restorePng(f);
      return true;
    } catch (IOException | RuntimeException ex) {
      failure.addSuppressed(ex);
      stalePngs.add(f);
      LOG.warn("{}: could not put back the scribbles after a failed change ({}); the next change writes them first",
          pngPath(f), ex.toString());
      return false;
    }
  }

  private void restorePng(int f) throws IOException {
    Path png = pngPath(f);
    if (otherSize[f] != null && keptOriginal[f] != null) {
      // The other tool's file, byte for byte, rather than its resampled labels at the frame's size.
      writeHook.beforeWrite(png);
      AtomicFiles.copy(keptOriginal[f], png);
    } else if (labels[f] == null) {
      // The frame had no PNG: remove the one the failed change created (never a folder or anything
      // else found there).
      writeHook.beforeWrite(png);
      if (Files.isRegularFile(png, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(png);
      }
    } else {
      writePng(f, labels[f]);
    }
  }

  /**
   * Puts back the PNGs a failed change could not restore, before a new change writes anything: a
   * {@code session.json} written while a PNG holds a change it does not list would make the next
   * open blame another tool and drop that frame's undo history.
   *
   * @throws IOException if one still cannot be written (the new change is refused, nothing changed)
   */
  private void restoreStalePngs() throws IOException {
    for (java.util.Iterator<Integer> it = stalePngs.iterator(); it.hasNext(); ) {
      int f = it.next();
      restorePng(f);
      it.remove();
    }
  }

  /**
   * Before the first rewrite of a PNG saved at another size (by the paper's tool), keeps a copy of
   * it in {@code session/set-aside/<time>/} with a line in {@code reasons.txt}: the rewrite is at
   * the frame's size, and nothing another tool wrote is lost. A copy, not a move: until the new PNG
   * is renamed over it, the original stays in place.
   */
  private void keepOriginal(int f) throws IOException {
    if (otherSize[f] == null || keptOriginal[f] != null) {
      return;
    }
    Path png = pngPath(f);
    Path dir = newSetAsideDirectory(sessionDir);
    Path copy = dir.resolve(png.getFileName());
    writeHook.beforeWrite(copy);
    AtomicFiles.copy(png, copy);
    AtomicFiles.writeString(dir.resolve("reasons.txt"), "Set aside by BakeFeature on " + LocalDateTime.now().withNano(0)
        + ".\n" + png.getFileName() + ": " + SceneLayout.SEMANTIC + "/" + png.getFileName() + " as it was, saved at "
        + otherSize[f] + " (another tool's size, e.g. the paper tool's canvas) rather than the colour images' "
        + width + "x" + height + "; it was read resized (nearest neighbour), and the first change of frame "
        + scene.frame(f).name() + " rewrote it at " + width + "x" + height + "\n");
    keptOriginal[f] = copy;
    LOG.info("{} was saved at {}; kept the original as {} before rewriting it at {}x{}", png, otherSize[f], copy,
        width, height);
  }

  private void setLabelled(int f, int count) {
    labelledTotal += count - frameLabelled[f]; // under the monitor: one writer at a time
    frameLabelled[f] = count;
  }

  private static int labelledCount(short[] l) {
    int n = 0;
    for (short v : l) {
      if (v >= 0) {
        n++;
      }
    }
    return n;
  }

  private void writePng(int f, short[] l) throws IOException {
    Path png = pngPath(f);
    writeHook.beforeWrite(png);
    ImageFiles.writeLabelPng(new LabelImage(width, height, l), true, png);
  }

  private short[] frameLabels(int f) {
    if (labels[f] == null) {
      short[] l = new short[width * height];
      Arrays.fill(l, LabelImage.UNLABELLED);
      return l;
    }
    return labels[f];
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
    AtomicFiles.write(sessionDir.resolve(SESSION_FILE), JSON.writeValueAsBytes(root));
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
