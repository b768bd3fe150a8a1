package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.eval.LabelmeMasks;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Checks an output path given on the command line before a command does its (possibly long) work,
 * so a typo fails in a second with a message naming the option, not after training with a file
 * system exception; and refuses to overwrite what the command did not write itself (a scene's
 * images, scribbles or session files).
 */
final class OutputPaths {
  /** Scene entries no command writes to: a scene's inputs and the person's annotations. */
  private static final List<String> PROTECTED = List.of(SceneLayout.RGB, SceneLayout.DEPTH, SceneLayout.POSE,
      SceneLayout.SEMANTIC, SceneLayout.GT_SEMANTIC, LabelmeMasks.FOLDER, SceneLayout.INTRINSICS, SceneLayout.BBOX,
      SceneLayout.METADATA, SceneLayout.SESSION);

  private OutputPaths() {}

  /**
   * A file the command will create or replace: not a folder, its folder can be created, and an
   * existing file is only replaced if it starts with {@code magic} (what this command writes).
   *
   * @param what what the command writes, for the message ("a checkpoint")
   */
  static void file(String option, Path path, Path scene, String what, byte[] magic) throws IOException {
    notInScene(option, path, scene);
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(option + " " + path + " is a folder; expected the path of " + what);
    }
    if (Files.exists(path) && !startsWith(path, magic)) {
      throw new IllegalArgumentException(option + " " + path + " exists and is not " + what
          + "; refusing to overwrite it (remove it or choose another path)");
    }
    parentCreatable(option, path, path.toAbsolutePath().getParent());
  }

  /** A folder the command will create or write into: not a file, and creatable. */
  static void folder(String option, Path path, Path scene) throws IOException {
    notInScene(option, path, scene);
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new IllegalArgumentException(option + " " + path + " is a file; expected a folder");
    }
    parentCreatable(option, path, path.toAbsolutePath());
  }

  /**
   * The nearest existing ancestor of {@code dir} (or dir itself) must be a writable folder;
   * messages name {@code shown}, the option's value.
   */
  private static void parentCreatable(String option, Path shown, Path dir) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return;
    }
    if (!Files.isDirectory(p)) {
      throw new IllegalArgumentException(option + " " + shown + " cannot be created: " + p + " is a file, not a folder");
    }
    if (!Files.isWritable(p)) {
      throw new IllegalArgumentException(option + " " + shown + " cannot be created: " + p + " is not writable");
    }
  }

  /**
   * Refuses a path inside a protected entry of {@code scene} or of any other scene folder above it
   * (one with {@code rgb/} and {@code pose/}): a typo must not overwrite another scene's labels
   * or the model a label session resumes from.
   */
  private static void notInScene(String option, Path path, Path scene) {
    Path p = path.toAbsolutePath().normalize();
    if (scene != null) {
      notInEntries(option, path, p, scene.toAbsolutePath().normalize(), "the scene's");
    }
    for (Path a = p.getParent(); a != null; a = a.getParent()) {
      if (Files.isDirectory(a.resolve(SceneLayout.RGB)) && Files.isDirectory(a.resolve(SceneLayout.POSE))) {
        notInEntries(option, path, p, a, "the scene " + a + ":");
      }
    }
  }

  private static void notInEntries(String option, Path path, Path p, Path sceneDir, String whose) {
    for (String entry : PROTECTED) {
      if (p.startsWith(sceneDir.resolve(entry))) {
        throw new IllegalArgumentException(option + " " + path + " would write into " + whose + " " + entry
            + " (its images, labels or session); choose a path outside it");
      }
    }
  }

  private static boolean startsWith(Path file, byte[] magic) throws IOException {
    if (magic == null || !Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(magic.length), magic);
    }
  }

  /** The first bytes of an ASCII header. */
  static byte[] ascii(String header) {
    return header.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Refuses {@code sceneDir} if a person has worked on it (scribbles in {@code semantic/}, anything
   * in {@code session/} but its lock file) or a label session has it open: commands that
   * regenerate a scene must not delete annotations. A {@code session/} holding only the lock file
   * is what a session that saved nothing leaves (e.g. an app that failed to start).
   */
  static void refuseLabelledScene(String option, Path sceneDir, String why) throws IOException {
    Path semantic = sceneDir.resolve(SceneLayout.SEMANTIC);
    boolean scribbles;
    try (java.util.stream.Stream<Path> s = Files.isDirectory(semantic) ? Files.list(semantic) : java.util.stream.Stream.empty()) {
      scribbles = s.findAny().isPresent();
    }
    Path session = sceneDir.resolve(SceneLayout.SESSION);
    boolean sessionFiles;
    if (Files.isDirectory(session, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (java.util.stream.Stream<Path> s = Files.list(session)) {
        sessionFiles = s.anyMatch(p -> !(p.getFileName().toString().equals(".lock")
            && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)));
      }
    } else {
      sessionFiles = Files.exists(session, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
    if (scribbles || sessionFiles) {
      throw new IllegalArgumentException(option + " " + sceneDir + " holds annotations (" + SceneLayout.SEMANTIC + "/ or "
          + SceneLayout.SESSION + "/); " + why + ": move them away or choose another folder");
    }
    if (io.github.bakefeature.core.session.AnnotationStore.isOpen(sceneDir)) {
      throw new IllegalArgumentException(option + " " + sceneDir + " is open in a label session (the app or a script); "
          + why + ": close that session first or choose another folder");
    }
  }
}
