package io.github.bakefeature.core.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A minimal reader of binary little-endian PLY vertex lists, for tests. */
final class PlyReader {
  final List<String> header = new ArrayList<>();
  final List<String> comments = new ArrayList<>();
  final List<String[]> properties = new ArrayList<>();
  int vertices = -1;
  float[] xyz;
  int[] rgb;
  int[] classes;
  float[] confidence;
  int trailingBytes;

  static PlyReader read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    PlyReader r = new PlyReader();
    int pos = 0;
    while (true) {
      int end = pos;
      while (all[end] != '\n') {
        end++;
      }
      String line = new String(all, pos, end - pos, StandardCharsets.US_ASCII);
      pos = end + 1;
      r.header.add(line);
      if (line.startsWith("comment ")) {
        r.comments.add(line.substring(8));
      } else if (line.startsWith("element vertex ")) {
        r.vertices = Integer.parseInt(line.substring(15).trim());
      } else if (line.startsWith("property ")) {
        r.properties.add(line.substring(9).split(" "));
      } else if (line.equals("end_header")) {
        break;
      }
    }
    ByteBuffer b = ByteBuffer.wrap(all, pos, all.length - pos).order(ByteOrder.LITTLE_ENDIAN);
    int n = r.vertices;
    r.xyz = new float[3 * n];
    r.rgb = new int[3 * n];
    r.classes = new int[n];
    r.confidence = new float[n];
    for (int i = 0; i < n; i++) {
      for (String[] p : r.properties) {
        String type = p[0];
        String name = p[1];
        double v = switch (type) {
          case "float" -> b.getFloat();
          case "uchar" -> b.get() & 0xff;
          case "ushort" -> b.getShort() & 0xffff;
          default -> throw new IllegalStateException("type " + type);
        };
        switch (name) {
          case "x" -> r.xyz[3 * i] = (float) v;
          case "y" -> r.xyz[3 * i + 1] = (float) v;
          case "z" -> r.xyz[3 * i + 2] = (float) v;
          case "red" -> r.rgb[3 * i] = (int) v;
          case "green" -> r.rgb[3 * i + 1] = (int) v;
          case "blue" -> r.rgb[3 * i + 2] = (int) v;
          case "class" -> r.classes[i] = (int) v;
          case "confidence" -> r.confidence[i] = (float) v;
          default -> throw new IllegalStateException("property " + name);
        }
      }
    }
    r.trailingBytes = b.remaining();
    return r;
  }
}
