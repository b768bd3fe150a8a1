package io.github.bakefeature.core.data;

import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Test feature targets from colour (R, G, B in [0, 1] and a constant 0.5): enough to exercise the
 * feature head and loss without extracting features.
 */
public final class ColourFeatures {
  private ColourFeatures() {}

  public static FeatureSource of(Scene s) {
    return new FeatureSource() {
      @Override
      public int dimension() {
        return 4;
      }

      @Override
      public void lookup(int frame, int px, int py, float[] out, int offset) {
        try {
          int c = s.frame(frame).rgb().rgb(px, py);
          out[offset] = (c >> 16 & 0xff) / 255f;
          out[offset + 1] = (c >> 8 & 0xff) / 255f;
          out[offset + 2] = (c & 0xff) / 255f;
          out[offset + 3] = 0.5f;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
