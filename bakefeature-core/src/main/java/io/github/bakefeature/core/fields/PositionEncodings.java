package io.github.bakefeature.core.fields;

import io.github.bakefeature.api.field.Encoding;
import io.github.bakefeature.core.encodings.FrequencyEncoding;
import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.encodings.HashGrids;
import io.github.bakefeature.core.encodings.HybridEncoding;
import io.github.bakefeature.core.encodings.SphericalHarmonicsEncoding;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Builds the encodings a {@link FieldConfig} asks for, and copies/serialises them. */
final class PositionEncodings {
  private PositionEncodings() {}

  /**
   * The position encoding of {@code c}; its hash grid on the {@linkplain HashGrids#selectedDevice()
   * selected device} when {@code onDevice}, else on the CPU.
   */
  static Encoding create(FieldConfig c, boolean onDevice) {
    return switch (c.method().encoding()) {
      case FREQUENCY -> FrequencyEncoding.builder().optFrequencies(c.frequencies()).optIncludeInput(true).build();
      case HASH_GRID -> hashGrid(c, onDevice);
      case HYBRID -> new HybridEncoding(java.util.List.of(hashGrid(c, onDevice),
          FrequencyEncoding.builder().optFrequencies(c.frequencies()).optIncludeInput(false).build()));
    };
  }

  /**
   * {@code e} with a CPU hash grid in it moved to the selected device (state included), or {@code e}
   * itself when there is nothing to move.
   */
  static Encoding onSelectedDevice(Encoding e) {
    if (e instanceof HashGridEncoding g && g.optimizer() != null) {
      return HashGrids.onSelectedDevice(g);
    }
    if (e instanceof HybridEncoding h) {
      java.util.List<Encoding> parts = new java.util.ArrayList<>(h.parts());
      boolean changed = false;
      for (int i = 0; i < parts.size(); i++) {
        Encoding moved = onSelectedDevice(parts.get(i));
        changed |= moved != parts.get(i);
        parts.set(i, moved);
      }
      return changed ? new HybridEncoding(parts) : h;
    }
    return e;
  }

  private static TrainableEncoding hashGrid(FieldConfig c, boolean onDevice) {
    HashGridEncoding.Builder b = HashGridEncoding.builder()
        .optLevels(c.hashLevels())
        .optFeaturesPerLevel(c.hashFeaturesPerLevel())
        .optLog2TableSize(c.hashLog2TableSize())
        .optBaseResolution(c.hashBaseResolution())
        .optSeed(c.seed());
    if (c.hashMaxResolution() > 0) {
      b.optMaxResolution(c.hashMaxResolution());
    } else {
      b.optPerLevelScale(2.0);
    }
    return onDevice ? HashGrids.create(b) : b.build();
  }

  static Encoding direction() {
    return new SphericalHarmonicsEncoding(4);
  }

  /** An inference-only copy of {@code e}'s parameters (fixed encodings are immutable and shared). */
  static Encoding copy(Encoding e) {
    return e instanceof TrainableEncoding t ? t.frozenCopy() : e;
  }

  static void writeState(Encoding e, DataOutputStream out) throws IOException {
    if (e instanceof TrainableEncoding t) {
      t.writeState(out);
    }
  }

  static void readState(Encoding e, DataInputStream in) throws IOException {
    if (e instanceof TrainableEncoding t) {
      t.readState(in);
    }
  }
}
