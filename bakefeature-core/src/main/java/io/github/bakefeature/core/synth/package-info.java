/**
 * Procedural RGB-D scenes with exact ground truth, rendered by a small deterministic analytic ray
 * tracer: the data every test and benchmark of the library runs on when no captured dataset is
 * available.
 *
 * <p>Entry points: {@link io.github.bakefeature.core.synth.SyntheticScenes} (one-line presets for
 * tests) and {@link io.github.bakefeature.core.synth.SyntheticSceneGenerator} (builder with every
 * option). World coordinates are metres with {@code +y} up and the floor at {@code y = 0}; cameras
 * use OpenCV axes and rays go through pixel centres, so depth (z along the optical axis) and
 * classes are exact for the pixel-centre ray. Output is a pure function of the options and the
 * seed: it does not depend on the number of threads.
 */
package io.github.bakefeature.core.synth;
