package io.github.bakefeature.core.io;

import java.util.Locale;
import java.util.function.Function;

/**
 * Parses the command-line and file names of enum constants ({@code ours}, {@code damped},
 * {@code depth}, ...), case-insensitively, with a message that lists the names accepted.
 */
public final class EnumIds {
  private EnumIds() {}

  /**
   * The constant of {@code type} whose {@code id} is {@code given} (ignoring case).
   *
   * @param what what the names name, for the message ("method", "semantic head")
   * @throws IllegalArgumentException "unknown method 'x': expected ours, snerf-freq or snerf-hg"
   */
  public static <E extends Enum<E>> E fromId(Class<E> type, Function<E, String> id, String what, String given) {
    E[] all = type.getEnumConstants();
    String wanted = given.toLowerCase(Locale.ROOT);
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < all.length; i++) {
      if (id.apply(all[i]).equals(wanted)) {
        return all[i];
      }
      names.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(id.apply(all[i]));
    }
    throw new IllegalArgumentException("unknown " + what + " '" + given + "': expected " + names);
  }
}
