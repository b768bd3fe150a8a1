/**
 * The simulated human-in-the-loop experiment of the paper (section IV-C): after a warm-up on
 * colour, depth and features, a simulated person repeatedly looks at a random frame, clicks a few
 * wrongly predicted pixels and gives their true class, while the field trains a fixed number of
 * steps between clicks; held-out mIoU after every round measures how fast each method learns from
 * clicks. {@link io.github.bakefeature.core.simulation.SimulationReport} writes the CSV, the plot and
 * the clicks/time needed to reach 80% and 90% mIoU.
 */
package io.github.bakefeature.core.simulation;
