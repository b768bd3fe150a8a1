package io.github.bakefeature.core.viz;

/**
 * Default class colours: a fixed list of well-separated colours (Tableau-like) for the first
 * classes, then golden-ratio hues, so any number of classes gets distinct colours.
 */
public final class Palette {
  private static final int[] BASE = {
      0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
      0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94};

  private Palette() {}

  /** Colour of class {@code id} as 0xRRGGBB. */
  public static int colour(int id) {
    if (id < BASE.length) {
      return BASE[id];
    }
    float hue = (float) ((id * 0.618033988749895) % 1.0);
    return java.awt.Color.HSBtoRGB(hue, 0.65f, 0.9f) & 0xFFFFFF;
  }

  /** The first {@code n} colours. */
  public static int[] colours(int n) {
    int[] p = new int[Math.max(1, n)];
    for (int i = 0; i < p.length; i++) {
      p[i] = colour(i);
    }
    return p;
  }
}
