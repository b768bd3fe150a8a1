package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exports the app offers and the jobs running them: one at a time, on a worker thread, each
 * into {@code <export root>/<name>/}. Job state is reported through a callback (as WebSocket events)
 * and kept for {@code GET /api/jobs/{id}}.
 *
 * <p>An export is written into a hidden staging folder next to its output and swapped in only
 * when complete: a failed or cancelled export (the app stopping, a full disk, a kill) leaves the
 * previous export as it was, never a mix of two models' masks that downstream training would take
 * for one. Staging folders a kill left behind are cleaned up the next time the app starts.
 *
 * <p>Each export carries a marker file ({@value #MARKER}); a swap only replaces a folder holding
 * one (an earlier export) or an empty folder. Anything else in the way (a file, a folder of the
 * user's, a link to one) fails the export and is left as it was: replacing it would delete it.
 */
final class ExportJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExportJobs.class);

  /** How folders are deleted: {@link AtomicFiles#deleteRecursively}. */
  @FunctionalInterface
  interface Deleter {
    void delete(Path folder) throws IOException;
  }

  /**
   * The deletion every export path uses; tests put in one that, like a file system, refuses some
   * files (a file of another user in a shared folder), on machines where they cannot make a real
   * file undeletable.
   */
  static volatile Deleter deleter = AtomicFiles::deleteRecursively;
  private static final int KEEP_JOBS = 32;

  /** A registered export. */
  /**
   * An export the app offers. {@code earlierLayout}: the names an earlier version of the app's own
   * export wrote at the top of its folder (before the {@value #MARKER} marker), so a folder holding
   * nothing else is still replaced as a previous export; empty for exports of other code.
   */
  record Spec(String name, String label, GuiExport export, java.util.Set<String> earlierLayout) {
    Spec(String name, String label, GuiExport export) {
      this(name, label, export, java.util.Set.of());
    }
  }

  /** One run of an export. */
  static final class Job {
    final long id;
    final String name;
    final Path output;
    volatile String state = "running";
    volatile String stage = "";
    volatile long done;
    volatile long total;
    volatile String message = "";

    Job(long id, String name, Path output) {
      this.id = id;
      this.name = name;
      this.output = output;
    }

    ObjectNode json() {
      ObjectNode o = Json.object();
      o.put("id", id);
      o.put("name", name);
      o.put("state", state);
      o.put("stage", stage);
      o.put("done", done);
      o.put("total", total);
      o.put("message", message);
      o.put("output", output.toAbsolutePath().toString());
      return o;
    }
  }

  private final LabelSession session;
  private final Path root;
  private final Map<String, Spec> specs;
  private final Consumer<Job> onChange;
  private final Map<Long, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "bakefeature-gui-export");
    t.setDaemon(true);
    return t;
  });
  private Job running;
  /** Set by {@link #close()}: an export that fails from now on was cancelled, not broken. */
  private volatile boolean closing;

  ExportJobs(LabelSession session, Path root, Map<String, Spec> specs, Consumer<Job> onChange) {
    this.session = session;
    this.root = root;
    this.specs = new LinkedHashMap<>(specs);
    this.onChange = onChange;
    for (String name : this.specs.keySet()) {
      try {
        recover(root, name);
      } catch (IOException e) {
        LOG.warn("could not clean up the unfinished exports of {} in {}: {}", name, root, e.toString());
      }
    }
  }

  /** Where export {@code name} is written until it is complete (hidden, one per job). */
  static Path staging(Path root, String name, long jobId) {
    return root.resolve("." + name + STAGING + jobId);
  }

  /** The file every export folder carries, so a swap never replaces a folder no export wrote. */
  static final String MARKER = ".bakefeature-export";
  private static final String STAGING = ".partial-";
  private static final String REPLACED = ".replaced-";

  /**
   * Removes what a killed app left of export {@code name}: staging folders, and the previous export
   * moved aside during a swap, which goes back into place if the swap did not finish.
   *
   * @throws IOException the first leftover that could not be restored or deleted; the others are
   *     still handled
   */
  static void recover(Path root, String name) throws IOException {
    if (root == null || !Files.isDirectory(root)) {
      return;
    }
    Path output = root.resolve(name);
    Path target = publishTarget(output);
    if (!target.equals(output) && target.getParent() != null && Files.isDirectory(target.getParent())) {
      // A linked output was swapped where its link points: its leftovers are there (first, so a
      // link whose target a kill left moved aside resolves again before the folder below is judged).
      recoverIn(target.getParent(), target.getFileName().toString(), target);
    }
    recoverIn(root, name, output);
  }

  private static void recoverIn(Path dir, String name, Path output) throws IOException {
    List<Path> replaced = new ArrayList<>();
    List<Path> garbage = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.forEach(p -> {
        String f = p.getFileName().toString();
        if (f.startsWith("." + name + REPLACED)) {
          replaced.add(p);
        } else if (f.startsWith("." + name + STAGING)) {
          garbage.add(p);
        }
      });
    }
    IOException failed = null;
    // Previous exports first: one a swap left moved aside goes back in place even if some other
    // leftover cannot be deleted (a file the app may not delete).
    for (Path p : replaced) {
      try {
        if (!Files.exists(output)) {
          AtomicFiles.moveDirectory(p, output);
        } else {
          // Renamed to a staging name before deletion, so a deletion cut short (a kill, a file the
          // app may not delete) is never taken for a previous export to restore at a later start.
          Path free = freeStaging(dir, name, 0);
          Files.move(p, free, StandardCopyOption.ATOMIC_MOVE);
          garbage.add(free);
        }
      } catch (IOException e) {
        failed = first(failed, e);
      }
    }
    for (Path p : garbage) {
      try {
        deleter.delete(p);
      } catch (IOException e) {
        failed = first(failed, e);
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private static IOException first(IOException failed, IOException e) {
    if (failed == null) {
      return e;
    }
    failed.addSuppressed(e);
    return failed;
  }

  /** A staging path for export {@code name} in {@code dir} that does not exist (see {@link #claimStaging}). */
  static Path freeStaging(Path dir, String name, long jobId) {
    Path base = staging(dir, name, jobId);
    Path p = base;
    for (int k = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); k++) {
      p = base.resolveSibling(base.getFileName() + "-" + k);
    }
    return p;
  }

  /**
   * Creates and returns an empty staging folder for export {@code name} in {@code dir}:
   * {@link #staging}, or it with a suffix when that name is taken — by a leftover the app could not
   * delete (a file it may not delete), which would otherwise fail every export of that job number,
   * or by another app exporting to the same linked folder with the same job number. Created
   * exclusively, so no two jobs ever stage into one folder.
   */
  static Path claimStaging(Path dir, String name, long jobId) throws IOException {
    Files.createDirectories(dir); // the export's folder (exports/, or a link's) may not exist yet
    while (true) {
      try {
        return Files.createDirectory(freeStaging(dir, name, jobId));
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // another app exporting to the same linked folder took it a moment ago: the next free name
      }
    }
  }

  /**
   * The folder an export to {@code output} replaces: {@code output} itself or, if it is a symbolic
   * link (the user pointing an export at another disk, say), the folder it points to, so the link
   * stays and keeps receiving the exports. The target need not exist.
   */
  static Path publishTarget(Path output) throws IOException {
    Path p = output;
    for (int i = 0; i < 40 && Files.isSymbolicLink(p); i++) {
      // From the link's real folder, as the system resolves it: '..' in a relative link undone on
      // the path as written (through a linked scene folder, say) would name another folder, which
      // the export would replace.
      Path t = p.toAbsolutePath().getParent().toRealPath().resolve(Files.readSymbolicLink(p));
      Path parent = t.getParent();
      String name = t.getFileName() == null ? "" : t.getFileName().toString();
      if (name.equals("..") || name.equals(".")) {
        p = Files.exists(t) ? t.toRealPath() : t.normalize();
      } else {
        p = parent != null && Files.isDirectory(parent) ? parent.toRealPath().resolve(name) : t.normalize();
      }
    }
    return p;
  }

  /**
   * Puts the complete export {@code staged} at {@code output}: the previous export is moved aside,
   * the new one renamed into place (one step each), then the previous one deleted.
   */
  static void publish(Path staged, Path output, long jobId, java.util.Set<String> earlierLayout) throws IOException {
    Path replaced = output.resolveSibling("." + output.getFileName() + REPLACED + jobId);
    boolean hadPrevious = checkReplaceable(output, earlierLayout);
    if (hadPrevious) {
      Files.move(output, replaced, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      AtomicFiles.moveDirectory(staged, output);
    } catch (IOException e) {
      if (hadPrevious) {
        try {
          Files.move(replaced, output, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException restore) {
          e.addSuppressed(restore); // the cause stays the failed swap; recover() restores it at the next start
        }
      }
      throw e;
    }
    if (hadPrevious) {
      // The new export is in place: the previous one is garbage, and failing to delete it does not
      // fail the export. Renamed to the (free again) staging name first, so a deletion cut short
      // is never taken for a previous export to restore: recover() deletes staging folders.
      try {
        Files.move(replaced, staged, StandardCopyOption.ATOMIC_MOVE);
        deleter.delete(staged);
      } catch (IOException e) {
        LOG.warn("could not delete the previous export of {} ({}); it goes the next time the app starts",
            output, e.toString());
      }
    }
  }

  /** An export folder the app may not replace: the person's to fix, not a fault of the app. */
  static final class FolderRefused extends java.nio.file.FileAlreadyExistsException {
    private static final long serialVersionUID = 1L;

    FolderRefused(Path output, String reason) {
      super(output.toString(), null, reason);
    }
  }

  /**
   * Whether {@code output} (not a link) holds something the swap moves aside and deletes: a previous
   * export (with {@value #MARKER}, or holding only names of {@code earlierLayout}) or an empty
   * folder.
   *
   * @throws FolderRefused (a {@link java.nio.file.FileAlreadyExistsException}) naming {@code output}
   *     if it is anything else
   *     (a file, a link, a folder of other entries without {@value #MARKER}): replacing it would
   *     delete what the user keeps there
   */
  static boolean checkReplaceable(Path output, java.util.Set<String> earlierLayout) throws IOException {
    if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (!Files.isDirectory(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new FolderRefused(output, "expected the folder of a previous export, found a file; move it away to export here");
    }
    if (isPreviousExport(output)) {
      return true;
    }
    List<String> found;
    try (Stream<Path> entries = Files.list(output)) {
      // Names an earlier version of this export wrote are not evidence of the user's files.
      found = entries.map(e -> e.getFileName().toString()).filter(n -> !earlierLayout.contains(n)).sorted()
          .limit(4).toList();
    }
    if (found.isEmpty()) {
      return true;
    }
    throw new FolderRefused(output,
        "expected a previous export of the app (a folder with " + MARKER + ") or an empty folder, found entries"
            + " without " + MARKER + (found.size() > 3 ? ", e.g. " : ": ")
            + String.join(", ", found.subList(0, Math.min(3, found.size()))) + "; move them away (or point the export elsewhere) to export here. If this is an export of an"
            + " earlier version of the app (written before the marker), delete it to let the export replace it");
  }

  /** Whether {@code dir} is a folder an export of the app wrote (it holds {@value #MARKER}). */
  static boolean isPreviousExport(Path dir) {
    return Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
  }

  /** Writes the marker that makes {@code staged} a folder a later export may replace. */
  private static void mark(Path staged, Job job) throws IOException {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("export", job.name);
    o.put("job", job.id);
    o.put("written", java.time.Instant.now().toString());
    Files.writeString(staged.resolve(MARKER), Json.MAPPER.writeValueAsString(o) + "\n");
  }

  /** {@code [{"name":"masks","label":"Masks (PNG)"}, ...]}. */
  ArrayNode available() {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (Spec s : specs.values()) {
      ObjectNode o = a.addObject();
      o.put("name", s.name());
      o.put("label", s.label());
    }
    return a;
  }

  /** Starts export {@code name}; refuses unknown names and a second export while one runs. */
  synchronized Job start(String name) {
    Spec spec = specs.get(name);
    if (spec == null) {
      throw new ApiException(404, specs.isEmpty()
          ? "no exports are available in this build of the app"
          : "unknown export '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "': expected one of "
              + String.join(", ", specs.keySet()), "name");
    }
    if (running != null) {
      throw new ApiException(409, "export '" + running.name + "' (job " + running.id + ") is still running", "name");
    }
    Path out = root.resolve(spec.name());
    Job job = new Job(nextId.getAndIncrement(), spec.name(), out);
    jobs.put(job.id, job);
    if (jobs.size() > KEEP_JOBS) {
      jobs.keySet().stream().min(Long::compare).ifPresent(jobs::remove);
    }
    running = job;
    worker.execute(() -> run(spec, job));
    onChange.accept(job);
    return job;
  }

  private void run(Spec spec, Job job) {
    Path staged = null;
    // The job's end is published only once the next export may start: a client that sees "done"
    // or "failed" and starts another at once must not get "still running" (409).
    String state = "failed";
    String message = "the export stopped unexpectedly";
    try {
      Path target = publishTarget(job.output);
      // Earlier versions wrote into the app's own exports/<name>: names alone say nothing about a
      // folder a link points at (a user's own pointcloud.ply there must never be replaced).
      java.util.Set<String> earlier = target.equals(job.output) ? spec.earlierLayout() : java.util.Set.of();
      checkReplaceable(target, earlier); // before the long run, not only at the swap
      // A free name, not a leftover of an earlier run deleted first: one the app could not delete
      // at start (a file it may not delete) would fail this export too.
      staged = claimStaging(target.getParent(), target.getFileName().toString(), job.id);
      String summary = spec.export().run(session, staged, (stage, done, total) -> {
        job.stage = stage;
        job.done = done;
        job.total = total;
        onChange.accept(job);
      });
      mark(staged, job);
      publish(staged, target, job.id, earlier); // complete: kept even if the app is stopping now
      message = summary == null ? "" : summary;
      state = "done";
    } catch (Throwable t) {
      String kept = isPreviousExport(job.output) ? "; the previous export in " + job.output + " is unchanged" : "";
      if (closing || causedByInterrupt(t)) {
        LOG.info("export {} cancelled: the app is stopping{}", spec.name(), kept);
        message = "cancelled: the app is stopping" + kept;
        state = "cancelled";
      } else if (t instanceof FolderRefused) {
        LOG.warn("export {} refused: {}", spec.name(), t.getMessage());
        message = t.getMessage() + kept;
        state = "failed";
      } else {
        LOG.warn("export {} failed", spec.name(), t);
        message = (t.getMessage() == null ? t.toString() : t.getMessage()) + kept;
        state = "failed";
      }
      try {
        if (staged != null) {
          deleter.delete(staged);
        }
      } catch (IOException e) {
        LOG.warn("could not delete the unfinished export {}: {}", staged, e.toString());
      }
    } finally {
      synchronized (this) {
        running = null;
        job.message = message;
        job.state = state;
      }
      onChange.accept(job);
    }
  }

  Job job(long id) {
    return jobs.get(id);
  }

  private static boolean causedByInterrupt(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InterruptedException || c instanceof java.nio.channels.ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closing = true;
    worker.shutdownNow();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
