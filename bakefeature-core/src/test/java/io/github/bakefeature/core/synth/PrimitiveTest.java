package io.github.bakefeature.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrimitiveTest {
  private static final Texture GREY = Textures.solid(new double[] {0.5, 0.5, 0.5});
  private static final double EPS = 1e-12;

  private static Hit fresh() {
    Hit h = new Hit();
    h.reset();
    return h;
  }

  @Test
  void sphereHitIsAtTheNearSurfaceWithOutwardNormal() {
    Sphere s = new Sphere(Placement.at(0, 0, 5), 1, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(s.intersect(0, 0, 0, 0, 0, 1, 0, h));
    assertEquals(4, h.t, EPS);
    assertEquals(-1, h.nz, EPS);
    assertSame(s, h.primitive);
  }

  @Test
  void unnormalisedDirectionScalesTheRayParameter() {
    Sphere s = new Sphere(Placement.at(0, 0, 5), 1, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(s.intersect(0, 0, 0, 0, 0, 2, 0, h));
    assertEquals(2, h.t, EPS);
  }

  @Test
  void rayStartingInsideSphereHitsTheFarSide() {
    Sphere s = new Sphere(Placement.at(0, 0, 0), 2, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(s.intersect(0, 0, 0, 1, 0, 0, 1e-9, h));
    assertEquals(2, h.t, EPS);
  }

  @Test
  void missesAndFartherHitsLeaveTheHitUntouched() {
    Sphere s = new Sphere(Placement.at(0, 0, 5), 1, 0, 0, GREY);
    Hit h = fresh();
    assertFalse(s.intersect(0, 2, 0, 0, 0, 1, 0, h));
    h.t = 3.5;
    assertFalse(s.intersect(0, 0, 0, 0, 0, 1, 0, h));
    assertEquals(3.5, h.t);
  }

  @Test
  void orientedBoxHitsTheRotatedFace() {
    // A unit cube turned 45 degrees about y: seen from the origin, a vertical edge points at the
    // camera; a ray 0.1 m to its right meets the face whose outward normal is local +x.
    Box b = new Box(Placement.yawed(0, 0, 3, Math.PI / 4), 0.5, 0.5, 0.5, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(b.intersect(0.1, 0, 0, 0, 0, 1, 0, h));
    // Corner at z = 3 - sqrt(0.5); the face through it is inclined 45 degrees: z = 3 - sqrt(0.5) + |x|.
    assertEquals(3 - Math.sqrt(0.5) + 0.1, h.t, 1e-12);
    assertEquals(0.5, h.lx, 1e-12);
    assertEquals(1, h.part);
    double n = Math.sqrt(0.5);
    assertEquals(n, h.nx, 1e-12);
    assertEquals(-n, h.nz, 1e-12);
  }

  @Test
  void axisAlignedBoxFromInsideLeavesThroughFarFace() {
    Box b = new Box(Placement.at(0, 0, 0), 1, 2, 3, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(b.intersect(0, 0, 0, 0, 1, 0, 1e-9, h));
    assertEquals(2, h.t, EPS);
    assertEquals(1, h.ny, EPS);
    assertEquals(3, h.part);
  }

  @Test
  void cylinderSideAndCapsAreExact() {
    Frustum c = new Frustum(Placement.at(0, 1, 0), 0.5, 0.25, 0.25, 0, 0, GREY);
    Hit h = fresh();
    // Horizontal ray towards the side.
    assertTrue(c.intersect(-2, 1.2, 0, 1, 0, 0, 0, h));
    assertEquals(1.75, h.t, EPS);
    assertEquals(0, h.part);
    assertEquals(-1, h.nx, EPS);
    // Vertical ray down onto the top cap.
    h = fresh();
    assertTrue(c.intersect(0.1, 3, 0.1, 0, -1, 0, 0, h));
    assertEquals(1.5, h.t, EPS);
    assertEquals(2, h.part);
    assertEquals(1, h.ny, EPS);
    // Passing beside it misses.
    assertFalse(c.intersect(-2, 1.2, 0.3, 1, 0, 0, 0, fresh()));
  }

  @Test
  void coneSideFollowsTheLinearRadius() {
    // Radius 0.5 at y = 0 shrinking to 0.1 at y = 2 (centre y = 1, half height 1).
    Frustum c = new Frustum(Placement.at(0, 1, 0), 1, 0.5, 0.1, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(c.intersect(-3, 1, 0, 1, 0, 0, 0, h));
    // At y = 1 the radius is 0.3.
    assertEquals(2.7, h.t, 1e-12);
    // Normal tilts upwards on a cone narrowing towards +y.
    assertTrue(h.ny > 0);
    assertEquals(1, h.nx * h.nx + h.ny * h.ny + h.nz * h.nz, 1e-12);
  }

  @Test
  void quadIsTwoSidedAndBounded() {
    Quad q = new Quad(Placement.at(0, 0, 0), 1, 2, 0, 0, GREY);
    Hit h = fresh();
    assertTrue(q.intersect(0.5, 3, -1.5, 0, -1, 0, 0, h));
    assertEquals(3, h.t, EPS);
    h = fresh();
    assertTrue(q.intersect(0.5, -3, -1.5, 0, 2, 0, 0, h));
    assertEquals(1.5, h.t, EPS);
    assertFalse(q.intersect(1.5, 3, 0, 0, -1, 0, 0, fresh()));
  }

  @Test
  void rejectsDegenerateShapesAndRotations() {
    assertThrows(IllegalArgumentException.class, () -> new Sphere(Placement.at(0, 0, 0), 0, 0, 0, GREY));
    assertThrows(IllegalArgumentException.class, () -> new Box(Placement.at(0, 0, 0), 1, -1, 1, 0, 0, GREY));
    assertThrows(IllegalArgumentException.class, () -> new Frustum(Placement.at(0, 0, 0), 1, 0, 0, 0, 0, GREY));
    assertThrows(IllegalArgumentException.class,
        () -> new Placement(0, 0, 0, new double[] {2, 0, 0, 0, 1, 0, 0, 0, 1}));
  }

  @Test
  void worldFindsTheClosestOfSeveralObjectsAndDetectsOcclusion() {
    World w = World.builder(java.util.List.of("a", "b"))
        .object("far", 0).sphere(Placement.at(0, 0, 10), 1, GREY).done()
        .object("near", 1).box(Placement.at(0, 0, 5), 0.5, 0.5, 0.5, GREY).done()
        .build();
    Hit h = new Hit();
    assertTrue(w.intersect(0, 0, 0, 0, 0, 1, 0, Double.POSITIVE_INFINITY, h));
    assertEquals(4.5, h.t, EPS);
    assertEquals(1, h.primitive.classId());
    assertEquals(1, h.primitive.instanceId());
    assertTrue(w.occluded(0, 0, 0, 0, 0, 1, 0, 20, new Hit()));
    assertFalse(w.occluded(0, 0, 0, 0, 0, 1, 0, 4, new Hit()));
    assertFalse(w.intersect(0, 3, 0, 0, 0, 1, 0, Double.POSITIVE_INFINITY, h));
  }
}
