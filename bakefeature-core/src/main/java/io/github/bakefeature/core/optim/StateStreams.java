package io.github.bakefeature.core.optim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bulk, bit-exact (raw IEEE bits, big-endian like {@link DataOutputStream}) I/O of primitive
 * arrays for checkpoints. Writing 14M floats one {@code writeFloat} at a time costs seconds;
 * these copy through a 256 KiB buffer instead.
 */
public final class StateStreams {
  private static final int CHUNK = 1 << 16;

  private StateStreams() {}

  /** Writes {@code values[from, to)} as raw float bits. */
  public static void writeFloats(DataOutputStream out, float[] values, int from, int to) throws IOException {
    byte[] bytes = new byte[Math.min(CHUNK, Math.max(1, to - from)) * 4];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    for (int i = from; i < to; i += CHUNK) {
      int n = Math.min(CHUNK, to - i);
      buf.clear();
      buf.asFloatBuffer().put(values, i, n);
      out.write(bytes, 0, n * 4);
    }
  }

  /** Reads {@code to - from} raw float bits into {@code values[from, to)}. */
  public static void readFloats(DataInputStream in, float[] values, int from, int to) throws IOException {
    byte[] bytes = new byte[Math.min(CHUNK, Math.max(1, to - from)) * 4];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    for (int i = from; i < to; i += CHUNK) {
      int n = Math.min(CHUNK, to - i);
      readFully(in, bytes, n * 4);
      buf.clear();
      buf.asFloatBuffer().get(values, i, n);
    }
  }

  /** Writes {@code values[from, to)}. */
  public static void writeInts(DataOutputStream out, int[] values, int from, int to) throws IOException {
    byte[] bytes = new byte[Math.min(CHUNK, Math.max(1, to - from)) * 4];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    for (int i = from; i < to; i += CHUNK) {
      int n = Math.min(CHUNK, to - i);
      buf.clear();
      buf.asIntBuffer().put(values, i, n);
      out.write(bytes, 0, n * 4);
    }
  }

  /** Reads {@code to - from} ints into {@code values[from, to)}. */
  public static void readInts(DataInputStream in, int[] values, int from, int to) throws IOException {
    byte[] bytes = new byte[Math.min(CHUNK, Math.max(1, to - from)) * 4];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    for (int i = from; i < to; i += CHUNK) {
      int n = Math.min(CHUNK, to - i);
      readFully(in, bytes, n * 4);
      buf.clear();
      buf.asIntBuffer().get(values, i, n);
    }
  }

  /**
   * Reads an int and checks it equals {@code expected}, naming {@code what} in the
   * {@link IOException} otherwise (a checkpoint of another configuration).
   */
  public static void expectInt(DataInputStream in, int expected, String what) throws IOException {
    int found = in.readInt();
    if (found != expected) {
      throw new IOException("checkpoint does not match: expected " + what + " = " + expected
          + ", found " + found);
    }
  }

  private static void readFully(DataInputStream in, byte[] bytes, int n) throws IOException {
    try {
      in.readFully(bytes, 0, n);
    } catch (EOFException e) {
      throw new EOFException("checkpoint truncated: expected " + n + " more bytes of array data");
    }
  }
}
