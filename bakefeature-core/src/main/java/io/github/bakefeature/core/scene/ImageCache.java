package io.github.bakefeature.core.scene;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache of decoded images bounded by bytes, so a scene of thousands of
 * frames can be streamed through with a fixed memory budget. A value larger than the whole budget
 * is returned but not kept. Thread-safe; a value is decoded outside the lock (two threads asking
 * for the same missing key may both decode it; the result is the same).
 *
 * <p>The byte count of an entry is what the caller declares — for images, the size of their pixel
 * arrays, which dominates their footprint (object headers add a few dozen bytes).
 */
public final class ImageCache {

  /** Decodes one value. */
  @FunctionalInterface
  public interface Loader<T> {
    T load() throws IOException;
  }

  private record Entry(Object value, long bytes) {}

  private final long budgetBytes;
  private final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(64, 0.75f, true);
  private long usedBytes;
  private long peakBytes;
  private long loads;

  /** @param budgetBytes most bytes held at once (0 disables caching) */
  public ImageCache(long budgetBytes) {
    this.budgetBytes = Math.max(0, budgetBytes);
  }

  /** The cached value for {@code key}, or the loaded one (cached if it fits the budget). */
  @SuppressWarnings("unchecked")
  public <T> T get(String key, long bytes, Loader<T> loader) throws IOException {
    synchronized (this) {
      Entry e = map.get(key);
      if (e != null) {
        return (T) e.value;
      }
    }
    T value = loader.load();
    synchronized (this) {
      loads++;
      if (bytes <= budgetBytes) {
        Entry old = map.put(key, new Entry(value, bytes));
        usedBytes += bytes - (old == null ? 0 : old.bytes);
        Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
        while (usedBytes > budgetBytes && it.hasNext()) {
          Map.Entry<String, Entry> eldest = it.next();
          if (eldest.getKey().equals(key)) {
            continue;
          }
          usedBytes -= eldest.getValue().bytes;
          it.remove();
        }
        peakBytes = Math.max(peakBytes, usedBytes);
      }
    }
    return value;
  }

  /** Drops {@code key} (e.g. after the file was rewritten). */
  public synchronized void invalidate(String key) {
    Entry e = map.remove(key);
    if (e != null) {
      usedBytes -= e.bytes;
    }
  }

  /** Drops everything. */
  public synchronized void clear() {
    map.clear();
    usedBytes = 0;
  }

  /** The budget in bytes. */
  public long budgetBytes() {
    return budgetBytes;
  }

  /** Bytes currently held. */
  public synchronized long usedBytes() {
    return usedBytes;
  }

  /** Most bytes ever held at once (never above {@link #budgetBytes()}). */
  public synchronized long peakBytes() {
    return peakBytes;
  }

  /** Number of values decoded so far (cache misses). */
  public synchronized long loads() {
    return loads;
  }

  /** Entries currently held. */
  public synchronized int size() {
    return map.size();
  }
}
