package io.github.bakefeature.core.synth;

import static io.github.bakefeature.core.synth.Textures.checker;
import static io.github.bakefeature.core.synth.Textures.grain;
import static io.github.bakefeature.core.synth.Textures.noise;
import static io.github.bakefeature.core.synth.Textures.planks;
import static io.github.bakefeature.core.synth.Textures.rgb;
import static io.github.bakefeature.core.synth.Textures.shade;
import static io.github.bakefeature.core.synth.Textures.solid;
import static io.github.bakefeature.core.synth.Textures.stripes;
import static io.github.bakefeature.core.synth.Textures.wood;

import java.util.ArrayList;
import java.util.List;

/**
 * The procedural scenes of {@link Preset}. Sizes are metres; every random choice comes from the
 * seed through {@link SeededRandom}, within ranges that keep objects apart, inside the room and
 * away from the camera path.
 */
final class Presets {
  static final List<String> TABLETOP_CLASSES = List.of("background", "table", "mug", "bowl", "book", "ball");
  static final int T_BACKGROUND = 0;
  static final int T_TABLE = 1;
  static final int T_MUG = 2;
  static final int T_BOWL = 3;
  static final int T_BOOK = 4;
  static final int T_BALL = 5;

  static final List<String> ROOM_CLASSES = List.of(
      "floor", "wall", "ceiling", "rug", "sofa", "table", "chair", "cabinet", "lamp", "plant");
  static final int R_FLOOR = 0;
  static final int R_WALL = 1;
  static final int R_CEILING = 2;
  static final int R_RUG = 3;
  static final int R_SOFA = 4;
  static final int R_TABLE = 5;
  static final int R_CHAIR = 6;
  static final int R_CABINET = 7;
  static final int R_LAMP = 8;
  static final int R_PLANT = 9;

  /** A preset instance: the world, the camera path and the default horizontal field of view. */
  record Setup(World world, CameraPath path, double fovDegrees) {}

  private Presets() {}

  // ---- tabletop ---------------------------------------------------------------------------------

  static Setup tabletop(long seed) {
    SeededRandom r = new SeededRandom(SeededRandom.hash(seed, 0x7AB1E70FL, 1));
    int ts = (int) r.nextLong();
    double hxRoom = r.range(2.0, 2.4);
    double hzRoom = r.range(2.0, 2.4);
    double height = r.range(2.4, 2.7);
    World.Builder wb = World.builder(TABLETOP_CLASSES);

    double[] tileA = jitter(r, rgb(0xC9C3B6), 0.06);
    double[] tileB = jitter(r, rgb(0x9C978F), 0.06);
    Texture floor = grain(checker(tileA, tileB, 0.3), 0.12, 0.35, ts + 1);
    double[] plaster = jitter(r, PALE[r.nextInt(PALE.length)], 0.04);
    Texture wall = noise(plaster, shade(plaster, 0.9), 0.5, 2, ts + 2);
    Texture ceiling = grain(solid(rgb(0xEEEDE8)), 0.06, 0.8, ts + 3);
    roomShell(wb, hxRoom, hzRoom, height, T_BACKGROUND, T_BACKGROUND, T_BACKGROUND,
        floor, new Texture[] {wall, wall, wall, wall}, ceiling);

    // The table.
    double tx = r.range(-0.2, 0.2);
    double tz = r.range(-0.2, 0.2);
    double yaw = r.range(-0.35, 0.35);
    double thx = r.range(0.45, 0.6);
    double thz = r.range(0.32, 0.42);
    double top = r.range(0.72, 0.78);
    double[] woodLight = jitter(r, rgb(0xB07A48), 0.05);
    double[] woodDark = jitter(r, rgb(0x744A26), 0.05);
    Texture tableWood = wood(woodLight, woodDark, 0, 0, -0.4, 0.15, 0.08, 1.2, ts + 4);
    Texture legWood = wood(woodLight, woodDark, 1, 0.01, 0, 0.012, 0.02, 0.8, ts + 5);
    Frame2 tf = new Frame2(tx, tz, yaw);
    World.ObjectBuilder table = wb.object("table", T_TABLE)
        .box(tf.place(0, top - 0.015, 0), thx, 0.015, thz, tableWood);
    double legHalf = (top - 0.03) / 2;
    for (int sx = -1; sx <= 1; sx += 2) {
      for (int sz = -1; sz <= 1; sz += 2) {
        table.frustum(tf.place(sx * (thx - 0.06), legHalf, sz * (thz - 0.06)), legHalf, 0.022, 0.028, legWood);
      }
    }
    table.done();

    // Five objects on the table, placed without overlap in the table's frame.
    double[] footprint = {0.15, 0.1, 0.075, 0.075, 0.075};
    double[][] spots = placeApart(r, footprint, thx, thz);
    double cxSum = 0;
    double czSum = 0;
    double[] objYaw = new double[footprint.length];
    for (int i = 0; i < footprint.length; i++) {
      objYaw[i] = r.range(-Math.PI, Math.PI);
      cxSum += tf.x(spots[i][0], spots[i][1]);
      czSum += tf.z(spots[i][0], spots[i][1]);
    }
    // Book: cover in the table's wood colour (the pair that shares a dominant colour).
    double[] woodMid = mix(woodLight, woodDark, 0.5);
    Texture cover = noise(shade(woodMid, 0.92), shade(woodMid, 1.08), 0.03, 2, ts + 6);
    Texture pages = grain(solid(rgb(0xEDE6D3)), 0.08, 0.02, ts + 7);
    book(wb, tf.sub(spots[0][0], spots[0][1], objYaw[0]), top, r.range(0.1, 0.12), r.range(0.016, 0.022),
        r.range(0.075, 0.085), cover, pages);
    // Bowl: cream glaze, darker inside.
    double[] glaze = jitter(r, rgb(0xE4DCC8), 0.04);
    Frame2 bf = tf.sub(spots[1][0], spots[1][1], objYaw[1]);
    wb.object("bowl", T_BOWL)
        .frustum(bf.place(0, top + 0.035, 0), 0.035, 0.05, 0.09, noise(glaze, shade(glaze, 0.88), 0.05, 2, ts + 8))
        .frustum(bf.place(0, top + 0.0708, 0), 0.0008, 0.082, 0.082, solid(shade(glaze, 0.7)))
        .done();
    // Two mugs of one class with different textures: striped and plain.
    double[] blue = jitter(r, rgb(0x2F4FA8), 0.05);
    double[] white = rgb(0xECECE6);
    Texture striped = stripes(blue, white, 0, 1, 0, 0.035, 0.5);
    mug(wb, "mug (striped)", tf.sub(spots[2][0], spots[2][1], objYaw[2]), top, striped, solid(blue));
    double[] red = jitter(r, rgb(0xB8261E), 0.05);
    Texture plain = grain(solid(red), 0.06, 0.05, ts + 9);
    mug(wb, "mug (plain)", tf.sub(spots[3][0], spots[3][1], objYaw[3]), top, plain, solid(red));
    // Ball with a 3D checker.
    double br = r.range(0.055, 0.07);
    Frame2 ballF = tf.sub(spots[4][0], spots[4][1], 0);
    wb.object("ball", T_BALL)
        .sphere(Placement.rotated(ballF.x(0, 0), top + br, ballF.z(0, 0), r.range(-3, 3), r.range(-1, 1),
            r.range(-1, 1)), br, checker(rgb(0xF0C830), rgb(0x2E8B45), 0.04))
        .done();

    wb.optLight(tx + r.range(-0.9, 0.9), height - 0.25, tz + r.range(-0.9, 0.9));
    World world = wb.build();
    double n = footprint.length;
    CameraPath path = new CameraPath(tx, tz, 1.2, 1.2, 0.7, top + 0.3, top + 0.7,
        cxSum / n, top + 0.06, czSum / n, 0, 0, 0, 0.1, 0.04);
    return new Setup(world, path, 60);
  }

  private static void mug(World.Builder wb, String name, Frame2 f, double top, Texture body, Texture handle) {
    double r = 0.042;
    double hh = 0.05;
    double[] coffee = rgb(0x3B2416);
    wb.object(name, T_MUG)
        .frustum(f.place(0, top + hh, 0), hh, r * 0.93, r, body)
        .frustum(f.place(0, top + 2 * hh + 0.0008, 0), 0.0008, r - 0.005, r - 0.005, solid(coffee))
        // A square handle of three bars on the local +x side.
        .box(f.place(r + 0.024, top + hh, 0), 0.006, 0.03, 0.007, handle)
        .box(f.place(r + 0.008, top + hh + 0.024, 0), 0.016, 0.006, 0.007, handle)
        .box(f.place(r + 0.008, top + hh - 0.024, 0), 0.016, 0.006, 0.007, handle)
        .done();
  }

  private static void book(World.Builder wb, Frame2 f, double top, double hx, double hy, double hz,
                           Texture cover, Texture pages) {
    double c = 0.002;
    wb.object("book", T_BOOK)
        .box(f.place(0, top + c, 0), hx, c, hz, cover)
        .box(f.place(0, top + 2 * hy - c, 0), hx, c, hz, cover)
        .box(f.place(-hx + c, top + hy, 0), c, hy - 2 * c, hz, cover)
        .box(f.place(0.002, top + hy, 0), hx - 0.006, hy - 2 * c, hz - 0.004, pages)
        .done();
  }

  /** Positions (table frame) for discs of the given radii, at least 2 cm apart and off the edges. */
  private static double[][] placeApart(SeededRandom r, double[] radius, double hx, double hz) {
    double[][] out = new double[radius.length][2];
    for (int attempt = 0; ; attempt++) {
      boolean ok = true;
      for (int i = 0; i < radius.length && ok; i++) {
        double mx = hx - radius[i] - 0.03;
        double mz = hz - radius[i] - 0.03;
        boolean placed = false;
        for (int tries = 0; tries < 200 && !placed; tries++) {
          double x = r.range(-mx, mx);
          double z = r.range(-mz, mz);
          placed = true;
          for (int j = 0; j < i; j++) {
            double dx = x - out[j][0];
            double dz = z - out[j][1];
            if (dx * dx + dz * dz < sq(radius[i] + radius[j] + 0.02)) {
              placed = false;
              break;
            }
          }
          out[i][0] = x;
          out[i][1] = z;
        }
        ok = placed;
      }
      if (ok) {
        return out;
      }
      if (attempt > 100) {
        throw new IllegalStateException("cannot place " + radius.length + " objects on a "
            + 2 * hx + " x " + 2 * hz + " m table");
      }
    }
  }

  // ---- room -------------------------------------------------------------------------------------

  static Setup room(long seed) {
    SeededRandom r = new SeededRandom(SeededRandom.hash(seed, 0x800E0L, 2));
    int ts = (int) r.nextLong();
    double hxRoom = r.range(2.4, 2.9);
    double hzRoom = r.range(2.1, 2.6);
    double height = r.range(2.6, 2.9);
    World.Builder wb = World.builder(ROOM_CLASSES);

    Texture floor = planks(jitter(r, rgb(0xA89A86), 0.05), rgb(0x574C40), 0.16, 1.3, 0.12, 0.012, ts + 1);
    double[] plaster = jitter(r, PALE[r.nextInt(PALE.length)], 0.04);
    Texture wall = noise(plaster, shade(plaster, 0.9), 0.6, 2, ts + 2);
    double[] paperA = jitter(r, rgb(0x9DB4C0), 0.05);
    Texture paper = stripes(paperA, shade(paperA, 0.8), 1, 0, 0, 0.3, 0.5);
    Texture[] walls = {wall, wall, wall, wall};
    walls[r.nextInt(4)] = paper;
    Texture ceiling = grain(solid(rgb(0xF0EFEA)), 0.05, 0.8, ts + 3);
    roomShell(wb, hxRoom, hzRoom, height, R_FLOOR, R_WALL, R_CEILING, floor, walls, ceiling);

    // Dining table on a rug, near the centre.
    double tx = r.range(-0.3, 0.3);
    double tz = r.range(-0.25, 0.25);
    double yaw = (r.nextInt(2) * Math.PI / 2) + r.range(-0.15, 0.15);
    double thx = r.range(0.6, 0.75);
    double thz = r.range(0.4, 0.5);
    double top = r.range(0.74, 0.78);
    Frame2 tf = new Frame2(tx, tz, yaw);
    double rugTop = 0.008;
    double[] rugA = jitter(r, rgb(0x8C2A2A), 0.05);
    double[] rugB = jitter(r, rgb(0xD8C8A8), 0.04);
    Texture rugTex = r.nextInt(2) == 0
        ? grain(stripes(rugA, rugB, 1, 0, 0, 0.2, 0.5), 0.1, 0.05, ts + 4)
        : grain(checker(rugA, rugB, 0.18), 0.1, 0.05, ts + 4);
    Frame2 rugF = tf.sub(0, 0, r.range(-0.1, 0.1));
    wb.object("rug", R_RUG).box(rugF.place(0, rugTop / 2, 0), thx + 0.55, rugTop / 2, thz + 0.55, rugTex).done();

    double[] woodLight = jitter(r, rgb(0xB07A48), 0.05);
    double[] woodDark = jitter(r, rgb(0x744A26), 0.05);
    Texture tableWood = wood(woodLight, woodDark, 0, 0, -0.5, 0.2, 0.07, 1.2, ts + 5);
    Texture legWood = wood(woodLight, woodDark, 1, 0.01, 0, 0.012, 0.02, 0.8, ts + 6);
    World.ObjectBuilder table = wb.object("table", R_TABLE)
        .box(tf.place(0, top - 0.02, 0), thx, 0.02, thz, tableWood);
    double legHalf = (top - 0.04 - rugTop) / 2;
    for (int sx = -1; sx <= 1; sx += 2) {
      for (int sz = -1; sz <= 1; sz += 2) {
        table.box(tf.place(sx * (thx - 0.07), rugTop + legHalf, sz * (thz - 0.07)), 0.025, legHalf, 0.025, legWood);
      }
    }
    table.done();

    // Sofa, a wooden sideboard and a tall painted cabinet against three different walls; a lamp and
    // two plants in three different corners.
    int[] wallOrder = {0, 1, 2, 3};
    shuffle(r, wallOrder);
    int sofaWall = wallOrder[0];
    int sideboardWall = wallOrder[1];
    int tallWall = wallOrder[2];
    double[] fabric = jitter(r, rgb(0x56607E), 0.05);
    Texture sofaTex = noise(fabric, shade(fabric, 0.82), 0.06, 2, ts + 11);
    // At most 1.15 m from the wall's centre, so it stays clear of the corner objects.
    sofa(wb, wallFrame(sofaWall, hxRoom, hzRoom, r.range(-0.15, 0.15)), r.range(0.85, 1.0), sofaTex);
    Texture cabinetWood = wood(woodLight, woodDark, 1, 0.3, 0, -0.5, 0.05, 1.0, ts + 12);
    sideboard(wb, wallFrame(sideboardWall, hxRoom, hzRoom, r.range(-0.3, 0.3)), r.range(0.4, 0.55),
        r.range(0.4, 0.5), cabinetWood);
    double[] paint = jitter(r, PAINT[r.nextInt(PAINT.length)], 0.04);
    tallCabinet(wb, wallFrame(tallWall, hxRoom, hzRoom, r.range(-0.3, 0.3)), r.range(0.35, 0.45), r.range(0.8, 0.95),
        grain(solid(paint), 0.08, 0.1, ts + 15), grain(solid(shade(paint, 0.9)), 0.08, 0.1, ts + 16));
    int[] cornerOrder = {0, 1, 2, 3};
    shuffle(r, cornerOrder);
    double inset = 0.45;
    double[][] corners = new double[3][];
    for (int c = 0; c < 3; c++) {
      corners[c] = new double[] {cornerX(cornerOrder[c], hxRoom, inset), cornerZ(cornerOrder[c], hzRoom, inset)};
    }
    lamp(wb, corners[0][0], corners[0][1], ts + 13);
    plant(wb, r, "plant (tall)", corners[1][0], corners[1][1], 1.0, ts + 14);
    plant(wb, r, "plant (small)", corners[2][0], corners[2][1], 0.7, ts + 17);

    // Chairs around the table, in slots clear of the furniture at the walls; each instance has its
    // own upholstery.
    Texture[] upholstery = {
        grain(checker(rgb(0xB03A2E), rgb(0xE8E0D0), 0.07), 0.08, 0.05, ts + 7),
        grain(solid(jitter(r, rgb(0x2F6B4F), 0.05)), 0.1, 0.08, ts + 8),
        stripes(rgb(0x2C4A8C), rgb(0xDADFE8), 1, 0, 0, 0.08, 0.5),
        wood(woodLight, woodDark, 2, 0, 0.3, 0, 0.05, 1.0, ts + 9)};
    shuffle(r, upholstery);
    Texture frame = grain(solid(rgb(0x3A3430)), 0.1, 0.05, ts + 10);
    double[][] slots = {
        {-0.33, thz + 0.35, 0}, {0.33, thz + 0.35, 0}, {-0.33, -thz - 0.35, Math.PI}, {0.33, -thz - 0.35, Math.PI},
        {thx + 0.35, 0, Math.PI / 2}, {-thx - 0.35, 0, -Math.PI / 2}};
    shuffle(r, slots);
    int wanted = 2 + r.nextInt(3);
    double[] wallDepth = {0.1, 0.1, 0.1, 0.1};
    wallDepth[sofaWall] = 0.96;
    wallDepth[sideboardWall] = 0.53;
    wallDepth[tallWall] = 0.5;
    int placed = 0;
    for (int c = 0; c < slots.length && placed < wanted; c++) {
      Frame2 cf = tf.sub(slots[c][0], slots[c][1], slots[c][2] + r.range(-0.12, 0.12));
      if (!clear(cf.ox(), cf.oz(), 0.33, hxRoom, hzRoom, wallDepth, corners)) {
        continue;
      }
      placed++;
      chair(wb, "chair " + placed, cf, rugTop, upholstery[placed - 1], frame);
    }
    if (placed < 2) {
      throw new IllegalStateException("room preset: only " + placed + " chair(s) fit around the table");
    }

    wb.optLight(r.range(-0.6, 0.6), height - 0.3, r.range(-0.5, 0.5));
    wb.optAmbient(0.4);
    World world = wb.build();
    CameraPath path = new CameraPath(0, 0, hxRoom - 1.2, hzRoom - 1.2, 0.75, 1.3, 1.7,
        0, 0.8, 0, 1.8, Math.PI, 0.7, 0.25, 0.2);
    return new Setup(world, path, 75);
  }

  private static void chair(World.Builder wb, String name, Frame2 f, double floor, Texture seat, Texture frame) {
    double seatY = 0.45;
    double legHalf = (seatY - 0.025 - floor) / 2;
    World.ObjectBuilder o = wb.object(name, R_CHAIR)
        .box(f.place(0, seatY, 0), 0.21, 0.025, 0.21, seat)
        .box(f.place(0, seatY + 0.025 + 0.22, 0.19), 0.21, 0.22, 0.02, seat);
    for (int sx = -1; sx <= 1; sx += 2) {
      for (int sz = -1; sz <= 1; sz += 2) {
        o.box(f.place(sx * 0.18, floor + legHalf, sz * 0.18), 0.018, legHalf, 0.018, frame);
      }
    }
    o.done();
  }

  /** Sofa in a wall frame (x along the wall, z into the room from the wall). */
  private static void sofa(World.Builder wb, Frame2 f, double halfLength, Texture fabric) {
    double l = halfLength;
    wb.object("sofa", R_SOFA)
        .box(f.place(0, 0.225, 0.49), l - 0.12, 0.225, 0.45, fabric)
        .box(f.place(0, 0.5, 0.15), l - 0.12, 0.35, 0.12, fabric)
        .box(f.place(l - 0.06, 0.32, 0.49), 0.06, 0.32, 0.45, fabric)
        .box(f.place(-l + 0.06, 0.32, 0.49), 0.06, 0.32, 0.45, fabric)
        .done();
  }

  /** A low chest of three drawers in a wall frame. */
  private static void sideboard(World.Builder wb, Frame2 f, double halfWidth, double halfHeight, Texture wood) {
    double depth = 0.22;
    double front = 0.03 + 2 * depth;
    Texture metal = solid(rgb(0x2B2B2E));
    World.ObjectBuilder o = wb.object("cabinet (sideboard)", R_CABINET)
        .box(f.place(0, halfHeight, 0.03 + depth), halfWidth, halfHeight, depth, wood);
    int drawers = 3;
    double dh = 2 * halfHeight / drawers;
    for (int k = 0; k < drawers; k++) {
      double y = dh * (k + 0.5);
      o.box(f.place(0, y, front + 0.008), halfWidth - 0.03, dh / 2 - 0.015, 0.008, wood);
      o.box(f.place(0, y, front + 0.026), 0.07, 0.01, 0.01, metal);
    }
    o.done();
  }

  /** A tall two-door cupboard in a wall frame. */
  private static void tallCabinet(World.Builder wb, Frame2 f, double halfWidth, double halfHeight, Texture body,
                                  Texture doors) {
    double depth = 0.2;
    double front = 0.03 + 2 * depth;
    Texture metal = solid(rgb(0x2B2B2E));
    double doorHalf = halfWidth / 2 - 0.02;
    wb.object("cabinet (tall)", R_CABINET)
        .box(f.place(0, halfHeight, 0.03 + depth), halfWidth, halfHeight, depth, body)
        .box(f.place(-halfWidth / 2, halfHeight + 0.02, front + 0.008), doorHalf, halfHeight - 0.06, 0.008, doors)
        .box(f.place(halfWidth / 2, halfHeight + 0.02, front + 0.008), doorHalf, halfHeight - 0.06, 0.008, doors)
        .box(f.place(-0.05, halfHeight * 1.1, front + 0.026), 0.01, 0.08, 0.01, metal)
        .box(f.place(0.05, halfHeight * 1.1, front + 0.026), 0.01, 0.08, 0.01, metal)
        .done();
  }

  private static void lamp(World.Builder wb, double x, double z, int ts) {
    Texture metal = grain(solid(rgb(0x34343A)), 0.1, 0.05, ts);
    double[] cloth = rgb(0xEBDDB5);
    wb.object("lamp", R_LAMP)
        .frustum(Placement.at(x, 0.015, z), 0.015, 0.16, 0.13, metal)
        .frustum(Placement.at(x, 0.03 + 0.66, z), 0.66, 0.014, 0.014, metal)
        .frustum(Placement.at(x, 1.52, z), 0.17, 0.27, 0.16, grain(solid(cloth), 0.1, 0.06, ts + 1))
        .done();
  }

  /** A potted plant at (x, z); {@code size} scales it (1 = about 1.2 m tall). */
  private static void plant(World.Builder wb, SeededRandom r, String name, double x, double z, double size,
                            int ts) {
    double[] clay = jitter(r, rgb(0xB5613D), 0.05);
    double[] leafA = jitter(r, rgb(0x2E7334), 0.05);
    double[] leafB = shade(leafA, 0.6);
    Texture leaves = noise(leafA, leafB, 0.07, 2, ts);
    double potHalf = 0.16 * size;
    World.ObjectBuilder o = wb.object(name, R_PLANT)
        .frustum(Placement.at(x, potHalf, z), potHalf, 0.13 * size, 0.17 * size, grain(solid(clay), 0.1, 0.05, ts + 1))
        .frustum(Placement.at(x, 2 * potHalf + 0.0008, z), 0.0008, 0.155 * size, 0.155 * size, solid(rgb(0x3D2B1F)));
    double y = 2 * potHalf;
    int balls = size >= 1 ? 3 : 2;
    for (int k = 0; k < balls; k++) {
      double rad = (r.range(0.24, 0.3) - 0.04 * k) * size;
      o.sphere(Placement.rotated(x + r.range(-0.06, 0.06), y + rad * 0.8, z + r.range(-0.06, 0.06),
          r.range(-3, 3), 0, 0), rad, leaves);
      y += rad * 0.9;
    }
    o.done();
  }

  // ---- shared helpers -----------------------------------------------------------------------------

  /** Paint colours of the tall cabinet. */
  private static final double[][] PAINT = {rgb(0xE3E1DA), rgb(0x7F9C8F), rgb(0x5C6F8A), rgb(0xC9B79C)};

  /** Pale wall colours. */
  private static final double[][] PALE = {rgb(0xD9D2C1), rgb(0xC9D6D3), rgb(0xD6CFC4), rgb(0xCBD2DC), rgb(0xDDD5BE)};

  /**
   * Floor, four walls and ceiling of the box {@code [-hx, hx] x [0, height] x [-hz, hz]}, each its
   * own object; walls in order x = -hx, x = +hx, z = -hz, z = +hz.
   */
  private static void roomShell(World.Builder wb, double hx, double hz, double height, int floorClass,
                                int wallClass, int ceilingClass, Texture floor, Texture[] walls, Texture ceiling) {
    wb.object("floor", floorClass).quad(Placement.at(0, 0, 0), hx, hz, floor).done();
    double[][] normals = {{1, 0, 0}, {-1, 0, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int w = 0; w < 4; w++) {
      double[] n = normals[w];
      // Local axes: y = inward normal, z = up, x = y cross z (right-handed).
      double ax = n[1] * 0 - n[2] * 1;
      double ay = n[2] * 0 - n[0] * 0;
      double az = n[0] * 1 - n[1] * 0;
      double[] rot = {ax, n[0], 0, ay, n[1], 1, az, n[2], 0};
      double half = n[0] != 0 ? hz : hx;
      Placement p = new Placement(-n[0] * hx, height / 2, -n[2] * hz, rot);
      wb.object("wall " + (w + 1), wallClass).quad(p, half, height / 2, walls[w]).done();
    }
    wb.object("ceiling", ceilingClass)
        .quad(new Placement(0, height, 0, new double[] {1, 0, 0, 0, -1, 0, 0, 0, -1}), hx, hz, ceiling).done();
  }

  /** Frame on wall {@code w} (order of {@link #roomShell}): x along the wall, z into the room. */
  private static Frame2 wallFrame(int w, double hx, double hz, double offset) {
    return switch (w) {
      case 0 -> new Frame2(-hx, 0, Math.PI / 2).sub(offset, 0, 0);
      case 1 -> new Frame2(hx, 0, -Math.PI / 2).sub(offset, 0, 0);
      case 2 -> new Frame2(0, -hz, 0).sub(offset, 0, 0);
      default -> new Frame2(0, hz, Math.PI).sub(offset, 0, 0);
    };
  }

  /** Whether a footprint disc at (x, z) keeps clear of the walls' furniture and the corner objects. */
  private static boolean clear(double x, double z, double radius, double hx, double hz, double[] wallDepth,
                               double[][] corners) {
    double[] distToWall = {x + hx, hx - x, z + hz, hz - z};
    for (int w = 0; w < 4; w++) {
      if (distToWall[w] < wallDepth[w] + radius) {
        return false;
      }
    }
    for (double[] c : corners) {
      double dx = x - c[0];
      double dz = z - c[1];
      if (Math.sqrt(dx * dx + dz * dz) < radius + 0.35) {
        return false;
      }
    }
    return true;
  }

  private static double cornerX(int c, double hx, double inset) {
    return (c & 1) == 0 ? -hx + inset : hx - inset;
  }

  private static double cornerZ(int c, double hz, double inset) {
    return (c & 2) == 0 ? -hz + inset : hz - inset;
  }

  private static double[] jitter(SeededRandom r, double[] c, double amount) {
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      out[i] = Textures.clamp01(c[i] * (1 + r.range(-amount, amount)));
    }
    return out;
  }

  private static double[] mix(double[] a, double[] b, double w) {
    return new double[] {a[0] + w * (b[0] - a[0]), a[1] + w * (b[1] - a[1]), a[2] + w * (b[2] - a[2])};
  }

  private static <T> void shuffle(SeededRandom r, T[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void shuffle(SeededRandom r, int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static double sq(double v) {
    return v * v;
  }

  /**
   * A horizontal frame: origin (x, z) on the floor plane, turned by {@code yaw} about +y. Maps
   * local (lx, ly, lz) to world and makes {@link Placement}s with the same yaw.
   */
  private record Frame2(double ox, double oz, double yaw) {
    double x(double lx, double lz) {
      return ox + StrictMath.cos(yaw) * lx + StrictMath.sin(yaw) * lz;
    }

    double z(double lx, double lz) {
      return oz - StrictMath.sin(yaw) * lx + StrictMath.cos(yaw) * lz;
    }

    Placement place(double lx, double y, double lz) {
      return Placement.yawed(x(lx, lz), y, z(lx, lz), yaw);
    }

    /** A frame at local (lx, lz) turned by a further {@code dyaw}. */
    Frame2 sub(double lx, double lz, double dyaw) {
      return new Frame2(x(lx, lz), z(lx, lz), yaw + dyaw);
    }
  }
}
