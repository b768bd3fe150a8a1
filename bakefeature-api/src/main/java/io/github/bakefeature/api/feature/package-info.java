/** Pretrained 2D feature extractors and the dense feature maps they produce. */
package io.github.bakefeature.api.feature;
