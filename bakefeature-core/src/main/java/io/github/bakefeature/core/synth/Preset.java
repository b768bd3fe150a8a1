package io.github.bakefeature.core.synth;

import java.util.List;
import java.util.Locale;

/**
 * The procedural scenes the generator can build. Each preset places its objects from the seed
 * within fixed ranges and defines a camera path around them.
 *
 * <ul>
 *   <li>{@link #TABLETOP}: a small room (floor tiles, plaster walls, ceiling; class
 *       {@code background}), a wooden table and five objects on it: two mugs (one striped, one
 *       plain red), a cream bowl, a book whose cover has the table's wood colour, and a checkered
 *       ball. Six classes: background, table, mug, bowl, book, ball.</li>
 *   <li>{@link #ROOM}: a living room like the Replica scenes: plank floor, plaster walls (one
 *       striped wallpaper), ceiling, a rug under a dining table, 2-4 chairs each with its own
 *       upholstery (checker, plain, stripes, wood), a sofa, a wooden sideboard in the table's wood
 *       colour and a tall painted cupboard (both {@code cabinet}), a floor lamp and two potted
 *       plants. Ten classes: floor, wall, ceiling, rug, sofa, table, chair, cabinet, lamp, plant.</li>
 * </ul>
 */
public enum Preset {
  TABLETOP("tabletop", Presets.TABLETOP_CLASSES),
  ROOM("room", Presets.ROOM_CLASSES);

  private final String id;
  private final List<String> classNames;

  Preset(String id, List<String> classNames) {
    this.id = id;
    this.classNames = classNames;
  }

  /** Lower-case name used on the command line. */
  public String id() {
    return id;
  }

  /** Class names of the preset (class id = index). */
  public List<String> classNames() {
    return classNames;
  }

  /**
   * The preset called {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the valid presets
   */
  public static Preset fromName(String name) {
    for (Preset p : values()) {
      if (p.id.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown preset '" + name + "', expected one of tabletop, room");
  }

  /** Builds the world and camera path for {@code seed}. */
  Presets.Setup build(long seed) {
    return switch (this) {
      case TABLETOP -> Presets.tabletop(seed);
      case ROOM -> Presets.room(seed);
    };
  }
}
