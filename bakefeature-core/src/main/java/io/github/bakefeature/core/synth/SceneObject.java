package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.Aabb;
import java.util.List;

/**
 * One object instance of a {@link World}: a named group of primitives sharing a class and an
 * instance id, with the world-space box that bounds them (used to cull rays).
 */
public final class SceneObject {
  private final String name;
  private final int classId;
  private final int instanceId;
  private final List<Primitive> primitives;
  final Primitive[] prims;
  /** minX, minY, minZ, maxX, maxY, maxZ. */
  final double[] box;

  SceneObject(String name, int classId, int instanceId, List<Primitive> primitives) {
    if (primitives.isEmpty()) {
      throw new IllegalArgumentException("object '" + name + "' has no primitives");
    }
    this.name = name;
    this.classId = classId;
    this.instanceId = instanceId;
    this.primitives = List.copyOf(primitives);
    this.prims = primitives.toArray(new Primitive[0]);
    double[] b = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (Primitive p : prims) {
      double[] pb = p.bounds();
      for (int a = 0; a < 3; a++) {
        b[a] = Math.min(b[a], pb[a]);
        b[a + 3] = Math.max(b[a + 3], pb[a + 3]);
      }
    }
    // A hair of padding: flat objects (quads) get a non-empty slab and rounding never culls a hit.
    for (int a = 0; a < 3; a++) {
      b[a] -= 1e-7;
      b[a + 3] += 1e-7;
    }
    this.box = b;
  }

  /** Human-readable name, e.g. {@code "mug (striped)"}. */
  public String name() {
    return name;
  }

  /** Class id of every primitive of the object. */
  public int classId() {
    return classId;
  }

  /** Instance id, unique within the world (object order). */
  public int instanceId() {
    return instanceId;
  }

  /** The primitives, in the order they were added. */
  public List<Primitive> primitives() {
    return primitives;
  }

  /** World-space bounds of the object (conservative, metres). */
  public Aabb bounds() {
    return new Aabb(box[0], box[1], box[2], box[3], box[4], box[5]);
  }

  /** Whether the point lies inside the object's bounds grown by {@code margin} metres. */
  public boolean nearBounds(double x, double y, double z, double margin) {
    return x >= box[0] - margin && x <= box[3] + margin && y >= box[1] - margin && y <= box[4] + margin
        && z >= box[2] - margin && z <= box[5] + margin;
  }
}
