package io.github.bakefeature.core.export;

import io.github.bakefeature.api.scene.LabelImage;
import java.util.Arrays;

/**
 * Connected regions of equal class in a label image, and the clean-up of the paper's tool: keep the
 * {@code n} largest regions of every class and give each removed region the class that surrounds it
 * (the majority class of the pixels just outside its border, counted with the same connectivity;
 * ties go to the lower class id). A removed region touching only other removed regions is filled
 * once they are, in later passes; one touching nothing it may join (only unknown pixels or the image
 * edge) keeps its class. Unknown pixels ({@code id < 0}) form no region and are never changed.
 *
 * <p>Union-find with path halving over primitive arrays; instances keep their scratch buffers
 * between calls (not thread-safe; use one per thread).
 */
public final class ConnectedComponents {
  /** Which neighbours touch a pixel. */
  public enum Connectivity {
    /** Left, right, up, down. */
    FOUR,
    /** The four plus the diagonals. */
    EIGHT;

    /** 4 or 8. */
    public static Connectivity of(int n) {
      return switch (n) {
        case 4 -> FOUR;
        case 8 -> EIGHT;
        default -> throw new IllegalArgumentException("connectivity must be 4 or 8, found " + n);
      };
    }
  }

  private static final int[] DX8 = {-1, 0, 1, -1, 1, -1, 0, 1};
  private static final int[] DY8 = {-1, -1, -1, 0, 0, 1, 1, 1};
  private static final int[] DX4 = {0, -1, 1, 0};
  private static final int[] DY4 = {-1, 0, 0, 1};

  private final Connectivity connectivity;
  private int[] parent = new int[0];
  private int[] component = new int[0];
  private int[] sizes = new int[0];
  private int[] classOf = new int[0];
  private int count;

  public ConnectedComponents(Connectivity connectivity) {
    this.connectivity = connectivity;
  }

  /**
   * Labels the regions of {@code labels} ({@code width x height}, row-major); ids are assigned in
   * raster order of each region's first pixel.
   *
   * @return the number of regions
   */
  public int label(short[] labels, int width, int height) {
    int n = width * height;
    if (labels.length != n) {
      throw new IllegalArgumentException("expected " + n + " labels for " + width + "x" + height + ", found " + labels.length);
    }
    if (parent.length < n) {
      parent = new int[n];
      component = new int[n];
    }
    boolean eight = connectivity == Connectivity.EIGHT;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = y * width + x;
        parent[p] = p;
        int c = labels[p];
        if (c < 0) {
          continue;
        }
        if (x > 0 && labels[p - 1] == c) {
          union(p, p - 1);
        }
        if (y > 0) {
          int up = p - width;
          if (labels[up] == c) {
            union(p, up);
          }
          if (eight) {
            if (x > 0 && labels[up - 1] == c) {
              union(p, up - 1);
            }
            if (x + 1 < width && labels[up + 1] == c) {
              union(p, up + 1);
            }
          }
        }
      }
    }
    // A root is the smallest index of its set (see union), so it comes first in raster order and
    // every later pixel of the region finds its root's id already assigned.
    int next = 0;
    for (int p = 0; p < n; p++) {
      if (labels[p] < 0) {
        component[p] = -1;
        continue;
      }
      int r = find(p);
      component[p] = r == p ? next++ : component[r];
    }
    if (sizes.length < next) {
      sizes = new int[Math.max(next, 2 * sizes.length)];
      classOf = new int[sizes.length];
    }
    Arrays.fill(sizes, 0, next, 0);
    for (int p = 0; p < n; p++) {
      int id = component[p];
      if (id >= 0) {
        sizes[id]++;
        classOf[id] = labels[p];
      }
    }
    count = next;
    return next;
  }

  private int find(int p) {
    while (parent[p] != p) {
      parent[p] = parent[parent[p]];
      p = parent[p];
    }
    return p;
  }

  private void union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra == rb) {
      return;
    }
    // The smaller index becomes the root, so a root is always its region's first pixel.
    if (ra < rb) {
      parent[rb] = ra;
    } else {
      parent[ra] = rb;
    }
  }

  /** Regions found by the last {@link #label} call. */
  public int count() {
    return count;
  }

  /** Region id of pixel {@code p} after {@link #label}, or -1 for unknown pixels. */
  public int componentOf(int p) {
    return component[p];
  }

  /** Pixels in region {@code id}. */
  public int size(int id) {
    return sizes[id];
  }

  /** Class of region {@code id}. */
  public int classOf(int id) {
    return classOf[id];
  }

  /**
   * {@code image} with at most {@code keep} regions per class: smaller regions take the class that
   * surrounds them (see the class comment).
   *
   * @param keep regions to keep per class, at least 1
   */
  public static LabelImage keepLargest(LabelImage image, int keep, Connectivity connectivity) {
    short[] out = image.labels().clone();
    new ConnectedComponents(connectivity).keepLargest(out, image.width(), image.height(), keep);
    return new LabelImage(image.width(), image.height(), out);
  }

  /**
   * In-place version of {@link #keepLargest(LabelImage, int, Connectivity)}.
   *
   * @return the number of pixels whose class changed
   */
  public int keepLargest(short[] labels, int width, int height, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("components to keep per class must be >= 1, found " + keep);
    }
    int regions = label(labels, width, height);
    if (regions == 0) {
      return 0;
    }
    int maxClass = 0;
    for (int i = 0; i < regions; i++) {
      maxClass = Math.max(maxClass, classOf[i]);
    }
    int classes = maxClass + 1;
    // Regions grouped by class (counting sort, ascending id within a class).
    int[] classStart = new int[classes + 1];
    for (int i = 0; i < regions; i++) {
      classStart[classOf[i] + 1]++;
    }
    for (int c = 0; c < classes; c++) {
      classStart[c + 1] += classStart[c];
    }
    int[] byClass = new int[regions];
    int[] fill = classStart.clone();
    for (int i = 0; i < regions; i++) {
      byClass[fill[classOf[i]]++] = i;
    }
    boolean[] removed = new boolean[regions];
    int removedCount = 0;
    int[] tmp = new int[0];
    for (int c = 0; c < classes; c++) {
      int a = classStart[c];
      int b = classStart[c + 1];
      int m = b - a;
      if (m <= keep) {
        continue;
      }
      if (tmp.length < m) {
        tmp = new int[m];
      }
      for (int k = 0; k < m; k++) {
        tmp[k] = sizes[byClass[a + k]];
      }
      Arrays.sort(tmp, 0, m);
      int threshold = tmp[m - keep];
      int larger = 0;
      for (int k = 0; k < m; k++) {
        if (tmp[k] > threshold) {
          larger++;
        }
      }
      int tiesKept = keep - larger; // regions of exactly the threshold size, kept in raster order
      for (int k = a; k < b; k++) {
        int id = byClass[k];
        int s = sizes[id];
        if (s > threshold) {
          continue;
        }
        if (s == threshold && tiesKept > 0) {
          tiesKept--;
          continue;
        }
        removed[id] = true;
        removedCount++;
      }
    }
    if (removedCount == 0) {
      return 0;
    }
    // Pixels of each region (counting sort by region id).
    int n = width * height;
    int[] start = new int[regions + 1];
    for (int p = 0; p < n; p++) {
      int id = component[p];
      if (id >= 0) {
        start[id + 1]++;
      }
    }
    for (int i = 0; i < regions; i++) {
      start[i + 1] += start[i];
    }
    int[] pixels = new int[start[regions]];
    int[] cursor = Arrays.copyOf(start, regions);
    for (int p = 0; p < n; p++) {
      int id = component[p];
      if (id >= 0) {
        pixels[cursor[id]++] = p;
      }
    }
    int[] dx = connectivity == Connectivity.EIGHT ? DX8 : DX4;
    int[] dy = connectivity == Connectivity.EIGHT ? DY8 : DY4;
    int[] votes = new int[classes];
    int[] touched = new int[classes];
    int[] newClass = new int[regions];
    int[] assigned = new int[regions];
    int changed = 0;
    boolean progress = true;
    while (removedCount > 0 && progress) {
      progress = false;
      int nAssigned = 0;
      for (int id = 0; id < regions; id++) {
        if (!removed[id]) {
          continue;
        }
        int nTouched = 0;
        for (int k = start[id]; k < start[id + 1]; k++) {
          int p = pixels[k];
          int x = p % width;
          int y = p / width;
          for (int j = 0; j < dx.length; j++) {
            int qx = x + dx[j];
            int qy = y + dy[j];
            if (qx < 0 || qy < 0 || qx >= width || qy >= height) {
              continue;
            }
            int other = component[qy * width + qx];
            if (other < 0 || other == id || removed[other]) {
              continue;
            }
            int c = classOf[other];
            if (votes[c]++ == 0) {
              touched[nTouched++] = c;
            }
          }
        }
        if (nTouched == 0) {
          continue;
        }
        int best = -1;
        for (int t = 0; t < nTouched; t++) {
          int c = touched[t];
          if (best < 0 || votes[c] > votes[best] || (votes[c] == votes[best] && c < best)) {
            best = c;
          }
        }
        for (int t = 0; t < nTouched; t++) {
          votes[touched[t]] = 0;
        }
        newClass[id] = best;
        assigned[nAssigned++] = id;
      }
      // Apply after the pass, so the result does not depend on the order regions are visited in.
      for (int k = 0; k < nAssigned; k++) {
        int id = assigned[k];
        removed[id] = false;
        removedCount--;
        progress = true;
        int c = newClass[id];
        if (c != classOf[id]) {
          classOf[id] = c;
          for (int q = start[id]; q < start[id + 1]; q++) {
            labels[pixels[q]] = (short) c;
          }
          changed += start[id + 1] - start[id];
        }
      }
    }
    return changed;
  }
}
