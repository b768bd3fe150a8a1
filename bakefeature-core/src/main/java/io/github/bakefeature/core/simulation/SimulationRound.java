package io.github.bakefeature.core.simulation;

/**
 * The state after one round of a simulation.
 *
 * @param method method preset id
 * @param round 0 = after the warm-up (no clicks), then 1, 2, ...
 * @param clicks labelled pixels so far
 * @param steps training steps so far, warm-up included
 * @param wallSeconds seconds spent since the warm-up on choosing clicks (rendering) and training,
 *     excluding evaluation and the warm-up itself
 * @param miou mean IoU on the held-out frames
 * @param classesClicked distinct classes among the clicked pixels so far, or -1 when unknown (a
 *     report written before it was recorded). A class nobody clicked cannot be predicted, so
 *     {@code miou} stays near or below {@code classesClicked} over the classes in the held-out frames
 */
public record SimulationRound(String method, int round, int clicks, long steps, double wallSeconds, double miou,
    int classesClicked) {

  /** A round whose clicked classes are unknown ({@code classesClicked} -1). */
  public SimulationRound(String method, int round, int clicks, long steps, double wallSeconds, double miou) {
    this(method, round, clicks, steps, wallSeconds, miou, -1);
  }
}
