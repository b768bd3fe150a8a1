package io.github.bakefeature.examples.gui;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which {@code Host} headers the app answers, against DNS rebinding: a web page on a domain its
 * owner controls can point that domain at the app's address, and the browser then sends the app
 * the domain's name as {@code Host}. Names are therefore accepted only from a fixed list (with the
 * port); bound to a non-loopback address, any IP literal with the app's port is accepted too,
 * since no one can rebind a literal.
 *
 * @param hosts accepted {@code host:port} values, lower case
 * @param literalPort the port with which any IPv4 or bracketed IPv6 literal is accepted, or -1
 */
record HostPolicy(Set<String> hosts, int literalPort) {
  /** Nothing is accepted: the state until the server knows its port. */
  static final HostPolicy STARTING = new HostPolicy(Set.of(), -1);

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}(%[0-9a-z._~-]{1,32})?\\]");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*");

  HostPolicy {
    hosts = Set.copyOf(hosts);
  }

  /** The usual loopback names and the bound address's {@code urlHost}. */
  static HostPolicy loopback(String urlHost, int port) {
    Set<String> h = new TreeSet<>(Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port));
    h.add(urlHost.toLowerCase(Locale.ROOT) + ":" + port);
    return new HostPolicy(h, -1);
  }

  /** Any IP literal with {@code port}, plus {@code names} (host names without port) with it. */
  static HostPolicy network(Set<String> names, int port) {
    Set<String> h = new TreeSet<>();
    for (String n : names) {
      h.add(n.toLowerCase(Locale.ROOT) + ":" + port);
    }
    return new HostPolicy(h, port);
  }

  /** Checks a host name given on the command line or to the builder; returns it in lower case. */
  static String checkName(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    if (n.length() > 253 || !NAME.matcher(n).matches()) {
      throw new IllegalArgumentException("expected a host name such as gpu-box.lab (letters, digits, '-' and '.'), found '"
          + name + "'");
    }
    return n;
  }

  boolean starting() {
    return hosts.isEmpty() && literalPort < 0;
  }

  boolean allows(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String h = hostHeader.toLowerCase(Locale.ROOT);
    if (hosts.contains(h)) {
      return true;
    }
    if (literalPort < 0) {
      return false;
    }
    int colon = h.lastIndexOf(':');
    if (colon < 0 || !h.substring(colon + 1).equals(Integer.toString(literalPort))) {
      return false;
    }
    String name = h.substring(0, colon);
    return IPV4.matcher(name).matches() || IPV6.matcher(name).matches();
  }

  /** For the refusal message: what is accepted. */
  String describe() {
    String names = String.join(" or ", hosts);
    if (literalPort < 0) {
      return names;
    }
    return "an IP address with port " + literalPort + (hosts.isEmpty() ? "" : " or " + names);
  }
}
