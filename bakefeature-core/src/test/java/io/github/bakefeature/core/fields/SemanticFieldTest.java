package io.github.bakefeature.core.fields;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bakefeature.core.djl.DjlRuntime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How each {@link SemanticHead} lets the semantic loss's gradient into the rest of the field. */
class SemanticFieldTest {
  private static final int N = 24;

  /** Logits, gradient w.r.t. geo, feature and weights of {@code sum(logits * weights * c)}. */
  private record Pass(float[] logits, float[] geoGrad, float[] featureGrad, float[] weightGrad) {}

  private static Pass pass(SemanticHead head) {
    FieldConfig c = FieldConfig.builder(MethodPreset.OURS).optFeatureDimension(8).optClassCount(4)
        .optHashLog2TableSize(10).optSemanticHead(head).build();
    SemanticField field = SemanticField.create(c);
    Random r = new Random(3);
    float[] geo = new float[N * c.geoFeatures()];
    float[] feat = new float[N * 8];
    float[] w = new float[N];
    for (float[] a : new float[][] {geo, feat, w}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
      }
    }
    try (NDManager m = DjlRuntime.newManager();
         GradientCollector gc = DjlRuntime.newGradientCollector()) {
      NDArray g = m.create(geo, new Shape(N, c.geoFeatures()));
      NDArray f = m.create(feat, new Shape(N, 8));
      NDArray wt = m.create(w, new Shape(N, 1));
      for (NDArray a : new NDArray[] {g, f, wt}) {
        a.setRequiresGradient(true);
      }
      SemanticField.Bound b = field.bind(m, true);
      NDArray logits = b.logits(g, f);
      NDArray loss = logits.mul(b.semanticWeights(wt)).mul(m.create(new float[] {1f, -2f, 3f, 0.5f})).sum();
      gc.backward(loss);
      return new Pass(logits.toFloatArray(), g.getGradient().toFloatArray(), f.getGradient().toFloatArray(),
          wt.getGradient().toFloatArray());
    }
  }

  @Test
  void dampedHeadScalesTheGradientLeavingTheHeadAndKeepsItsOutput() {
    DjlRuntime.ensureOffline();
    Pass full = pass(SemanticHead.END_TO_END);
    Pass damped = pass(SemanticHead.DAMPED);
    Pass probe = pass(SemanticHead.PROBE);
    // The forward pass is the same in every mode, bit for bit.
    assertArrayEquals(full.logits(), damped.logits());
    assertArrayEquals(full.logits(), probe.logits());
    float s = SemanticHead.DAMPED.fieldGradientScale();
    assertEquals(0.1f, s);
    float[][] fullGrads = {full.geoGrad(), full.featureGrad(), full.weightGrad()};
    float[][] dampedGrads = {damped.geoGrad(), damped.featureGrad(), damped.weightGrad()};
    float[][] probeGrads = {probe.geoGrad(), probe.featureGrad(), probe.weightGrad()};
    for (int k = 0; k < 3; k++) {
      float[] expected = fullGrads[k].clone();
      for (int i = 0; i < expected.length; i++) {
        expected[i] *= s;
        assertEquals(0f, probeGrads[k][i], "a probe passes nothing on");
      }
      // The feature enters through a ReLU, so some of its entries get no gradient in any mode.
      assertNotEquals(0f, maxAbs(fullGrads[k]), "end to end passes the gradient on");
      assertArrayEquals(expected, dampedGrads[k], 1e-6f * maxAbs(expected));
    }
  }

  @Test
  void densityIsAClampedExpWithoutGradientOutsideTheClamp() {
    FieldConfig c = FieldConfig.builder(MethodPreset.SNERF_FREQ).optClassCount(2).build();
    SemanticField field = SemanticField.create(c);
    float[] raw = {-20f, -14f, 0f, 2f, 16f};
    float[] train;
    float[] grad;
    try (NDManager m = DjlRuntime.newManager();
         GradientCollector gc = DjlRuntime.newGradientCollector()) {
      NDArray x = m.create(raw, new Shape(raw.length, 1));
      x.setRequiresGradient(true);
      NDArray sigma = field.bind(m, true).sigma(x);
      train = sigma.toFloatArray();
      gc.backward(sigma.sum());
      grad = x.getGradient().toFloatArray();
    }
    float[] render;
    try (NDManager m = DjlRuntime.newManager()) {
      render = field.bind(m, false).sigma(m.create(raw, new Shape(raw.length, 1))).toFloatArray();
    }
    for (int i = 0; i < raw.length; i++) {
      float expected = (float) Math.exp(Math.max(-15f, Math.min(15f, raw[i])));
      assertEquals(expected, train[i], expected * 1e-6f, "value at " + raw[i]);
      assertEquals(render[i], train[i], 0f, "training and rendering see the same density at " + raw[i]);
      // Zero outside [-15, 15]: empty space stops pulling on the MLP (see Bound.sigma for why).
      float expectedGrad = Math.abs(raw[i]) > 15f ? 0f : expected;
      assertEquals(expectedGrad, grad[i], expected * 1e-6f, "gradient at " + raw[i]);
    }
  }

  @Test
  void headsParseTheirCommandLineNames() {
    for (SemanticHead h : SemanticHead.values()) {
      assertEquals(h, SemanticHead.fromId(h.id().toUpperCase(java.util.Locale.ROOT)));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemanticHead.fromId("half"));
    assertEquals("unknown semantic head 'half': expected end-to-end, damped or probe", e.getMessage());
  }

  private static float maxAbs(float[] a) {
    float m = 0f;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void classCountsBeyondSixteenBitIdsAreRefusedAndGrowingLeavesTheFieldAsItWas() {
    // Before: 40,000 classes were accepted and rendered ids wrapped to negative shorts.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FieldConfig.builder(MethodPreset.SNERF_FREQ).optClassCount(40_000).build());
    assertTrue(e.getMessage().contains("class count must be in [1, 32768], found 40000"), e.getMessage());
    SemanticField field = SemanticField.create(FieldConfig.builder(MethodPreset.SNERF_FREQ).optClassCount(3).build());
    assertThrows(IllegalArgumentException.class, () -> field.growClasses(32_769));
    assertEquals(3, field.classCount());
    assertEquals(3, field.mlps()[4].outputWidth(), "the semantic layer did not grow either");
    assertTrue(field.growClasses(32_768));
    assertEquals(32_768, field.mlps()[4].outputWidth());
  }
}
