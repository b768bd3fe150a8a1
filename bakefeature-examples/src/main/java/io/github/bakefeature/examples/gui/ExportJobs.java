package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.session.LabelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exports the app offers and the jobs running them: one at a time, on a worker thread, each
 * into {@code <export root>/<name>/}. Job state is reported through a callback (as WebSocket events)
 * and kept for {@code GET /api/jobs/{id}}.
 */
final class ExportJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExportJobs.class);
  private static final int KEEP_JOBS = 32;

  /** A registered export. */
  record Spec(String name, String label, GuiExport export) {}

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

  ExportJobs(LabelSession session, Path root, Map<String, Spec> specs, Consumer<Job> onChange) {
    this.session = session;
    this.root = root;
    this.specs = new LinkedHashMap<>(specs);
    this.onChange = onChange;
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
    try {
      Files.createDirectories(job.output);
      String summary = spec.export().run(session, job.output, (stage, done, total) -> {
        job.stage = stage;
        job.done = done;
        job.total = total;
        onChange.accept(job);
      });
      job.message = summary == null ? "" : summary;
      job.state = "done";
    } catch (Throwable t) {
      LOG.warn("export {} failed", spec.name(), t);
      job.message = t.getMessage() == null ? t.toString() : t.getMessage();
      job.state = "failed";
    } finally {
      synchronized (this) {
        running = null;
      }
      onChange.accept(job);
    }
  }

  Job job(long id) {
    return jobs.get(id);
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
