package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneInspector;
import io.github.bakefeature.core.scene.SceneSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature info --scene DIR}: validates a scene folder completely — every image is
 * decoded, so truncated or corrupt files are found — and prints one JSON line: frames,
 * resolution, classes, bounds and where they come from ({@code bbox.txt}, depth or the camera
 * frusta), a warning when {@code bbox.txt} looks wrong for the scene (also printed on stderr), depth
 * coverage, ground truth and annotated frames, and {@code pose_check}: whether the depth of overlapping
 * frames agrees with the poses as stored or much better with them inverted (camera-to-world) or in
 * OpenGL camera axes, which is then warned about on stderr (exit code still 0). An invalid scene exits with code 2 and a message
 * naming the file on stderr.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Validate a scene folder (decoding every image) and print a one-line JSON summary.")
public final class InfoCommand implements Callable<Integer> {

  @Option(names = "--scene", required = true, paramLabel = "DIR", description = "Scene folder.")
  Path scene;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    SceneFolder folder = SceneFolder.builder(scene)
        .optWarnings(w -> err.println("bakefeature info: warning: " + w))
        .open();
    int step = Math.max(1, folder.size() / 10);
    SceneSummary s = SceneInspector.inspect(folder, (done, total) -> {
      if (total >= 100 && (done % step == 0 || done == total)) {
        err.println("bakefeature info: " + done + "/" + total + " frames decoded");
      }
    });
    // A warning, not a failure: the poses may be right and the depth odd, and the user decides.
    s.poseCheck().warning().ifPresent(w -> err.println("bakefeature info: warning: " + w));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scene", scene.toString());
    m.putAll(s.toMap());
    m.put("depth_factor", folder.depthFactor());
    System.out.println(JsonLines.toLine(m));
    System.out.flush();
    return 0;
  }
}
