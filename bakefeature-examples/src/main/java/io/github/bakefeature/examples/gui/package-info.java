/**
 * The browser labelling app (the paper's GUI, section III-E and Fig. 4): a Javalin server that
 * drives a {@link io.github.bakefeature.api.session.LabelSession} and serves a plain ES-module web
 * page. Frames are addressed by index, never by path; every request is validated and bounded;
 * updates reach pages over a WebSocket through per-client bounded, coalescing queues so that a
 * slow page never stalls training. See {@code docs/gui.md} for the HTTP/WebSocket API.
 */
package io.github.bakefeature.examples.gui;
