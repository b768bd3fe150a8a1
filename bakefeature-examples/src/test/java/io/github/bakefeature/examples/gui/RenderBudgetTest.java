package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.field.RenderedView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live-render budget on a fake clock: renders "take" a fixed time by advancing the clock, so
 * the tests count renders per simulated interval and do not depend on how fast this machine is.
 */
class RenderBudgetTest {
  private static final long MS = 1_000_000L;

  @TempDir
  Path tmp;

  @Test
  void aBudgetEarnsAQuarterOfTheTimeAndSavesUpOnlyOneBurst() {
    AtomicLong clock = new AtomicLong(1_000 * MS);
    RenderBudget b = new RenderBudget(0.25, 1_000 * MS, clock::get);
    assertEquals(0, b.delayNanos(), "a full burst to start with");
    clock.addAndGet(2_000 * MS); // a 2 s render
    b.spent(2_000 * MS);
    // 1 s burst - 2 s = -1 s (nothing more is earned while the balance is full): 4 s until it is
    // positive again, so 2 s of rendering in 6 s of time, a third with the burst.
    long d = b.delayNanos();
    assertTrue(d > 3_999 * MS && d <= 4_001 * MS, "delay " + d / 1e6 + " ms");
    clock.addAndGet(d);
    assertEquals(0, b.delayNanos());
    clock.addAndGet(100_000 * MS); // idle for 100 s: still only one burst saved
    b.spent(1_000 * MS);
    assertTrue(b.delayNanos() > 0, "the burst was spent");
  }

  /** A view of the given size; {@code clock} advances by {@code millis} while it "renders". */
  private static RenderService.ViewSource source(AtomicLong clock, long millis, AtomicLong step, List<Integer> order) {
    return (frame, outputs) -> {
      clock.addAndGet(millis * MS);
      order.add(frame);
      int w = 4;
      int h = 3;
      return new RenderedView(w, h, new float[w * h * 3], new float[w * h], null, 0, new short[w * h], new float[w * h], step.get());
    };
  }

  /** A service on {@code clock} (300 ms renders, a quarter of the time, 1 s burst) whose waits are recorded in {@code slept}. */
  private static RenderService sleepRecording(GuiFixture f, AtomicLong clock, AtomicLong step, List<Integer> order,
      List<Long> slept) {
    return new RenderService(f.session, source(clock, 300, step, order), false, null, 48, (l, c) -> {}, clock::get, n -> {
      slept.add(n);
      clock.addAndGet(n);
    }, 0.25, 1_000 * MS);
  }

  private static void awaitIdle(RenderService rs) throws InterruptedException {
    for (int i = 0; i < 10_000 && rs.pendingJobs() > 0; i++) {
      Thread.sleep(1);
    }
    assertEquals(0, rs.pendingJobs(), "the render worker finished");
  }

  private static ClientChannel.Sink discard() {
    return new ClientChannel.Sink() {
      @Override
      public void send(String text, Consumer<Throwable> done) {
        done.accept(null);
      }

      @Override
      public void close(int code, String reason) {}
    };
  }

  @Test
  void liveRendersOfManyViewedFramesShareOneBudgetRoundRobinMostRecentlyViewedFirst() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 8)) {
      f.session.resume(); // the fixture starts paused, and a paused session's renders need no budget
      AtomicLong clock = new AtomicLong(5_000 * MS);
      AtomicLong step = new AtomicLong();
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      long renderMillis = 200;
      try (RenderService rs = new RenderService(f.session, source(clock, renderMillis, step, order), false, null, 48,
          (l, c) -> {}, clock::get, n -> clock.addAndGet(n), 0.25, 1_000 * MS);
           EventHub hub = new EventHub(f.session, rs, GuiLimits.defaults(), step::get, Json::object, 1_000 * MS)) {
        // Six pages, each on its own frame, frame 5 viewed last.
        for (int c = 0; c < 6; c++) {
          hub.connect("c" + c, discard());
          hub.onMessage("c" + c, "{\"type\":\"view\",\"frame\":" + c + "}");
          clock.addAndGet(MS);
        }
        long t0 = clock.get();
        for (int tick = 0; tick < 600; tick++) { // the dispatcher's 100 ms ticks; training moves on meanwhile
          step.incrementAndGet();
          hub.scheduleRenders();
          awaitIdle(rs);
          clock.addAndGet(100 * MS);
        }
        double elapsed = (clock.get() - t0) / 1e9;
        double rendering = order.size() * renderMillis / 1e3;
        assertTrue(rendering <= 0.25 * elapsed + 1.0 + renderMillis / 1e3,
            "rendering took " + rendering + " s of " + elapsed + " s (" + order.size() + " renders)");
        assertTrue(rendering >= 0.2 * elapsed, "the budget is used, not starved: " + rendering + " s of " + elapsed + " s");
        assertEquals(List.of(5, 4, 3, 2, 1, 0), order.subList(0, 6), "never rendered frames first, most recently viewed first");
        int[] counts = new int[8];
        order.forEach(fr -> counts[fr]++);
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int fr = 0; fr < 6; fr++) {
          min = Math.min(min, counts[fr]);
          max = Math.max(max, counts[fr]);
        }
        assertTrue(max - min <= 1, "round-robin: " + java.util.Arrays.toString(counts));
        for (int i = 6; i < order.size(); i++) {
          assertEquals(order.get(i - 6), order.get(i), "the same cycle repeats");
        }

        // A page that switches to a new frame gets it rendered next.
        hub.onMessage("c2", "{\"type\":\"view\",\"frame\":7}");
        int before = order.size();
        for (int tick = 0; tick < 40 && order.size() == before; tick++) {
          step.incrementAndGet();
          hub.scheduleRenders();
          awaitIdle(rs);
          clock.addAndGet(100 * MS);
        }
        assertEquals(7, order.get(before));
      }
    }
  }

  @Test
  void onDemandRendersWaitForTheSameBudget() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      f.session.resume(); // the fixture starts paused, and a paused session's renders need no budget
      AtomicLong clock = new AtomicLong(5_000 * MS);
      AtomicLong step = new AtomicLong();
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<Long> slept = Collections.synchronizedList(new ArrayList<>());
      try (RenderService rs = sleepRecording(f, clock, step, order, slept)) {
        long t0 = clock.get();
        for (int i = 0; i < 20; i++) {
          step.incrementAndGet();
          CompletableFuture<RenderService.Layers> r = rs.request(i % 2);
          r.get(10, TimeUnit.SECONDS);
        }
        double elapsed = (clock.get() - t0) / 1e9;
        assertEquals(20, order.size());
        // 6 s of rendering: at a quarter of the time (after a 1 s burst) that is at least 20 s.
        assertTrue(elapsed >= (6.0 - 1.0 - 0.3) / 0.25, "20 renders of 0.3 s took " + elapsed + " s");
        assertTrue(elapsed <= 6.0 / 0.25 + 1, "and not much more: " + elapsed + " s");
        assertTrue(slept.size() >= 15, "the worker waited between renders: " + slept.size());
        assertTrue(rs.suggest().get(10, TimeUnit.SECONDS) >= 0, "a suggestion also runs within the budget");
      }
    }
  }

  @Test
  void whileTrainingIsPausedRendersDoNotWaitForTheBudget() throws Exception {
    // Before: the budget, which leaves three quarters of the time to training, also held back
    // renders of a paused session: 6-12 s for a 1.5 s render on a 640x480 capture, with nothing to
    // leave the time to.
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      assertTrue(f.session.isPaused());
      AtomicLong clock = new AtomicLong(5_000 * MS);
      AtomicLong step = new AtomicLong();
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<Long> slept = Collections.synchronizedList(new ArrayList<>());
      try (RenderService rs = sleepRecording(f, clock, step, order, slept)) {
        for (int i = 0; i < 20; i++) {
          rs.request(i % 2).get(10, TimeUnit.SECONDS);
        }
        assertEquals(20, order.size());
        assertEquals(List.of(), slept, "no waiting while paused");
      }
    }
  }

  @Test
  void waitingRendersRunNewestFirstSoTheFrameAScrubStopsOnIsNext() throws Exception {
    // Before: first in, first out: scrubbing through 11 frames on a real capture put the frame the
    // person stopped on 2.5 minutes behind the renders of the frames passed on the way.
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 6)) {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      RenderService.ViewSource blocking = (frame, outputs) -> {
        order.add(frame);
        started.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        short[] classes = new short[12];
        return new io.github.bakefeature.api.field.RenderedView(4, 3, new float[36], new float[12], null, 0, classes,
            new float[12], 0);
      };
      try (RenderService rs = new RenderService(f.session, blocking, false, null, 48, (l, c) -> {})) {
        CompletableFuture<RenderService.Layers> first = rs.request(0);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        List<CompletableFuture<RenderService.Layers>> passed = new ArrayList<>();
        for (int fr = 1; fr <= 5; fr++) {
          passed.add(rs.request(fr));
        }
        release.countDown();
        for (CompletableFuture<RenderService.Layers> r : passed) {
          r.get(10, TimeUnit.SECONDS);
        }
        first.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0, 5, 4, 3, 2, 1), order, "the one running, then the newest request first");
      }
    }
  }

  @Test
  void aStoppingAppAnswersTheRequestsWaitingForRendersAtOnce() throws Exception {
    // Before: a stopping app waited for the requests in flight, which waited for renders queued
    // behind the budget, until the drain timed out (11 s with 12 queued); then they lost their
    // connection instead of getting an error.
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 3)) {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      RenderService.ViewSource blocking = (frame, outputs) -> {
        started.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new RenderedView(4, 3, new float[36], new float[12], null, 0, new short[12], new float[12], 0);
      };
      try (RenderService rs = new RenderService(f.session, blocking, false, null, 48, (l, c) -> {})) {
        CompletableFuture<RenderService.Layers> running = rs.request(0);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        CompletableFuture<RenderService.Layers> waiting1 = rs.request(1);
        CompletableFuture<Integer> waitingSuggestion = rs.suggest();
        rs.cancelWaiting();
        for (CompletableFuture<?> w : List.of(waiting1, waitingSuggestion)) {
          var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
              () -> w.get(1, TimeUnit.SECONDS));
          assertEquals("the app is shutting down", e.getCause().getMessage());
        }
        assertFalse(rs.isQueued(1));
        release.countDown();
        assertEquals(0, running.get(10, TimeUnit.SECONDS).frame, "the render running finishes");
      }
    }
  }
}
