package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.Aabb;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The geometry, materials, classes and lighting of a synthetic scene. World coordinates are
 * metres, {@code +y} up. Light: one point light with shadows, a diffuse (Lambertian,
 * view-independent) term and a constant-plus-hemisphere ambient term.
 *
 * <p>Immutable and thread-safe; tracing allocates nothing (callers pass a {@link Hit}).
 */
public final class World {
  private final List<String> classNames;
  private final SceneObject[] objects;
  private final Primitive[] primitives;
  private final double[] light;
  private final double ambient;
  private final double diffuse;
  private final Aabb bounds;

  private World(Builder b) {
    this.classNames = List.copyOf(b.classNames);
    this.objects = b.objects.toArray(new SceneObject[0]);
    List<Primitive> all = new ArrayList<>();
    for (SceneObject o : objects) {
      for (Primitive p : o.prims) {
        p.setIndex(all.size());
        all.add(p);
      }
    }
    this.primitives = all.toArray(new Primitive[0]);
    this.light = b.light.clone();
    this.ambient = b.ambient;
    this.diffuse = b.diffuse;
    double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (Primitive p : primitives) {
      double[] pb = p.bounds();
      for (int a = 0; a < 3; a++) {
        box[a] = Math.min(box[a], pb[a]);
        box[a + 3] = Math.max(box[a + 3], pb[a + 3]);
      }
    }
    this.bounds = new Aabb(box[0], box[1], box[2], box[3], box[4], box[5]);
  }

  public static Builder builder(List<String> classNames) {
    return new Builder(classNames);
  }

  /** Class names; class id = index. */
  public List<String> classNames() {
    return classNames;
  }

  /** The objects, instance id = index. */
  public List<SceneObject> objects() {
    return List.of(objects);
  }

  /** Primitive with the given index ({@link Primitive#index()}). */
  public Primitive primitive(int index) {
    return primitives[index];
  }

  /** Number of primitives. */
  public int primitiveCount() {
    return primitives.length;
  }

  /** Tight bounds of all geometry (unpadded, metres). */
  public Aabb geometryBounds() {
    return bounds;
  }

  /** Position of the point light, written to {@code out[0..2]}. */
  public void light(double[] out) {
    out[0] = light[0];
    out[1] = light[1];
    out[2] = light[2];
  }

  /** Ambient light fraction. */
  public double ambient() {
    return ambient;
  }

  /** Diffuse (direct light) strength. */
  public double diffuse() {
    return diffuse;
  }

  /** Whether surface id ({@link Hit#surfaceId()}) lies on a plane. */
  public boolean isPlanarSurface(int surfaceId) {
    return surfaceId >= 0 && primitives[surfaceId / Primitive.PARTS].isPlanar(surfaceId % Primitive.PARTS);
  }

  /**
   * Finds the closest hit of the ray {@code o + t d} with {@code tMin < t < tMax}.
   *
   * @return whether something was hit; {@code hit} holds it
   */
  public boolean intersect(double ox, double oy, double oz, double dx, double dy, double dz,
                           double tMin, double tMax, Hit hit) {
    hit.reset();
    hit.t = tMax;
    // Zero components become tiny ones, so the slab arithmetic never forms 0 * inf = NaN.
    double ix = 1.0 / (dx == 0 ? 1e-300 : dx);
    double iy = 1.0 / (dy == 0 ? 1e-300 : dy);
    double iz = 1.0 / (dz == 0 ? 1e-300 : dz);
    for (SceneObject obj : objects) {
      double[] b = obj.box;
      if (!slab(b, ox, oy, oz, ix, iy, iz, tMin, hit.t)) {
        continue;
      }
      for (Primitive p : obj.prims) {
        p.intersect(ox, oy, oz, dx, dy, dz, tMin, hit);
      }
    }
    return hit.primitive != null;
  }

  /**
   * Whether anything blocks the segment {@code o + t d}, {@code tMin < t < tMax} (shadow rays).
   *
   * @param scratch a hit record this call may overwrite
   */
  public boolean occluded(double ox, double oy, double oz, double dx, double dy, double dz,
                          double tMin, double tMax, Hit scratch) {
    double ix = 1.0 / (dx == 0 ? 1e-300 : dx);
    double iy = 1.0 / (dy == 0 ? 1e-300 : dy);
    double iz = 1.0 / (dz == 0 ? 1e-300 : dz);
    for (SceneObject obj : objects) {
      if (!slab(obj.box, ox, oy, oz, ix, iy, iz, tMin, tMax)) {
        continue;
      }
      for (Primitive p : obj.prims) {
        scratch.reset();
        scratch.t = tMax;
        if (p.intersect(ox, oy, oz, dx, dy, dz, tMin, scratch)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean slab(double[] b, double ox, double oy, double oz, double ix, double iy, double iz,
                              double tMin, double tMax) {
    double t0 = (b[0] - ox) * ix;
    double t1 = (b[3] - ox) * ix;
    double near = Math.min(t0, t1);
    double far = Math.max(t0, t1);
    t0 = (b[1] - oy) * iy;
    t1 = (b[4] - oy) * iy;
    near = Math.max(near, Math.min(t0, t1));
    far = Math.min(far, Math.max(t0, t1));
    t0 = (b[2] - oz) * iz;
    t1 = (b[5] - oz) * iz;
    near = Math.max(near, Math.min(t0, t1));
    far = Math.min(far, Math.max(t0, t1));
    return near <= far && far > tMin && near < tMax;
  }

  /** Assembles a world object by object. */
  public static final class Builder {
    private final List<String> classNames;
    private final List<SceneObject> objects = new ArrayList<>();
    private double[] light = {0, 2.5, 0};
    private double ambient = 0.35;
    private double diffuse = 0.75;

    private Builder(List<String> classNames) {
      if (classNames == null || classNames.isEmpty()) {
        throw new IllegalArgumentException("a world needs at least one class name");
      }
      this.classNames = List.copyOf(classNames);
    }

    /** Position of the point light (metres). */
    public Builder optLight(double x, double y, double z) {
      this.light = new double[] {x, y, z};
      return this;
    }

    /** Ambient fraction in {@code [0, 1]} (default 0.35). */
    public Builder optAmbient(double a) {
      if (!(a >= 0 && a <= 1)) {
        throw new IllegalArgumentException("ambient must be in [0, 1], found " + a);
      }
      this.ambient = a;
      return this;
    }

    /** Strength of the direct light (default 0.75). */
    public Builder optDiffuse(double d) {
      if (!(d >= 0 && d <= 2)) {
        throw new IllegalArgumentException("diffuse must be in [0, 2], found " + d);
      }
      this.diffuse = d;
      return this;
    }

    /** Starts a new object of class {@code classId}; add its primitives through the returned builder. */
    public ObjectBuilder object(String name, int classId) {
      if (classId < 0 || classId >= classNames.size()) {
        throw new IllegalArgumentException("class id must be in [0, " + classNames.size() + "), found " + classId);
      }
      return new ObjectBuilder(this, Objects.requireNonNull(name, "name"), classId, objects.size());
    }

    public World build() {
      if (objects.isEmpty()) {
        throw new IllegalArgumentException("a world needs at least one object");
      }
      return new World(this);
    }
  }

  /** Collects the primitives of one object; {@link #done()} adds it to the world. */
  public static final class ObjectBuilder {
    private final Builder parent;
    private final String name;
    private final int classId;
    private final int instanceId;
    private final List<Primitive> prims = new ArrayList<>();
    private boolean done;

    private ObjectBuilder(Builder parent, String name, int classId, int instanceId) {
      this.parent = parent;
      this.name = name;
      this.classId = classId;
      this.instanceId = instanceId;
    }

    public ObjectBuilder box(Placement p, double halfX, double halfY, double halfZ, Texture t) {
      prims.add(new Box(p, halfX, halfY, halfZ, classId, instanceId, t));
      return this;
    }

    public ObjectBuilder sphere(Placement p, double radius, Texture t) {
      prims.add(new Sphere(p, radius, classId, instanceId, t));
      return this;
    }

    public ObjectBuilder frustum(Placement p, double halfHeight, double bottomRadius, double topRadius, Texture t) {
      prims.add(new Frustum(p, halfHeight, bottomRadius, topRadius, classId, instanceId, t));
      return this;
    }

    public ObjectBuilder quad(Placement p, double halfX, double halfZ, Texture t) {
      prims.add(new Quad(p, halfX, halfZ, classId, instanceId, t));
      return this;
    }

    /** Adds the object to the world and returns the world builder. */
    public Builder done() {
      if (done) {
        throw new IllegalStateException("object '" + name + "' was already added");
      }
      done = true;
      parent.objects.add(new SceneObject(name, classId, instanceId, prims));
      return parent;
    }
  }
}
