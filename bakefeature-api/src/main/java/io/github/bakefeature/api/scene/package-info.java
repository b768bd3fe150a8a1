/** Posed RGB-D scenes: frames, cameras, poses, images and scene bounds. */
package io.github.bakefeature.api.scene;
