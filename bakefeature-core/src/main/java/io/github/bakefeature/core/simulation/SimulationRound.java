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
 */
public record SimulationRound(String method, int round, int clicks, long steps, double wallSeconds, double miou) {}
