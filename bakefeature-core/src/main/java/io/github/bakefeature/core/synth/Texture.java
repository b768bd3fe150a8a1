package io.github.bakefeature.core.synth;

/**
 * Surface albedo as a function of the surface point in its primitive's local frame (metres), so
 * that it sticks to the object and is identical from every view. Colours are display RGB in
 * {@code [0, 1]}. Implementations are immutable, thread-safe and allocation-free.
 */
@FunctionalInterface
public interface Texture {

  /** Writes the albedo at local point (x, y, z) into {@code rgb[0..2]}. */
  void albedo(double x, double y, double z, double[] rgb);
}
