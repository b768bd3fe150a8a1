package io.github.bakefeature.api.annotation;

import java.util.Objects;

/**
 * A semantic class: its id (index in the session's class list, {@code 0..C-1}), a display name
 * and a display colour packed as {@code 0xRRGGBB}.
 */
public record SemanticClass(int id, String name, int colour) {

  public SemanticClass {
    if (id < 0) {
      throw new IllegalArgumentException("class id must be >= 0, found " + id);
    }
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("class name must not be blank (class " + id + ")");
    }
    if ((colour & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException(
          String.format("colour must be 0xRRGGBB, found 0x%X (class %d)", colour, id));
    }
  }

  public SemanticClass withName(String newName) {
    return new SemanticClass(id, newName, colour);
  }

  public SemanticClass withColour(int newColour) {
    return new SemanticClass(id, name, newColour);
  }

  /** Colour as {@code #rrggbb}. */
  public String hexColour() {
    return String.format("#%06x", colour);
  }
}
