package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** Pools {@link MultiViewConsistency} errors over frame pairs of an imported scene and reports them. */
final class Consistency {
  private Consistency() {}

  /** Errors of every pair (a, b) in both directions, with poses passed through {@code poses}. */
  static MultiViewConsistency.Stats pooled(Scene s, int[][] pairs, int step, UnaryOperator<Pose> poses)
      throws IOException {
    double[] all = new double[0];
    double overlap = 0;
    for (int[] p : pairs) {
      for (int dir = 0; dir < 2; dir++) {
        Frame a = s.frame(p[dir]);
        Frame b = s.frame(p[1 - dir]);
        double[] ov = new double[1];
        double[] e = MultiViewConsistency.errors(a.intrinsics(), poses.apply(a.pose()), a.depth().orElseThrow(),
            b.intrinsics(), poses.apply(b.pose()), b.depth().orElseThrow(), step, ov);
        overlap += ov[0];
        int n = all.length;
        all = Arrays.copyOf(all, n + e.length);
        System.arraycopy(e, 0, all, n, e.length);
      }
    }
    return MultiViewConsistency.Stats.of(all, overlap / (2 * pairs.length));
  }

  /** Prints one JSON line (collected in target/surefire-reports/*-output.txt). */
  static void report(String importer, String data, MultiViewConsistency.Stats s) {
    System.out.println(String.format(Locale.ROOT,
        "{\"metric\":\"multiview_consistency\",\"importer\":\"%s\",\"data\":\"%s\",\"median_m\":%.6f,"
            + "\"p90_m\":%.6f,\"pixels\":%d,\"overlap\":%.3f}", importer, data, s.median(), s.p90(), s.pixels(), s.overlap()));
  }
}
