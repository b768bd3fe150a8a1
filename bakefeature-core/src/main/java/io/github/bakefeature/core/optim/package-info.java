/**
 * Optimisers for parameter blocks that live in Java arrays (the hash grid's tables), outside
 * DJL's parameter store: {@link io.github.bakefeature.core.optim.Adam} with dense and sparse
 * (touched-rows-only) steps. The learning-rate schedule is the trainer's
 * ({@code pipelines.TrainerConfig}: step decay by a factor every N steps, with a floor), because a
 * label session has no planned number of steps.
 */
package io.github.bakefeature.core.optim;
