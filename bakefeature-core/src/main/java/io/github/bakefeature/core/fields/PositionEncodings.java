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

  static Encoding create(FieldConfig c) {
    return switch (c.method().encoding()) {
      case FREQUENCY -> FrequencyEncoding.builder().optFrequencies(c.frequencies()).optIncludeInput(true).build();
      case HASH_GRID -> hashGrid(c);
      case HYBRID -> new HybridEncoding(java.util.List.of(hashGrid(c),
          FrequencyEncoding.builder().optFrequencies(c.frequencies()).optIncludeInput(false).build()));
    };
  }

  /** The hash grid on the device chosen by {@link HashGrids#selectedDevice()} (the CPU by default). */
  private static TrainableEncoding hashGrid(FieldConfig c) {
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
    return HashGrids.create(b);
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
