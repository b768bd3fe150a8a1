/**
 * Optimisers for parameter blocks that live in Java arrays (the hash grid's tables), outside
 * DJL's parameter store: {@link io.github.bakefeature.core.optim.Adam} with dense and sparse
 * (touched-rows-only) steps, and {@link io.github.bakefeature.core.optim.LearningRateSchedule}.
 */
package io.github.bakefeature.core.optim;
