package io.github.bakefeature.core.session;

import io.github.bakefeature.api.annotation.Stroke;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * One undoable change of one frame's scribbles: the pixels it changed with their values before and
 * after, the frame checksums before and after (to reconcile files after a crash), and what the
 * person did (the stroke, or a clear). Stored as one small binary file per edit, with a trailing
 * CRC32.
 */
record Edit(long id, int frame, Kind kind, Stroke stroke, int[] pixels, short[] before, short[] after,
            long crcBefore, long crcAfter) {

  /** What produced the edit. */
  enum Kind {
    STROKE,
    CLEAR
  }

  private static final int MAGIC = 0x45444954; // "EDIT"

  byte[] toBytes() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64 + pixels.length * 8);
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(MAGIC);
    out.writeLong(id);
    out.writeInt(frame);
    out.writeByte(kind.ordinal());
    if (stroke != null) {
      out.writeBoolean(true);
      out.writeByte(stroke.kind().ordinal());
      out.writeInt(stroke.classId());
      out.writeFloat(stroke.radius());
      out.writeInt(stroke.points().length);
      for (float p : stroke.points()) {
        out.writeFloat(p);
      }
    } else {
      out.writeBoolean(false);
    }
    out.writeInt(pixels.length);
    for (int p : pixels) {
      out.writeInt(p);
    }
    for (short s : before) {
      out.writeShort(s);
    }
    for (short s : after) {
      out.writeShort(s);
    }
    out.writeLong(crcBefore);
    out.writeLong(crcAfter);
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(b.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return b.toByteArray();
  }

  /** Parses an edit file; throws if it is truncated or damaged. */
  static Edit fromBytes(Path file, byte[] bytes) throws IOException {
    if (bytes.length < 12) {
      throw new IOException(file + ": edit file is truncated (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    try {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + ": not an edit file (wrong magic)");
      }
      long id = in.readLong();
      int frame = in.readInt();
      Kind kind = Kind.values()[in.readByte()];
      Stroke stroke = null;
      if (in.readBoolean()) {
        Stroke.Kind sk = Stroke.Kind.values()[in.readByte()];
        int cls = in.readInt();
        float radius = in.readFloat();
        int n = in.readInt();
        if (n < 0 || n > 2 * Stroke.MAX_POINTS) {
          throw new IOException(file + ": corrupt stroke with " + n + " coordinates");
        }
        float[] pts = new float[n];
        for (int i = 0; i < n; i++) {
          pts[i] = in.readFloat();
        }
        stroke = new Stroke(sk, cls, radius, pts);
      }
      int n = in.readInt();
      if (n < 0 || n > bytes.length) {
        throw new IOException(file + ": corrupt edit with " + n + " pixels");
      }
      int[] pixels = new int[n];
      for (int i = 0; i < n; i++) {
        pixels[i] = in.readInt();
      }
      short[] before = new short[n];
      for (int i = 0; i < n; i++) {
        before[i] = in.readShort();
      }
      short[] after = new short[n];
      for (int i = 0; i < n; i++) {
        after[i] = in.readShort();
      }
      long cb = in.readLong();
      long ca = in.readLong();
      long stored = in.readLong();
      if (stored != crc.getValue()) {
        throw new IOException(file + ": edit file is damaged (checksum mismatch)");
      }
      return new Edit(id, frame, kind, stroke, pixels, before, after, cb, ca);
    } catch (java.io.EOFException | ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      throw new IOException(file + ": edit file is truncated or damaged (" + e.getMessage() + ")", e);
    }
  }
}
