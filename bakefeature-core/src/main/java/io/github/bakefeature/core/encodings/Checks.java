package io.github.bakefeature.core.encodings;

import io.github.bakefeature.api.field.Encoding;

/**
 * Argument checks shared by the encodings (also those of device back-ends in other modules): typed
 * messages instead of index exceptions in kernels.
 */
public final class Checks {
  private Checks() {}

  /** Checks an {@code encode}-style call: input {@code [count, in]}, a strided block of {@code out} columns. */
  public static void batch(Encoding e, float[] input, int count, float[] output, int stride, int offset, String name) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    length("input", input, (long) count * e.inputDimension());
    strided(name, output, count, stride, offset, e.outputDimension());
  }

  /** Checks that {@code array} holds {@code count} rows of {@code stride} with columns [offset, offset + width). */
  public static void strided(String name, float[] array, int count, int stride, int offset, int width) {
    if (array == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (offset < 0 || stride < offset + width) {
      throw new IllegalArgumentException(name + ": columns [" + offset + ", " + (offset + width)
          + ") do not fit a row stride of " + stride);
    }
    long needed = count == 0 ? 0 : (long) (count - 1) * stride + offset + width;
    if (array.length < needed) {
      throw new IllegalArgumentException(name + " holds " + array.length + " floats, but " + count
          + " rows of stride " + stride + " at offset " + offset + " need " + needed);
    }
  }

  public static void length(String name, float[] array, long needed) {
    if (array == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (array.length < needed) {
      throw new IllegalArgumentException(name + " holds " + array.length + " floats, expected at least " + needed);
    }
  }
}
