package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command checks before its work: output paths that cannot be written, outputs that
 * would overwrite a scene's files or a person's labels, and checkpoints of another scene; each
 * fails with exit code 2 and one line naming the option or file, never a stack trace.
 */
class OutputGuardsTest {
  @TempDir
  static Path tmp;
  static Path scene;
  static Path room;
  static Path ckpt;
  static Path aFile;

  @BeforeAll
  static void sceneAndModel() throws Exception {
    scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "3", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    room = tmp.resolve("room");
    assertEquals(0, Cli.run("synth", "--preset", "room", "--frames", "3", "--width", "32", "--height", "24",
        "--out", room.toString()).code());
    ckpt = tmp.resolve("m.ckpt");
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "3", "--rays", "32",
        "--holdout-every", "0", "--out", ckpt.toString());
    assertEquals(0, r.code(), r.err());
    aFile = Files.writeString(tmp.resolve("a-file"), "not a folder");
  }

  private static void assertRejected(Cli.Result r, String... fragments) {
    assertEquals(2, r.code(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
  }

  @Test
  void trainRefusesToOverwriteAScribbleOrAnyFileThatIsNotACheckpoint() throws Exception {
    Path scribble = scene.resolve("semantic/00000.png");
    Files.createDirectories(scribble.getParent());
    Files.copy(scene.resolve("gt_semantic/00000.png"), scribble);
    byte[] labels = Files.readAllBytes(scribble);
    assertRejected(Cli.run("train", "--scene", scene.toString(), "--iters", "1", "--out", scribble.toString()),
        "--out", "semantic", "choose a path outside it");
    assertArrayEquals(labels, Files.readAllBytes(scribble));
    Files.delete(scribble);

    Path notes = Files.writeString(tmp.resolve("notes.txt"), "my notes");
    assertRejected(Cli.run("train", "--scene", scene.toString(), "--iters", "1", "--out", notes.toString()),
        "exists and is not a checkpoint", "refusing to overwrite");
    assertEquals("my notes", Files.readString(notes));
  }

  @Test
  void outputsNeverGoIntoASessionOrIntoTheLabelsOfAnotherScene() throws Exception {
    Path model = scene.resolve("session/model.ckpt");
    assertRejected(Cli.run("train", "--scene", scene.toString(), "--iters", "1", "--out", model.toString()),
        "--out", "session", "choose a path outside it");
    Path roomModel = room.resolve("session/model.ckpt");
    assertRejected(Cli.run("train", "--scene", scene.toString(), "--iters", "1", "--out", roomModel.toString()),
        "--out", "the scene " + room.toAbsolutePath().normalize(), "session");
    assertRejected(Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--masks",
        room.resolve("semantic").toString()), "--masks", "the scene " + room.toAbsolutePath().normalize(), "semantic");
    assertFalse(Files.exists(model.getParent()) || Files.exists(roomModel.getParent())
        || Files.exists(room.resolve("semantic")), "nothing written");
  }

  @Test
  void outputPathsThatCannotBeWrittenFailBeforeTheWork() {
    assertRejected(Cli.run("train", "--scene", scene.toString(), "--iters", "100000", "--out", tmp.toString()),
        "--out " + tmp, "is a folder");
    assertRejected(Cli.run("train", "--scene", scene.toString(), "--iters", "100000", "--out",
        aFile.resolve("m.ckpt").toString()), aFile + " is a file, not a folder");
    assertRejected(Cli.run("render", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frame", "0",
        "--out", aFile.toString()), "--out", "is a file; expected a folder");
    assertRejected(Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--pointcloud",
        tmp.toString()), "--pointcloud", "is a folder");
    assertRejected(Cli.run("synth", "--frames", "3", "--width", "32", "--height", "24", "--out",
        aFile.resolve("s").toString()), "is a file, not a folder");
  }

  @Test
  void checkpointOfAnotherSceneIsRejected() {
    // The room has more classes than the tabletop model; its box gives it away.
    assertRejected(Cli.run("evaluate", "--scene", room.toString(), "--checkpoint", ckpt.toString()),
        ckpt.toString(), "trained in the box", "bbox.txt");
    Path roomCkpt = tmp.resolve("room.ckpt");
    Cli.Result r = Cli.run("train", "--scene", room.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--holdout-every", "0", "--out", roomCkpt.toString());
    assertEquals(0, r.code(), r.err());
    assertRejected(Cli.run("evaluate", "--scene", scene.toString(), "--checkpoint", roomCkpt.toString()),
        "predicts 10 classes", "has 6");
    assertRejected(Cli.run("render", "--scene", scene.toString(), "--checkpoint", tmp.toString(), "--frame", "0",
        "--out", tmp.resolve("r").toString()), "expected a checkpoint file, found a folder");
  }

  @Test
  void checkpointOfAOneClassSceneIsAcceptedByItsScene() throws Exception {
    // Training gives the semantic head at least two logits; the scene's own model must still load.
    Path one = tmp.resolve("one-class");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", one.toString()).code());
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(one.resolve("gt_semantic"));
    Files.writeString(one.resolve("metadata.json"), "{\"n_classes\": 1, \"classes\": [\"thing\"]}");
    Path oneCkpt = tmp.resolve("one.ckpt");
    Cli.Result r = Cli.run("train", "--scene", one.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--holdout-every", "0", "--out", oneCkpt.toString());
    assertEquals(0, r.code(), r.err());
    r = Cli.run("render", "--scene", one.toString(), "--checkpoint", oneCkpt.toString(), "--frame", "0", "--out",
        tmp.resolve("one-render").toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void aTruncatedImageFailsBeforeFeaturesOrTrainingAreBuilt() throws Exception {
    Path damaged = tmp.resolve("damaged");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", damaged.toString()).code());
    Path victim = damaged.resolve("depth/00003.png");
    byte[] b = Files.readAllBytes(victim);
    Files.write(victim, java.util.Arrays.copyOf(b, b.length / 2));
    Path out = tmp.resolve("damaged.ckpt");
    // Frame 3 is held out: without the check up front it would fail only after training, at evaluation.
    Cli.Result r = Cli.run("train", "--scene", damaged.toString(), "--method", "ours", "--iters", "5", "--rays", "32",
        "--holdout-every", "2", "--out", out.toString());
    assertRejected(r, victim.toString(), "corrupt or truncated image");
    assertFalse(r.err().contains("features:"), "no feature extraction before the check: " + r.err());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(damaged.resolve("cache")), "no feature cache written");
    assertRejected(Cli.run("simulate", "--scene", damaged.toString(), "--methods", "snerf-freq", "--rounds", "1",
        "--holdout-every", "2", "--out", tmp.resolve("damaged-sim").toString()), victim.toString(),
        "corrupt or truncated image");
  }

  @Test
  void synthForceNeverReplacesALabelledScene() throws Exception {
    Path labelled = tmp.resolve("labelled");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out",
        labelled.toString()).code());
    Path session = Files.createDirectories(labelled.resolve("session"));
    Files.writeString(session.resolve("session.json"), "{}");
    assertRejected(Cli.run("synth", "--force", "--frames", "2", "--width", "32", "--height", "24", "--out",
        labelled.toString()), "holds annotations");
    assertTrue(Files.exists(session.resolve("session.json")));
  }

  @Test
  void synthForceReplacesASceneWhoseSessionSavedNothingButNotOneThatIsOpen() throws Exception {
    // A session that saved nothing (an app that failed to start) leaves session/.lock alone: no
    // annotations, so --force may replace the scene; while a session holds it, it may not.
    Path scene = tmp.resolve("lock-only");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out",
        scene.toString()).code());
    Files.createFile(Files.createDirectories(scene.resolve("session")).resolve(".lock"));
    Cli.Result replaced = Cli.run("synth", "--force", "--frames", "2", "--width", "32", "--height", "24", "--seed", "3",
        "--out", scene.toString());
    assertEquals(0, replaced.code(), replaced.err());

    try (var store = io.github.bakefeature.core.session.AnnotationStore.open(
        io.github.bakefeature.core.scene.SceneFolder.open(scene))) {
      assertRejected(Cli.run("synth", "--force", "--frames", "2", "--width", "32", "--height", "24", "--out",
          scene.toString()), "is open in a label session");
    }
  }

  @Test
  void quickstartNeverRegeneratesALabelledScene() throws Exception {
    Path results = tmp.resolve("results");
    Path semantic = Files.createDirectories(results.resolve("scene").resolve("semantic"));
    byte[] scribbles = Files.readAllBytes(scene.resolve("rgb").resolve("00000.png")); // any bytes: kept as they are
    Files.write(semantic.resolve("00000.png"), scribbles);
    assertRejected(Cli.run("quickstart", "--out", results.toString(), "--frames", "6"), "--out",
        "holds annotations", "quickstart regenerates that scene");
    assertArrayEquals(scribbles, Files.readAllBytes(semantic.resolve("00000.png")));
  }

  @Test
  void trainRejectsGroundTruthLabelsThatTheSceneDoesNotHave() throws Exception {
    Path noGt = tmp.resolve("no-gt");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", noGt.toString()).code());
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(noGt.resolve("gt_semantic"));
    assertRejected(Cli.run("train", "--scene", noGt.toString(), "--labels", "gt", "--iters", "1", "--out",
        tmp.resolve("x.ckpt").toString()), "--labels gt", "no gt_semantic/");
  }

  @Test
  void fileSystemErrorsAreDescribedByFileAndReason() {
    assertEquals("/x/y: is in the way (a file where a folder or a new file was expected)",
        BakeFeatureCli.describe(new java.nio.file.FileAlreadyExistsException("/x/y")));
    assertEquals("/x/y: Not a directory",
        BakeFeatureCli.describe(new java.nio.file.FileSystemException("/x/y", null, "Not a directory")));
    assertEquals("disk full", BakeFeatureCli.describe(new java.io.IOException("disk full")));
  }
}
