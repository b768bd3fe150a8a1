package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportJobsTest {
  @TempDir Path tmp;

  private static ExportJobs jobs(Path root, String content) {
    return jobs(root, content, java.util.Set.of());
  }

  /** Export "masks" writing {@code 00000.png} = {@code content}, whose earlier versions wrote {@code layout}. */
  private static ExportJobs jobs(Path root, String content, java.util.Set<String> layout) {
    GuiExport export = (session, out, progress) -> {
      Files.writeString(out.resolve("00000.png"), content);
      return "1 mask";
    };
    return new ExportJobs(null, root, Map.of("masks", new ExportJobs.Spec("masks", "Masks", export, layout)), j -> {});
  }

  /** Runs export "masks" once into {@code root} and returns the ended job. */
  private static ExportJobs.Job exportOnce(Path root, String content, java.util.Set<String> layout) throws Exception {
    try (ExportJobs jobs = jobs(root, content, layout)) {
      return runToEnd(jobs);
    }
  }

  private static ExportJobs.Job exportOnce(Path root) throws Exception {
    return exportOnce(root, "new", java.util.Set.of());
  }

  /** What the app's masks export wrote before the marker existed. */
  private static void earlierVersionExport(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("masks"));
    Files.createDirectories(dir.resolve("overlays"));
    Files.writeString(dir.resolve("classes.json"), "{}");
  }

  private static void await(ExportJobs.Job job) throws InterruptedException {
    for (int i = 0; i < 3000 && job.state.equals("running"); i++) {
      Thread.sleep(10);
    }
    assertEquals("done", job.state, job.message);
  }

  private static List<String> entries(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aJobSeenEndedLetsTheNextExportStartAtOnce() throws Exception {
    // A page that gets the end event (or polls the job) and starts the next export straight away
    // must not be told the first one is still running.
    List<String> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch second = new java.util.concurrent.CountDownLatch(1);
    ExportJobs[] ref = new ExportJobs[1];
    GuiExport export = (session, out, progress) -> "ok";
    java.util.function.Consumer<ExportJobs.Job> onChange = j -> {
      if (j.id == 1 && !j.state.equals("running")) {
        try {
          starts.add("started " + ref[0].start("masks").id);
        } catch (ApiException e) {
          starts.add(e.getMessage());
        }
        second.countDown();
      }
    };
    try (ExportJobs jobs = new ExportJobs(null, tmp.resolve("exports"),
        Map.of("masks", new ExportJobs.Spec("masks", "Masks", export)), onChange)) {
      ref[0] = jobs;
      jobs.start("masks");
      assertTrue(second.await(30, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(List.of("started 2"), starts);
      await(jobs.job(2));
    }
  }

  @Test
  void aJobPolledAsFailedLetsTheNextExportStartAtOnce() throws Exception {
    // The failed run leaves staged files to delete after it fails: a poller spinning on the job's
    // state used to see "failed" during that cleanup, while the job still counted as running.
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    GuiExport failsFirst = (session, out, progress) -> {
      if (runs.incrementAndGet() == 1) {
        for (int i = 0; i < 200; i++) {
          Files.writeString(out.resolve(i + ".png"), "partial");
        }
        throw new java.io.IOException("disk full");
      }
      return "ok";
    };
    try (ExportJobs jobs = new ExportJobs(null, tmp.resolve("exports"),
        Map.of("masks", new ExportJobs.Spec("masks", "Masks", failsFirst)), j -> {})) {
      ExportJobs.Job first = jobs.start("masks");
      // Spins (no sleep, to look during the failed run's cleanup); the bound only stops a hang.
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (first.state.equals("running") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals("failed", first.state);
      ExportJobs.Job next = jobs.start("masks"); // threw ApiException 409 "still running" before the fix
      await(next);
    }
  }

  @Test
  void anExportFolderThatIsASymlinkKeepsItsLinkAndTheExportGoesWhereItPoints() throws Exception {
    Path root = tmp.resolve("scene/exports");
    Path elsewhere = tmp.resolve("bigdisk/train_masks");
    Files.createDirectories(elsewhere);
    Files.writeString(elsewhere.resolve("00000.png"), "previous");
    Files.writeString(elsewhere.resolve("" + ExportJobs.MARKER), "{}");
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("masks"), elsewhere);
    try (ExportJobs jobs = jobs(root, "new")) {
      await(jobs.start("masks"));
    }
    assertTrue(Files.isSymbolicLink(root.resolve("masks")), "the user's link is kept");
    assertEquals("new", Files.readString(elsewhere.resolve("00000.png")), "the export went where the link points");
    assertEquals(List.of("masks"), entries(root));
    assertEquals(List.of("train_masks"), entries(tmp.resolve("bigdisk")), "no staging or replaced folder left");
  }

  @Test
  void aKillMidSwapOfALinkedExportIsRecoveredWhereTheLinkPoints() throws Exception {
    Path root = tmp.resolve("scene/exports");
    Path disk = tmp.resolve("bigdisk");
    Files.createDirectories(disk.resolve(".train_masks.replaced-3"));
    Files.writeString(disk.resolve(".train_masks.replaced-3/00000.png"), "previous");
    Files.createDirectories(disk.resolve(".train_masks.partial-3"));
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("masks"), disk.resolve("train_masks")); // dangling until recovered
    ExportJobs.recover(root, "masks");
    assertEquals("previous", Files.readString(root.resolve("masks/00000.png")));
    assertTrue(Files.isSymbolicLink(root.resolve("masks")));
    assertEquals(List.of("train_masks"), entries(disk));
  }

  @Test
  void aFileWhereTheExportFolderGoesIsLeftAloneAndTheExportFails() throws Exception {
    Path root = tmp.resolve("scene/exports");
    Files.createDirectories(root);
    Files.writeString(root.resolve("masks"), "the user's notes");
    ExportJobs.Job job;
    job = exportOnce(root);
    assertEquals("failed", job.state);
    assertTrue(job.message.contains("found a file"), job.message);
    assertEquals("the user's notes", Files.readString(root.resolve("masks")));
    assertEquals(List.of("masks"), entries(root));
  }

  private static ExportJobs.Job runToEnd(ExportJobs jobs) throws InterruptedException {
    ExportJobs.Job job = jobs.start("masks");
    for (int i = 0; i < 3000 && job.state.equals("running"); i++) {
      Thread.sleep(10);
    }
    return job;
  }

  @Test
  void aFolderOfTheUsersWhereTheExportGoesIsLeftAloneAndTheExportFails() throws Exception {
    // The user keeps their own files in exports/masks (or links it to a dataset folder): a swap
    // would move that folder aside and delete it.
    Path root = tmp.resolve("scene/exports");
    Files.createDirectories(root.resolve("masks"));
    Files.writeString(root.resolve("masks/notes.txt"), "the user's notes");
    ExportJobs.Job job;
    job = exportOnce(root);
    assertEquals("failed", job.state);
    assertTrue(job.message.contains(root.resolve("masks").toString()), job.message);
    assertTrue(job.message.contains("found entries without " + ExportJobs.MARKER + ": notes.txt"), job.message);
    assertTrue(!job.message.contains("previous export in"), "not called a previous export: " + job.message);
    assertEquals(List.of("notes.txt"), entries(root.resolve("masks")));
    assertEquals(List.of("masks"), entries(root), "no staging folder left");
  }

  @Test
  void anUnmarkedFolderOfAnExportWithNoEarlierLayoutIsKeptAndTheErrorSaysWhyAndWhatToDo() throws Exception {
    // An export registered without an earlier layout (another program's) cannot tell an unmarked
    // folder from the user's own: it is kept, but the error must not call it "entries no export
    // wrote", and must say how to let the export replace it.
    Path root = tmp.resolve("scene/exports");
    earlierVersionExport(root.resolve("masks"));
    ExportJobs.Job job;
    job = exportOnce(root);
    assertEquals("failed", job.state);
    assertTrue(job.message.contains(root.resolve("masks").toString()), job.message);
    assertTrue(job.message.contains("found entries without " + ExportJobs.MARKER + ": classes.json, masks, overlays"),
        job.message);
    assertTrue(job.message.contains("an export of an earlier version of the app"), job.message);
    assertEquals(List.of("classes.json", "masks", "overlays"), entries(root.resolve("masks")));
  }

  @Test
  void anExportOfAnEarlierVersionIsReplacedButNotWhenItHoldsAFileOfTheUsers() throws Exception {
    // The app's own exports name what their versions before the marker wrote: such a folder is a
    // previous export; one more entry makes it the user's folder again.
    Path root = tmp.resolve("scene/exports");
    earlierVersionExport(root.resolve("masks"));
    java.util.Set<String> layout = java.util.Set.of("masks", "overlays", "classes.json");
    ExportJobs.Job done = exportOnce(root, "new", layout);
    assertEquals("done", done.state, done.message);
    assertEquals(List.of(ExportJobs.MARKER, "00000.png"), entries(root.resolve("masks")));

    Path other = tmp.resolve("other/exports");
    Files.createDirectories(other.resolve("masks/overlays"));
    Files.writeString(other.resolve("masks/notes.txt"), "the user's");
    ExportJobs.Job job = exportOnce(other, "new", layout);
    assertEquals("failed", job.state);
    assertTrue(job.message.contains("entries without " + ExportJobs.MARKER + ": notes.txt;"), job.message);
    assertEquals(List.of("notes.txt", "overlays"), entries(other.resolve("masks")));
  }

  @Test
  void aLinkedFolderOfTheUsersIsLeftAloneAndTheExportFails() throws Exception {
    Path root = tmp.resolve("scene/exports");
    Path dataset = tmp.resolve("dataset/train");
    Files.createDirectories(dataset.resolve("images"));
    Files.writeString(dataset.resolve("images/0001.jpg"), "a photo");
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("masks"), dataset);
    ExportJobs.Job job;
    job = exportOnce(root);
    assertEquals("failed", job.state);
    assertTrue(job.message.contains(dataset.toRealPath().toString()), job.message);
    assertEquals(List.of("images"), entries(dataset));
    assertEquals(List.of("train"), entries(tmp.resolve("dataset")), "no staging folder beside it");
  }

  @Test
  void aLinkedFolderHoldingOnlyNamesOfAnEarlierVersionsExportIsStillTheUsers() throws Exception {
    // Earlier versions exported into exports/<name> itself; a folder a link points at that holds a
    // pointcloud.ply (the user's own scan) or classes.json by that name proves nothing.
    Path root = tmp.resolve("scene/exports");
    Path scans = tmp.resolve("scans/room");
    earlierVersionExport(scans);
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("masks"), scans);
    ExportJobs.Job job = exportOnce(root, "new", java.util.Set.of("masks", "overlays", "classes.json"));
    assertEquals("failed", job.state);
    assertTrue(job.message.contains("entries without " + ExportJobs.MARKER), job.message);
    assertEquals(List.of("classes.json", "masks", "overlays"), entries(scans));
    assertEquals("{}", Files.readString(scans.resolve("classes.json")));
    assertEquals(List.of("room"), entries(tmp.resolve("scans")), "no staging folder beside it");
  }

  @Test
  void stagingFoldersAreClaimedExclusivelySoTwoJobsNeverShareOne() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("disk"));
    Path first = ExportJobs.claimStaging(dir, "masks", 1);
    Path second = ExportJobs.claimStaging(dir, "masks", 1); // another app's job 1, same linked folder
    assertTrue(Files.isDirectory(first) && Files.isDirectory(second));
    assertFalse(first.equals(second), first + " claimed twice");
    assertEquals(List.of(first.getFileName().toString(), second.getFileName().toString()), entries(dir));
  }

  @Test
  void anEmptyFolderIsReplacedAndEveryExportCarriesTheMarkerSoTheNextReplacesIt() throws Exception {
    Path root = tmp.resolve("scene/exports");
    Files.createDirectories(root.resolve("masks"));
    try (ExportJobs jobs = jobs(root, "first")) {
      await(jobs.start("masks"));
      assertTrue(ExportJobs.isPreviousExport(root.resolve("masks")));
      String marker = Files.readString(root.resolve("masks").resolve(ExportJobs.MARKER));
      assertTrue(marker.contains("\"export\":\"masks\"") && marker.contains("\"job\":1"), marker);
    }
    try (ExportJobs jobs = jobs(root, "second")) {
      await(jobs.start("masks"));
    }
    assertEquals("second", Files.readString(root.resolve("masks/00000.png")));
    assertEquals(List.of(ExportJobs.MARKER, "00000.png"), entries(root.resolve("masks")));
  }

  private static boolean chattr(String flag, Path p) throws Exception {
    try {
      return new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start().waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aPreviousExportThatCannotBeDeletedFailsNeitherTheExportNorComesBackLater() throws Exception {
    Path root = tmp.resolve("scene/exports");
    Path stuck = root.resolve("masks/sub/00000.png");
    Files.createDirectories(stuck.getParent());
    Files.writeString(stuck, "previous");
    Files.writeString(root.resolve("masks/00000.png"), "previous");
    Files.writeString(root.resolve("masks/" + ExportJobs.MARKER), "{}");
    // An entry the app may not delete (here immutable; a file of another user in a shared folder).
    org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", stuck), "needs chattr +i");
    ExportJobs.Job job;
    try {
      job = exportOnce(root);
      assertEquals("done", job.state, "the new export is in place: " + job.message);
      assertEquals("new", Files.readString(root.resolve("masks/00000.png")));
    } finally {
      try (var s = Files.walk(root)) {
        for (Path p : s.filter(p -> p.endsWith("00000.png") && p.getParent().endsWith("sub")).toList()) {
          chattr("-i", p);
        }
      }
    }
    // The user deletes the new export before the app starts again: what is left of the previous
    // one (partly deleted) must not come back as an export.
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(root.resolve("masks"));
    ExportJobs.recover(root, "masks");
    assertEquals(List.of(), entries(root));
  }

  /** Files (by inode, which a rename keeps) the app's deletions refuse in these tests ({@link #stuck}). */
  private final java.util.Set<Object> undeletable = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @org.junit.jupiter.api.AfterEach
  void restoreDeleter() {
    ExportJobs.deleter = io.github.bakefeature.core.io.AtomicFiles::deleteRecursively;
    undeletable.clear();
  }

  /**
   * Makes {@code file} undeletable for the app, as a file of another user in a shared folder is:
   * its deletions (ExportJobs.deleter) delete everything else and fail on it as the file system
   * would. Runs on any machine; {@link #aPreviousExportThatCannotBeDeletedFailsNeitherTheExportNorComesBackLater}
   * does the same with a really immutable file where chattr is allowed.
   */
  private void stuck(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "previous");
    undeletable.add(fileKey(file));
    ExportJobs.deleter = this::deleteExceptStuck;
  }

  private void deleteExceptStuck(Path folder) throws java.io.IOException {
    if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    java.util.List<Path> refused = new java.util.ArrayList<>();
    try (var s = Files.walk(folder)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) { // children before parents
        if (undeletable.contains(fileKey(p))) {
          refused.add(p);
        } else if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || isEmpty(p)) {
          Files.delete(p);
        }
      }
    }
    if (!refused.isEmpty()) {
      throw new java.nio.file.AccessDeniedException(refused.get(0).toString());
    }
  }

  private static Object fileKey(Path p) throws java.io.IOException {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
        java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** The app's deletions work again; the stuck files stay where they are. */
  private void unstick(Path root) {
    undeletable.clear();
  }

  @Test
  void aPreviousExportWhoseDeletionAtStartWasCutShortIsNeverRestoredLater() throws Exception {
    // A kill between moving the previous export aside and deleting it; the next start deletes it,
    // but not completely (a file the app may not delete, or another kill).
    Path root = tmp.resolve("scene/exports");
    Files.createDirectories(root.resolve("masks"));
    Files.writeString(root.resolve("masks/00000.png"), "new");
    Files.createDirectories(root.resolve(".masks.replaced-3"));
    Files.writeString(root.resolve(".masks.replaced-3/00000.png"), "previous");
    stuck(root.resolve(".masks.replaced-3/sub/00001.png"));
    try {
      // The stuck file stays, and is reported.
      org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ExportJobs.recover(root, "masks"));
    } finally {
      unstick(root);
    }
    // The user deletes the export before the app starts again: the partly deleted previous one
    // must not come back as the export (it did: it kept its .replaced- name).
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(root.resolve("masks"));
    ExportJobs.recover(root, "masks");
    assertEquals(List.of(), entries(root));
  }

  @Test
  void aPreviousExportMovedAsideGoesBackEvenIfAnotherLeftoverCannotBeDeleted() throws Exception {
    // Killed mid-swap (masks moved aside, not yet replaced) while staging folders of earlier runs
    // hold files the app may not delete: recovery stopped at the first of those it listed.
    Path root = tmp.resolve("scene/exports");
    for (int i = 1; i <= 8; i++) {
      stuck(root.resolve(".masks.partial-" + i + "/00000.png"));
    }
    Files.createDirectories(root.resolve(".masks.replaced-9"));
    Files.writeString(root.resolve(".masks.replaced-9/00000.png"), "previous");
    try {
      org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ExportJobs.recover(root, "masks"));
      assertEquals("previous", Files.readString(root.resolve("masks/00000.png")));
    } finally {
      unstick(root);
    }
  }

  @Test
  void aLeftoverTheAppCannotDeleteDoesNotFailTheExportOfTheSameJobNumber() throws Exception {
    // A previous run's staging folder the app could not delete (it held a file of another user)
    // has the name the first export of the next run stages in: that export failed on it.
    Path root = tmp.resolve("scene/exports");
    Files.createDirectories(root.resolve("masks"));
    Files.writeString(root.resolve("masks/00000.png"), "previous");
    Files.writeString(root.resolve("masks/" + ExportJobs.MARKER), "{}");
    stuck(root.resolve(".masks.partial-1/sub/00000.png"));
    ExportJobs.Job job;
    try {
      job = exportOnce(root);
    } finally {
      unstick(root);
    }
    assertEquals(1, job.id);
    assertEquals("done", job.state, job.message);
    assertEquals("new", Files.readString(root.resolve("masks/00000.png")));
  }

  @Test
  void aRelativeLinkUnderALinkedSceneFolderIsFollowedAsTheSystemDoes() throws Exception {
    // scene -> real/scene (the user opened the scene through a link); exports/masks -> ../../disk/m.
    // The system resolves '..' from where the link really is (real/disk/m); resolving it on the
    // path as written gave disk/m, another folder, which the export replaced and deleted.
    Path real = tmp.resolve("real/scene/exports");
    Files.createDirectories(real);
    Files.createDirectories(tmp.resolve("real/disk/m"));
    Files.writeString(tmp.resolve("real/disk/m/00000.png"), "previous");
    Files.writeString(tmp.resolve("real/disk/m/" + ExportJobs.MARKER), "{}");
    Files.createDirectories(tmp.resolve("disk/m"));
    Files.writeString(tmp.resolve("disk/m/00000.png"), "another folder of the user's");
    Files.createSymbolicLink(real.resolve("masks"), Path.of("../../disk/m"));
    Files.createSymbolicLink(tmp.resolve("scene"), tmp.resolve("real/scene"));
    Path root = tmp.resolve("scene/exports");
    assertEquals(tmp.resolve("real/disk/m").toRealPath(), ExportJobs.publishTarget(root.resolve("masks")));
    try (ExportJobs jobs = jobs(root, "new")) {
      await(jobs.start("masks"));
    }
    assertEquals("new", Files.readString(tmp.resolve("real/disk/m/00000.png")));
    assertEquals("another folder of the user's", Files.readString(tmp.resolve("disk/m/00000.png")));
    assertEquals(List.of("m"), entries(tmp.resolve("disk")));
  }
}
