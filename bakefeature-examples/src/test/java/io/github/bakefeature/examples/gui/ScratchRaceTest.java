package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.fields.MethodPreset;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchRaceTest {
  @TempDir Path tmp;

  @Test
  void renderingWhileTraining() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> { o.frames = 4; o.width = 64; o.height = 48; o.method = MethodPreset.fromId(System.getProperty("race.method", "ours")); o.autoStart = true; o.rays = 256; })) {
      f.session.applyStroke(0, Stroke.paint(0, 2, 5, 5, 40, 5));
      f.session.applyStroke(0, Stroke.paint(1, 2, 5, 40, 40, 40));
      DoubleAdder rgb = new DoubleAdder();
      DoubleAdder feat = new DoubleAdder();
      AtomicInteger n = new AtomicInteger();
      f.session.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          rgb.add(p.losses().getOrDefault("rgb", 0.0));
          feat.add(p.losses().getOrDefault("feature", 0.0));
          n.incrementAndGet();
        }
      });
      f.session.awaitStep(300);
      String mode = System.getProperty("race.mode", "render");
      var fixed = f.session.model();
      for (int phase = 0; phase < 4; phase++) {
        boolean render = phase % 2 == 1;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger renders = new AtomicInteger();
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            if (mode.equals("snapshot")) {
              f.session.model();
              try { Thread.sleep(200); } catch (InterruptedException e) { return; }
            } else if (mode.equals("fixed")) {
              fixed.withRenderSettings(GuiServer.PREVIEW_RENDER_SETTINGS)
                  .render(f.session.scene().frame(0).intrinsics(), f.session.scene().frame(0).pose(), EnumSet.allOf(RenderOutput.class));
            } else if (mode.equals("session")) {
              f.session.withModel(mm -> mm.withRenderSettings(GuiServer.PREVIEW_RENDER_SETTINGS)
                  .render(f.session.scene().frame(0).intrinsics(), f.session.scene().frame(0).pose(), EnumSet.allOf(RenderOutput.class)));
            } else if (mode.equals("busy")) {
              double acc = 0;
              for (int i = 0; i < 50_000_000; i++) {
                acc += Math.sqrt(i);
              }
              if (acc == 42) {
                System.err.println(acc);
              }
            } else if (mode.equals("djlbig")) {
              try (ai.djl.ndarray.NDManager m = io.github.bakefeature.core.djl.DjlRuntime.newManager()) {
                ai.djl.ndarray.NDArray a = m.ones(new ai.djl.ndarray.types.Shape(200000, 64)).mul(0.5f);
                ai.djl.nn.Activation.relu(a.matMul(m.ones(new ai.djl.ndarray.types.Shape(64, 64)))).matMul(m.ones(new ai.djl.ndarray.types.Shape(64, 64))).toFloatArray();
              }
            } else if (mode.equals("djl")) {
              try (ai.djl.ndarray.NDManager m = io.github.bakefeature.core.djl.DjlRuntime.newManager()) {
                ai.djl.ndarray.NDArray a = m.ones(new ai.djl.ndarray.types.Shape(16384, 64)).mul(0.5f);
                ai.djl.nn.Activation.relu(a.matMul(m.ones(new ai.djl.ndarray.types.Shape(64, 64)))).sum().getFloat();
              }
            } else if (mode.equals("classes") || mode.equals("features") || mode.equals("depth")) {
              fixed.withRenderSettings(GuiServer.PREVIEW_RENDER_SETTINGS)
                  .render(f.session.scene().frame(0).intrinsics(), f.session.scene().frame(0).pose(),
                      EnumSet.of(RenderOutput.valueOf(mode.toUpperCase())));
            } else if (mode.equals("colour")) {
              fixed.withRenderSettings(GuiServer.PREVIEW_RENDER_SETTINGS)
                  .render(f.session.scene().frame(0).intrinsics(), f.session.scene().frame(0).pose(), EnumSet.of(RenderOutput.COLOUR));
            }
            renders.incrementAndGet();
          }
        });
        rgb.reset(); feat.reset(); n.set(0);
        if (render) {
          t.start();
        }
        long s = f.session.step();
        f.session.awaitStep(s + 150);
        stop.set(true);
        if (render) {
          t.join();
        }
        System.err.printf("phase %d render=%s renders=%d steps %d..%d mean rgb %.5f feat %.4f (n=%d)%n", phase, render, renders.get(), s,
            f.session.step(), rgb.sum() / Math.max(1, n.get()), feat.sum() / Math.max(1, n.get()), n.get());
      }
    }
  }
}
