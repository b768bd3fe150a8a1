package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ClientChannelTest {

  /** A sink that holds every send until the test completes it, like a client that stopped reading. */
  static final class StalledSink implements ClientChannel.Sink {
    final List<String> sent = new ArrayList<>();
    final List<Consumer<Throwable>> callbacks = new ArrayList<>();
    int closes;

    @Override
    public synchronized void send(String text, Consumer<Throwable> done) {
      sent.add(text);
      callbacks.add(done);
    }

    @Override
    public synchronized void close(int code, String reason) {
      closes++;
    }

    /** Completes the oldest outstanding send. */
    void completeOne(Throwable error) {
      Consumer<Throwable> cb;
      synchronized (this) {
        cb = callbacks.remove(0);
      }
      cb.accept(error);
    }
  }

  @Test
  void keepsOneMessageInFlightAndCoalescesWaitingEventsWithTheSameKey() {
    StalledSink sink = new StalledSink();
    ClientChannel ch = new ClientChannel(sink, 16);
    ch.offer("hello", "h");
    for (int i = 0; i < 1000; i++) {
      ch.offer("progress", "p" + i);
    }
    ch.offer("rendered:2", "r2");
    assertEquals(List.of("h"), sink.sent, "nothing else is sent while the first message is in flight");
    assertEquals(2, ch.pendingCount(), "a thousand progress events wait as one");
    assertEquals(999, ch.replacedCount());
    sink.completeOne(null);
    sink.completeOne(null);
    sink.completeOne(null);
    assertEquals(List.of("h", "p999", "r2"), sink.sent, "only the latest progress is sent, in arrival order");
    assertEquals(0, ch.pendingCount());
    assertEquals(3, ch.sentCount());
  }

  @Test
  void overflowReplacesTheQueueWithOneResyncSoMemoryStaysBounded() {
    StalledSink sink = new StalledSink();
    ClientChannel ch = new ClientChannel(sink, 8);
    ch.offer("hello", "h");
    for (int f = 0; f < 10_000; f++) {
      ch.offer("rendered:" + f, "r" + f);
      assertTrue(ch.pendingCount() <= 8, "pending stays bounded");
    }
    assertTrue(ch.highWater() <= 8 + 1, "high water " + ch.highWater());
    assertTrue(ch.droppedCount() > 9000, "old events were dropped: " + ch.droppedCount());
    while (!sink.callbacks.isEmpty()) {
      sink.completeOne(null);
    }
    assertTrue(sink.sent.contains(ClientChannel.RESYNC), "the page is told to reload its state");
    assertEquals("r9999", sink.sent.get(sink.sent.size() - 1), "the newest event still arrives");
    assertTrue(sink.sent.size() <= 10, "a stalled client got " + sink.sent.size() + " messages, not 10 000");
  }

  @Test
  void synchronousSinksDrainEverythingInOrder() {
    List<String> got = new ArrayList<>();
    ClientChannel ch = new ClientChannel(new ClientChannel.Sink() {
      @Override
      public void send(String text, Consumer<Throwable> done) {
        got.add(text);
        done.accept(null);
      }

      @Override
      public void close(int code, String reason) {}
    }, 8);
    for (int i = 0; i < 50; i++) {
      ch.offer("k" + i, "v" + i);
    }
    assertEquals(50, got.size());
    assertEquals("v0", got.get(0));
    assertEquals("v49", got.get(49));
  }

  @Test
  void aFailedSendClosesTheChannelAndLaterOffersAreIgnored() {
    StalledSink sink = new StalledSink();
    ClientChannel ch = new ClientChannel(sink, 8);
    ch.offer("a", "1");
    ch.offer("b", "2");
    sink.completeOne(new java.io.IOException("connection reset"));
    assertTrue(ch.isClosed());
    assertEquals(1, sink.closes, "the socket is closed too, so the page reconnects");
    ch.offer("c", "3");
    assertEquals(List.of("1"), sink.sent);
    assertEquals(0, ch.pendingCount());
  }
}
