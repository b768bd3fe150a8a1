package io.github.bakefeature.core.scene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Seeded file mutations for the fuzz tests of the readers, and tree hashing to check that a load
 * wrote nothing it should not. Each mutation returns a one-line description, so a failure names
 * the input that caused it (seed, file, mutation) and can be replayed.
 */
public final class FuzzFiles {
  /** Numbers a text field must survive: non-finite, huge, negative, out of int and long range. */
  static final String[] EVIL_NUMBERS = {
      "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e999", "-1", "0", "-0", "2147483647", "2147483648",
      "-2147483649", "9223372036854775808", "99999999999999999999999", "1e-320", "4294967296", "65536"};
  /** JSON values a field must survive (of the wrong type, out of range, or NaN spelled as a string). */
  static final String[] EVIL_JSON = {
      "null", "[]", "{}", "\"\"", "\"NaN\"", "\"-Infinity\"", "true", "-1", "0", "1e400", "-1e400",
      "9223372036854775808", "2147483648", "1.5", "[[1e308, -1e308]]", "\"x\"", "[null]", "1e-400"};
  /** PNG sizes a header may claim. */
  static final int[] EVIL_DIMENSIONS = {0, 1, 65535, 65536, 100_000, 1 << 30, Integer.MAX_VALUE, -1, 8193};
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
  private static final Pattern JSON_VALUE = Pattern.compile(":\\s*(\"[^\"]*\"|-?\\d[\\d.eE+-]*|true|false|null)");

  private FuzzFiles() {}

  /** Regular files under {@code root}, sorted. */
  public static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Relative path of every file and folder under {@code root} -> SHA-256 of its content ("dir" for folders). */
  public static TreeMap<String, String> hashTree(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        out.put(rel, Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()));
        return FileVisitResult.CONTINUE;
      }
    });
  }

  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies one random mutation to {@code file} (which exists) and says what it did. */
  public static String mutate(Path file, SplittableRandom rnd) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean text = name.endsWith(".txt") || name.endsWith(".json") || name.endsWith(".tsv");
    boolean json = name.endsWith(".json");
    boolean png = name.endsWith(".png");
    boolean sealed = name.endsWith(".ckpt") || name.endsWith(".edit") || name.equals("autoencoder.bin");
    int kind = rnd.nextInt(12);
    if (text && kind >= 7) {
      return json && rnd.nextBoolean() ? injectJsonValue(file, rnd) : injectNumber(file, rnd);
    }
    if (png && kind >= 8) {
      return pngHeader(file, rnd);
    }
    if (sealed && kind >= 6) {
      return resealed(file, rnd);
    }
    byte[] b = Files.readAllBytes(file);
    switch (kind % 7) {
      case 0 -> {
        int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
        Files.write(file, java.util.Arrays.copyOf(b, at));
        return "truncate at " + at + " of " + b.length;
      }
      case 1 -> {
        if (b.length == 0) {
          Files.write(file, new byte[] {(byte) 0xff});
          return "empty file gets one byte";
        }
        int n = 1 + rnd.nextInt(4);
        StringBuilder where = new StringBuilder("flip bits at");
        for (int i = 0; i < n; i++) {
          int at = rnd.nextInt(b.length);
          b[at] ^= (byte) (1 << rnd.nextInt(8));
          where.append(' ').append(at);
        }
        Files.write(file, b);
        return where.toString();
      }
      case 2 -> {
        if (b.length == 0) {
          return "overwrite nothing (empty file)";
        }
        int at = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(32, b.length - at));
        for (int i = 0; i < len; i++) {
          b[at + i] = (byte) rnd.nextInt(256);
        }
        Files.write(file, b);
        return "overwrite " + len + " bytes at " + at;
      }
      case 3 -> {
        Files.delete(file);
        return "delete";
      }
      case 4 -> {
        Files.delete(file);
        Files.createDirectory(file);
        return "replace by a folder";
      }
      case 5 -> {
        Files.write(file, new byte[0]);
        return "replace by an empty file";
      }
      default -> {
        byte[] extra = new byte[1 + rnd.nextInt(64)];
        for (int i = 0; i < extra.length; i++) {
          extra[i] = (byte) rnd.nextInt(256);
        }
        Files.write(file, extra, java.nio.file.StandardOpenOption.APPEND);
        return "append " + extra.length + " random bytes";
      }
    }
  }

  private static String injectNumber(Path file, SplittableRandom rnd) throws IOException {
    String s = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<int[]> spans = spans(NUMBER.matcher(s), 0);
    String evil = EVIL_NUMBERS[rnd.nextInt(EVIL_NUMBERS.length)];
    if (spans.isEmpty()) {
      Files.writeString(file, s + " " + evil, StandardCharsets.ISO_8859_1);
      return "append number " + evil;
    }
    int[] sp = spans.get(rnd.nextInt(spans.size()));
    Files.writeString(file, s.substring(0, sp[0]) + evil + s.substring(sp[1]), StandardCharsets.ISO_8859_1);
    return "number '" + s.substring(sp[0], sp[1]) + "' at " + sp[0] + " -> " + evil;
  }

  private static String injectJsonValue(Path file, SplittableRandom rnd) throws IOException {
    String s = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<int[]> spans = spans(JSON_VALUE.matcher(s), 1);
    if (spans.isEmpty()) {
      return injectNumber(file, rnd);
    }
    String evil = EVIL_JSON[rnd.nextInt(EVIL_JSON.length)];
    int[] sp = spans.get(rnd.nextInt(spans.size()));
    Files.writeString(file, s.substring(0, sp[0]) + evil + s.substring(sp[1]), StandardCharsets.ISO_8859_1);
    return "JSON value '" + s.substring(sp[0], sp[1]) + "' at " + sp[0] + " -> " + evil;
  }

  private static List<int[]> spans(Matcher m, int group) {
    List<int[]> out = new ArrayList<>();
    while (m.find()) {
      out.add(new int[] {m.start(group), m.end(group)});
    }
    return out;
  }

  /** Sets the IHDR width, height, bit depth or colour type to another value and fixes the chunk's CRC. */
  private static String pngHeader(Path file, SplittableRandom rnd) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (b.length < 33 || b[12] != 'I' || b[13] != 'H') {
      return "not a PNG with IHDR first: left as is";
    }
    String what;
    int field = rnd.nextInt(4);
    if (field < 2) {
      int v = EVIL_DIMENSIONS[rnd.nextInt(EVIL_DIMENSIONS.length)];
      putInt(b, 16 + 4 * field, v);
      what = (field == 0 ? "width" : "height") + " -> " + v;
    } else if (field == 2) {
      int[] depths = {1, 2, 4, 8, 16, 0, 255};
      int v = depths[rnd.nextInt(depths.length)];
      b[24] = (byte) v;
      what = "bit depth -> " + v;
    } else {
      int[] types = {0, 2, 3, 4, 6, 7};
      int v = types[rnd.nextInt(types.length)];
      b[25] = (byte) v;
      what = "colour type -> " + v;
    }
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17);
    putInt(b, 29, (int) crc.getValue());
    Files.write(file, b);
    return "PNG header " + what + " (CRC fixed)";
  }

  /**
   * Damages a file that ends in a CRC-32 of the rest stored as a big-endian long (checkpoints,
   * edit files, the feature cache's autoencoder) and writes a matching checksum, as a buggy writer
   * or a crafted file would: the parser, not the checksum, must then refuse it. Mostly a field that
   * holds a small positive int (a count, a size or a width) gets an extreme value; in a checkpoint,
   * sometimes a number of the JSON header.
   */
  private static String resealed(Path file, SplittableRandom rnd) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (b.length < 24) {
      return "too short to reseal: left as is";
    }
    int body = b.length - 8;
    String what;
    boolean ckpt = file.getFileName().toString().endsWith(".ckpt");
    int header = 16 + 4 + 4; // a checkpoint's magic, version, JSON length
    int jsonLen = ckpt ? getInt(b, 20) : 0;
    int choice = rnd.nextInt(10);
    if (ckpt && choice < 3 && jsonLen > 0 && header + jsonLen < body) {
      String json = new String(b, header, jsonLen, StandardCharsets.ISO_8859_1);
      List<int[]> spans = spans(NUMBER.matcher(json), 0);
      if (spans.isEmpty()) {
        return "checkpoint header without numbers: left as is";
      }
      int[] sp = spans.get(rnd.nextInt(spans.size()));
      String[] evil = {"-5", "0", "1e9", "2147483647", "123456789", "65536", "-1", "3", "1e308", "30", "24"};
      String e = evil[rnd.nextInt(evil.length)];
      String nj = json.substring(0, sp[0]) + e + json.substring(sp[1]);
      byte[] njb = nj.getBytes(StandardCharsets.ISO_8859_1);
      byte[] out = new byte[b.length - jsonLen + njb.length];
      System.arraycopy(b, 0, out, 0, header);
      putInt(out, 20, njb.length);
      System.arraycopy(njb, 0, out, header, njb.length);
      System.arraycopy(b, header + jsonLen, out, header + njb.length, b.length - header - jsonLen);
      b = out;
      body = b.length - 8;
      what = "header number '" + json.substring(sp[0], sp[1]) + "' -> " + e;
    } else if (choice < 8) {
      int from = ckpt ? header + Math.max(0, jsonLen) : 4;
      // By value first, so a count that occurs once is as likely as a value repeated in an array.
      TreeMap<Integer, List<Integer>> byValue = new TreeMap<>();
      for (int at = from; at + 4 <= body; at++) {
        int v = getInt(b, at);
        if (v >= 1 && v <= 1 << 17) {
          byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(at);
        }
      }
      if (byValue.isEmpty()) {
        return "no count field found: left as is";
      }
      List<List<Integer>> groups = new ArrayList<>(byValue.values());
      List<Integer> ints = groups.get(rnd.nextInt(groups.size()));
      int at = ints.get(rnd.nextInt(ints.size()));
      int[] values = {-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 28, 1 << 24, 65536, 46341, 1 << 16 | 1};
      int v = values[rnd.nextInt(values.length)];
      what = "int " + getInt(b, at) + " at " + at + " -> " + v;
      putInt(b, at, v);
    } else {
      int at = rnd.nextInt(body);
      b[at] ^= (byte) (1 << rnd.nextInt(8));
      what = "bit flip at " + at;
    }
    CRC32 crc = new CRC32();
    crc.update(b, 0, body);
    long c = crc.getValue();
    for (int i = 0; i < 8; i++) {
      b[body + i] = (byte) (c >>> (56 - 8 * i));
    }
    Files.write(file, b);
    return what + " (checksum fixed)";
  }

  private static int getInt(byte[] b, int p) {
    return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
