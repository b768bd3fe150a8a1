/** Positional encodings and the neural field that is fitted to a scene. */
package io.github.bakefeature.api.field;
