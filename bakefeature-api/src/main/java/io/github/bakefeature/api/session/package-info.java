/** The interactive labelling loop: annotations in, live 3D-consistent segmentation out. */
package io.github.bakefeature.api.session;
