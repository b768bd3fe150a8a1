package io.github.bakefeature.core.export;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.core.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A labelled 3D point cloud: {@code count} points with world positions {@code [count, 3]} (metres),
 * 8-bit sRGB colours {@code [count, 3]}, class ids {@code [count]} and confidences {@code [count]}
 * in [0, 1], plus the class legend. Arrays are owned by the cloud and must not be mutated.
 */
public record LabelledPointCloud(int count, float[] positions, byte[] colours, short[] classes, float[] confidence,
                                 List<SemanticClass> legend) {
  /** Class id of points without a class (a model that never saw a label), as in the masks. */
  public static final int UNKNOWN_CLASS = 255;

  public LabelledPointCloud {
    if (count < 0 || positions.length < 3 * count || colours.length < 3 * count || classes.length < count
        || confidence.length < count) {
      throw new IllegalArgumentException("arrays are too short for " + count + " points");
    }
    for (int i = 0; i < count; i++) {
      if (classes[i] < 0) {
        throw new IllegalArgumentException("expected class ids >= 0, found " + classes[i] + " at point " + i);
      }
    }
    legend = List.copyOf(legend);
  }

  /**
   * Whether class ids need 16 bits in the PLY: more than 256 classes in the legend, or a point whose
   * id does not fit in a byte (a legend shorter than the model's classes).
   */
  public boolean wideClasses() {
    if (legend.size() > 256) {
      return true;
    }
    for (int i = 0; i < count; i++) {
      if (classes[i] > 255) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the cloud atomically as binary little-endian PLY:
   *
   * <pre>
   * ply
   * format binary_little_endian 1.0
   * comment BakeFeature labelled point cloud
   * comment class &lt;id&gt; &lt;#rrggbb&gt; &lt;name&gt;      (one per class, id order)
   * element vertex N
   * property float x / y / z                    (world, metres)
   * property uchar red / green / blue
   * property uchar class                        (ushort when an id exceeds 255: {@link #wideClasses})
   * property float confidence
   * end_header
   * </pre>
   */
  public void writePly(Path file) throws IOException {
    AtomicFiles.write(file, out -> write(out));
  }

  private void write(OutputStream raw) throws IOException {
    OutputStream out = new BufferedOutputStream(raw, 1 << 16);
    boolean wide = wideClasses();
    StringBuilder h = new StringBuilder();
    h.append("ply\nformat binary_little_endian 1.0\n");
    h.append("comment BakeFeature labelled point cloud\n");
    for (SemanticClass c : legend) {
      // Names are free text: keep each comment on one line.
      h.append("comment class ").append(c.id()).append(' ').append(c.hexColour()).append(' ')
          .append(c.name().replaceAll("[\\r\\n]+", " ")).append('\n');
    }
    h.append("element vertex ").append(count).append('\n');
    h.append("property float x\nproperty float y\nproperty float z\n");
    h.append("property uchar red\nproperty uchar green\nproperty uchar blue\n");
    h.append(wide ? "property ushort class\n" : "property uchar class\n");
    h.append("property float confidence\nend_header\n");
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    int record = 12 + 3 + (wide ? 2 : 1) + 4;
    ByteBuffer buf = ByteBuffer.allocate(record * 4096).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      if (buf.remaining() < record) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(positions[3 * i]).putFloat(positions[3 * i + 1]).putFloat(positions[3 * i + 2]);
      buf.put(colours[3 * i]).put(colours[3 * i + 1]).put(colours[3 * i + 2]);
      if (wide) {
        buf.putShort(classes[i]);
      } else {
        buf.put((byte) classes[i]);
      }
      buf.putFloat(confidence[i]);
    }
    out.write(buf.array(), 0, buf.position());
    out.flush();
  }
}
