package io.github.bakefeature.api.field;

/**
 * Field values at {@code count} world points: density {@code [count]} (1/metre), class
 * probabilities {@code [count, classCount]} (null when the field has no classes) and colour
 * {@code [count, 3]} for a view looking down the negative of {@code viewDirection} (null unless
 * requested).
 */
public record PointQuery(int count, float[] density, float[] classProbabilities, int classCount, float[] colour) {}
