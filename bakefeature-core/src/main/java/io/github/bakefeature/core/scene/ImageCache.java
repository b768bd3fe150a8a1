package io.github.bakefeature.core.scene;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache of decoded images bounded by bytes, so a 2,000-frame scene can be
 * streamed through with a fixed memory budget. Thread-safe; a value is decoded outside the lock.
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
    if (bytes <= budgetBytes) {
      synchronized (this) {
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

  /** Bytes currently held. */
  public synchronized long usedBytes() {
    return usedBytes;
  }

  /** Entries currently held. */
  public synchronized int size() {
    return map.size();
  }
}
