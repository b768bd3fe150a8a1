package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed during an atomic write leaves the write's hidden temporary file (the target is
 * intact); opening the scene's session deletes those of the files a session writes, so crashes do
 * not pile them up (a checkpoint's is as large as the checkpoint), and leaves anything else alone.
 */
class InterruptedWriteLeftoversTest {
  @TempDir
  Path tmp;

  @Test
  void openingASessionDeletesTheTemporaryFilesOfWritesAKillInterrupted() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 2), dir);
    String frame = SceneFolder.open(dir).frame(1).name() + ".png";
    Path session = Files.createDirectories(dir.resolve("session"));
    Path semantic = Files.createDirectories(dir.resolve("semantic"));
    Path[] leftovers = {
        Files.write(session.resolve(".model.ckpt.1x2y3z.tmp"), new byte[100]),
        Files.write(session.resolve(".session.json.k9k9.tmp"), new byte[10]),
        Files.write(semantic.resolve("." + frame + ".0a0b.tmp"), new byte[10]),
        Files.write(dir.resolve(".metadata.json.zz.tmp"), new byte[10]),
    };
    Path[] kept = {
        Files.write(dir.resolve(".bbox.txt.zz.tmp"), new byte[1]), // not a file the session writes
        Files.write(semantic.resolve(".notaframe.png.zz.tmp"), new byte[1]),
        Files.write(session.resolve("notes.txt"), new byte[1]),
    };
    try (DefaultLabelSession s = SessionStormMain.session(dir).optAutoStart(false).build()) {
      for (Path p : leftovers) {
        assertFalse(Files.exists(p), p + " is left over by a killed write: deleted on open");
      }
      for (Path p : kept) {
        assertTrue(Files.exists(p), p + " is not a session's: kept");
      }
    }
  }
}
