package io.github.bakefeature.core.simulation;

import io.github.bakefeature.core.fields.SemanticHead;
import java.util.List;
import java.util.Optional;

/**
 * One method's simulation: the warm-up and every round, in order.
 *
 * @param semanticHead how the method's semantic head was trained
 * @param views how clicked and held-out frames were rendered
 * @param raysPerStep rays per training step (0 in reports written before it was recorded)
 * @param warmupSeconds wall time of the warm-up (not part of {@link SimulationRound#wallSeconds})
 * @param evaluationSeconds wall time of all held-out evaluations (not part of the rounds' time either)
 * @param heldOutFrames scene frames evaluated after every round
 * @param evaluationWidth width of the held-out renders in pixels
 */
public record SimulationResult(String method, SemanticHead semanticHead, ViewRendering views, long seed, int warmupSteps, int raysPerStep, double warmupSeconds,
                               double evaluationSeconds, int[] heldOutFrames,
                               int evaluationWidth, int evaluationHeight, List<SimulationRound> rounds) {

  public SimulationResult {
    java.util.Objects.requireNonNull(semanticHead, "semanticHead");
    java.util.Objects.requireNonNull(views, "views");
    rounds = List.copyOf(rounds);
    heldOutFrames = heldOutFrames.clone();
  }

  /**
   * The first round whose mIoU, rounded to the CSV's 6 decimals, is at least {@code miou}, if any:
   * a report read back from its CSV gives the same rounds as the run that wrote it.
   */
  public Optional<SimulationRound> firstReaching(double miou) {
    return rounds.stream().filter(r -> Math.round(r.miou() * 1e6) / 1e6 >= miou).findFirst();
  }

  /** The last round. */
  public SimulationRound last() {
    return rounds.get(rounds.size() - 1);
  }
}
