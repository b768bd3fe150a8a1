package io.github.bakefeature.core.session;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.InvalidSceneException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
    CLEAR,
    /** Puts back earlier values of another edit's pixels: one person's undo or redo among several. */
    RESTORE
  }

  private static final int MAGIC = 0x45444954; // "EDIT"

  /** Length of {@link #toBytes()}, computed without serialising (the history's byte cap sums it). */
  long byteSize() {
    long strokeBytes = stroke == null ? 0 : 1 + 4 + 4 + 4 + 4L * stroke.points().length;
    // magic, id, frame, kind, has-stroke flag; pixel count; pixels, before, after; two CRCs and the file CRC
    return 4 + 8 + 4 + 1 + 1 + strokeBytes + 4 + 8L * pixels.length + 8 + 8 + 8;
  }

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

  /**
   * Parses an edit file.
   *
   * @throws InvalidSceneException naming {@code file} if it is truncated (saying how many bytes were
   *     expected and found), has trailing bytes, fails its checksum or holds impossible values
   */
  static Edit fromBytes(Path file, byte[] bytes) throws InvalidSceneException {
    Reader in = new Reader(file, bytes);
    int magic = in.readInt("the file header");
    if (magic != MAGIC) {
      throw new InvalidSceneException(file, String.format(
          "not an edit file: expected the header 0x%08X (\"EDIT\"), found 0x%08X", MAGIC, magic));
    }
    long id = in.readLong("the edit id");
    int frame = in.readInt("the frame index");
    int kindOrdinal = in.readByte("the edit kind");
    boolean hasStroke = in.readBoolean("the stroke flag");
    int strokeKind = 0;
    int cls = 0;
    float radius = 0;
    float[] pts = null;
    if (hasStroke) {
      strokeKind = in.readByte("the stroke kind");
      cls = in.readInt("the stroke class");
      radius = in.readFloat("the stroke radius");
      int n = in.readInt("the stroke point count");
      if (n < 0 || n > 2 * Stroke.MAX_POINTS) {
        throw new InvalidSceneException(file, "edit file is damaged: expected 0.." + 2 * Stroke.MAX_POINTS
            + " stroke coordinates, found " + n);
      }
      in.need(4L * n, "the stroke's " + n + " coordinates");
      pts = new float[n];
      for (int i = 0; i < n; i++) {
        pts[i] = in.readFloat("a stroke coordinate");
      }
    }
    int n = in.readInt("the pixel count");
    if (n < 0) {
      throw new InvalidSceneException(file, "edit file is damaged: expected a pixel count >= 0, found " + n);
    }
    long expectedLength = in.position() + 8L * n + 3 * 8L;
    if (bytes.length != expectedLength) {
      throw new InvalidSceneException(file, (bytes.length < expectedLength ? "edit file is truncated" : "edit file is damaged")
          + ": expected " + expectedLength + " bytes for " + n + " changed pixels, found " + bytes.length);
    }
    int[] pixels = new int[n];
    for (int i = 0; i < n; i++) {
      pixels[i] = in.readInt("a pixel index");
    }
    short[] before = new short[n];
    for (int i = 0; i < n; i++) {
      before[i] = in.readShort("a value before");
    }
    short[] after = new short[n];
    for (int i = 0; i < n; i++) {
      after[i] = in.readShort("a value after");
    }
    long cb = in.readLong("the checksum before");
    long ca = in.readLong("the checksum after");
    long stored = in.readLong("the file checksum");
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    if (stored != crc.getValue()) {
      throw new InvalidSceneException(file, String.format(
          "edit file is damaged: expected the checksum stored in its last 8 bytes to be %08x, found %08x",
          crc.getValue(), stored));
    }
    if (kindOrdinal < 0 || kindOrdinal >= Kind.values().length) {
      throw new InvalidSceneException(file, "edit file is damaged: expected an edit kind 0.." + (Kind.values().length - 1)
          + ", found " + kindOrdinal);
    }
    Stroke stroke = null;
    if (hasStroke) {
      if (strokeKind < 0 || strokeKind >= Stroke.Kind.values().length) {
        throw new InvalidSceneException(file, "edit file is damaged: expected a stroke kind 0.."
            + (Stroke.Kind.values().length - 1) + ", found " + strokeKind);
      }
      try {
        stroke = new Stroke(Stroke.Kind.values()[strokeKind], cls, radius, pts);
      } catch (IllegalArgumentException e) {
        throw new InvalidSceneException(file, "edit file is damaged: invalid stroke: " + e.getMessage(), e);
      }
    }
    return new Edit(id, frame, Kind.values()[kindOrdinal], stroke, pixels, before, after, cb, ca);
  }

  /** Big-endian reads with a clear message when the file ends early. */
  private static final class Reader {
    private final Path file;
    private final ByteBuffer buf;

    Reader(Path file, byte[] bytes) {
      this.file = file;
      this.buf = ByteBuffer.wrap(bytes);
    }

    int position() {
      return buf.position();
    }

    void need(long n, String what) throws InvalidSceneException {
      if (buf.remaining() < n) {
        throw new InvalidSceneException(file, "edit file is truncated: expected at least " + (buf.position() + n)
            + " bytes (to read " + what + "), found " + buf.limit());
      }
    }

    int readByte(String what) throws InvalidSceneException {
      need(1, what);
      return buf.get();
    }

    boolean readBoolean(String what) throws InvalidSceneException {
      return readByte(what) != 0;
    }

    short readShort(String what) throws InvalidSceneException {
      need(2, what);
      return buf.getShort();
    }

    int readInt(String what) throws InvalidSceneException {
      need(4, what);
      return buf.getInt();
    }

    float readFloat(String what) throws InvalidSceneException {
      need(4, what);
      return buf.getFloat();
    }

    long readLong(String what) throws InvalidSceneException {
      need(8, what);
      return buf.getLong();
    }
  }
}
