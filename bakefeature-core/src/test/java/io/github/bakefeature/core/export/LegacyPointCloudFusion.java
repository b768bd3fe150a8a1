package io.github.bakefeature.core.export;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * The fusion of {@link PointCloudExporter} before it became streaming (commit 8192790), kept
 * verbatim as the reference the streaming one must reproduce byte for byte. It buffers one vote
 * (8 bytes) per kept pixel and picks majority classes by sorting them at the end.
 */
final class LegacyPointCloudFusion {
  private static final int AXIS_BITS = 21;
  private static final long AXIS_OFFSET = 1L << (AXIS_BITS - 1);

  private LegacyPointCloudFusion() {}

  /** The old {@code ex.fuse}: frames, cameras and voxel size from {@code ex}, its private settings passed in. */
  static LabelledPointCloud fuse(PointCloudExporter ex, int pixelStride, float minConfidence, ViewSource views,
      Scene scene, List<SemanticClass> legend) {
    double voxel = ex.voxelSize(scene);
    double ox = scene.bounds().minX();
    double oy = scene.bounds().minY();
    double oz = scene.bounds().minZ();
    Voxels acc = new Voxels();
    double[] cam = new double[3];
    double[] world = new double[3];
    EnumSet<RenderOutput> outs = EnumSet.of(RenderOutput.DEPTH, RenderOutput.COLOUR, RenderOutput.CLASSES);
    int[] fs = ex.frames(scene);
    CameraIntrinsics[] cameras = ex.cameras(scene);
    for (int i = 0; i < fs.length; i++) {
      int fi = fs[i];
      Frame f = scene.frame(fi);
      CameraIntrinsics k = cameras[i];
      RenderedView v = views.render(fi, k, outs);
      Pose pose = f.pose();
      int w = v.width();
      float[] depth = v.depth();
      float[] colour = v.colour();
      short[] cls = v.classes();
      float[] conf = v.confidence();
      for (int y = 0; y < v.height(); y += pixelStride) {
        for (int x = 0; x < w; x += pixelStride) {
          int p = y * w + x;
          float z = depth[p];
          if (!(z > 0) || !Float.isFinite(z) || !(conf[p] > 0) || conf[p] < minConfidence || cls[p] < 0) {
            continue;
          }
          cam[0] = (x - k.cx()) / k.fx() * z;
          cam[1] = (y - k.cy()) / k.fy() * z;
          cam[2] = z;
          pose.cameraToWorldPoint(cam[0], cam[1], cam[2], world);
          long ix = (long) Math.floor((world[0] - ox) / voxel) + AXIS_OFFSET;
          long iy = (long) Math.floor((world[1] - oy) / voxel) + AXIS_OFFSET;
          long iz = (long) Math.floor((world[2] - oz) / voxel) + AXIS_OFFSET;
          long limit = 1L << AXIS_BITS;
          if (ix < 0 || iy < 0 || iz < 0 || ix >= limit || iy >= limit || iz >= limit) {
            throw new IllegalArgumentException("voxel size " + voxel + " m is too small for this scene: more than "
                + limit + " voxels along an axis");
          }
          long key = ix << (2 * AXIS_BITS) | iy << AXIS_BITS | iz;
          acc.add(key, world, colour, 3 * p, cls[p], conf[p]);
        }
      }
    }
    return acc.toCloud(legend);
  }

  /** Per-voxel sums in growable primitive arrays, indexed through an open-addressing map. */
  private static final class Voxels {
    private long[] keys = new long[1 << 12];
    private int[] slots = new int[1 << 12];
    private int mask = keys.length - 1;
    private int size;
    private double[] sums = new double[7 * 1024];
    private int[] counts = new int[1024];
    private long[] votes = new long[4096];
    private int nVotes;

    Voxels() {
      Arrays.fill(keys, -1L);
    }

    void add(long key, double[] world, float[] colour, int c, int cls, float conf) {
      int v = slot(key);
      int o = 7 * v;
      sums[o] += world[0];
      sums[o + 1] += world[1];
      sums[o + 2] += world[2];
      sums[o + 3] += colour[c];
      sums[o + 4] += colour[c + 1];
      sums[o + 5] += colour[c + 2];
      sums[o + 6] += conf;
      counts[v]++;
      if (nVotes == votes.length) {
        votes = Arrays.copyOf(votes, votes.length * 2);
      }
      votes[nVotes++] = (long) v << 16 | (cls & 0xFFFF);
    }

    private int slot(long key) {
      int i = mix(key) & mask;
      while (true) {
        long k = keys[i];
        if (k == key) {
          return slots[i];
        }
        if (k == -1L) {
          break;
        }
        i = (i + 1) & mask;
      }
      int v = size++;
      keys[i] = key;
      slots[i] = v;
      if (counts.length == v) {
        counts = Arrays.copyOf(counts, v * 2);
        sums = Arrays.copyOf(sums, 7 * v * 2);
      }
      if (size * 2 > keys.length) {
        rehash();
      }
      return v;
    }

    private void rehash() {
      long[] ok = keys;
      int[] os = slots;
      keys = new long[ok.length * 2];
      slots = new int[ok.length * 2];
      Arrays.fill(keys, -1L);
      mask = keys.length - 1;
      for (int j = 0; j < ok.length; j++) {
        if (ok[j] != -1L) {
          int i = mix(ok[j]) & mask;
          while (keys[i] != -1L) {
            i = (i + 1) & mask;
          }
          keys[i] = ok[j];
          slots[i] = os[j];
        }
      }
    }

    private static int mix(long k) {
      long h = k * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }

    LabelledPointCloud toCloud(List<SemanticClass> legend) {
      int n = size;
      float[] pos = new float[3 * n];
      byte[] rgb = new byte[3 * n];
      short[] cls = new short[n];
      float[] conf = new float[n];
      for (int v = 0; v < n; v++) {
        double inv = 1.0 / counts[v];
        int o = 7 * v;
        for (int k = 0; k < 3; k++) {
          pos[3 * v + k] = (float) (sums[o + k] * inv);
          double c = Math.max(0, Math.min(1, sums[o + 3 + k] * inv));
          rgb[3 * v + k] = (byte) Math.round(c * 255);
        }
        conf[v] = (float) (sums[o + 6] * inv);
      }
      // Majority class: sorting (voxel, class) pairs groups each voxel's votes by class.
      Arrays.sort(votes, 0, nVotes);
      int i = 0;
      while (i < nVotes) {
        int v = (int) (votes[i] >>> 16);
        int best = -1;
        int bestCount = 0;
        while (i < nVotes && (int) (votes[i] >>> 16) == v) {
          int c = (int) (votes[i] & 0xFFFF);
          int run = 0;
          while (i < nVotes && votes[i] == ((long) v << 16 | c)) {
            run++;
            i++;
          }
          if (run > bestCount) { // strictly greater: ties keep the lower class id
            bestCount = run;
            best = c;
          }
        }
        cls[v] = (short) best;
      }
      return new LabelledPointCloud(n, pos, rgb, cls, conf, legend);
    }
  }

}
