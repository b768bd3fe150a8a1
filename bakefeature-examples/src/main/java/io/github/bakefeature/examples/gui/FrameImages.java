package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.session.LabelSession;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PNGs that do not need the model: a frame's RGB image, its thumbnail and its scribble layer.
 * Each is encoded once and kept in a small LRU cache (scribbles per annotation version).
 */
final class FrameImages {
  /** Width of thumbnails in pixels. */
  static final int THUMB_WIDTH = 160;

  private final LabelSession session;
  private final Lru<Integer, byte[]> rgb = new Lru<>(12);
  private final Lru<Integer, byte[]> thumbs = new Lru<>(4096);
  private final Lru<Integer, Versioned> scribbles = new Lru<>(32);

  private record Versioned(long version, long classesVersion, byte[] png) {}

  FrameImages(LabelSession session) {
    this.session = session;
  }

  byte[] rgb(int frame) throws IOException {
    byte[] png = rgb.get(frame);
    if (png == null) {
      png = Png.rgb(session.scene().frame(frame).rgb());
      rgb.put(frame, png);
    }
    return png;
  }

  byte[] thumbnail(int frame) throws IOException {
    byte[] png = thumbs.get(frame);
    if (png == null) {
      RgbImage img = session.scene().frame(frame).rgb();
      png = Png.rgb(Png.shrink(img, THUMB_WIDTH));
      thumbs.put(frame, png);
    }
    return png;
  }

  /**
   * The scribbles of {@code frame} as an RGBA PNG at image size: class colours, opaque, transparent
   * where unlabelled. {@code version} must be read before calling, so the content is at least that
   * new.
   */
  byte[] scribbles(int frame, long version, long classesVersion, int[] palette) {
    Versioned v = scribbles.get(frame);
    if (v != null && v.version == version && v.classesVersion == classesVersion) {
      return v.png;
    }
    LabelImage l = session.scribbles(frame);
    byte[] png = Png.classes(l.width(), l.height(), l.labels(), palette);
    scribbles.put(frame, new Versioned(version, classesVersion, png));
    return png;
  }

  /** A synchronised access-order LRU map. */
  private static final class Lru<K, V> {
    private final LinkedHashMap<K, V> map;

    Lru(int capacity) {
      this.map = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
          return size() > capacity;
        }
      };
    }

    synchronized V get(K k) {
      return map.get(k);
    }

    synchronized void put(K k, V v) {
      map.put(k, v);
    }
  }
}
