/** Semantic classes and the scribble strokes a person draws. */
package io.github.bakefeature.api.annotation;
