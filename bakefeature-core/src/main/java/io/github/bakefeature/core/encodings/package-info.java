/**
 * Encodings of positions and view directions (section III-A of the paper): the frequency
 * encoding (eq. 1), instant-ngp's multiresolution hash grid with hand-written multi-threaded
 * forward/backward kernels and its own Adam, their concatenation (the paper's hybrid encoding),
 * spherical harmonics of view directions, and a DJL-op reference of the hash grid for tests and
 * benchmarks.
 *
 * <p>How a Java-side encoding trains with DJL (which has no custom autograd functions): encode
 * in Java, hand the output to DJL as a leaf with {@code setRequiresGradient(true)}, run the MLPs
 * under a {@code GradientCollector}, read the leaf's gradient, and pass it to
 * {@link io.github.bakefeature.core.encodings.TrainableEncoding#backward} followed by
 * {@link io.github.bakefeature.core.encodings.TrainableEncoding#step}.
 */
package io.github.bakefeature.core.encodings;
