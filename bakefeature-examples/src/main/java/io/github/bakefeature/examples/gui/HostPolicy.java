package io.github.bakefeature.examples.gui;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which {@code Host} headers the app answers, against DNS rebinding: a web page on a domain its
 * owner controls can point that domain at the app's address, and the browser then sends the app
 * the domain's name as {@code Host}. Names are therefore accepted only from a fixed list; bound to
 * a non-loopback address, any IP literal is accepted too, since no one can rebind a literal. The
 * port is not compared: it protects nothing here (a rebinding page sends its own name), and it
 * differs when the app is reached through a forwarded port ({@code ssh -L 9000:127.0.0.1:8765})
 * or on port 80 (no port in the header). Other pages are kept out by the Origin and
 * Sec-Fetch-Site checks.
 *
 * @param hosts accepted host names and literals, without port, lower case
 * @param literalPort the app's port when any IPv4 or bracketed IPv6 literal is accepted, else -1
 */
record HostPolicy(Set<String> hosts, int literalPort) {
  /** Nothing is accepted: the state until the server knows its port. */
  static final HostPolicy STARTING = new HostPolicy(Set.of(), -1);

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}(%[0-9a-z._~-]{1,32})?\\]");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*");
  /** {@code host} or {@code host:port}, the host a name, an IPv4 literal or a bracketed IPv6 literal. */
  private static final Pattern HOST_HEADER = Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]*)(:([0-9]{1,5}))?");

  HostPolicy {
    hosts = Set.copyOf(hosts);
  }

  /** The usual loopback names and the bound address's {@code urlHost}. */
  static HostPolicy loopback(String urlHost, int port) {
    Set<String> h = new TreeSet<>(Set.of("127.0.0.1", "localhost", "[::1]"));
    h.add(urlHost.toLowerCase(Locale.ROOT));
    return new HostPolicy(h, -1);
  }

  /** Any IP literal, plus {@code names} (host names without port). */
  static HostPolicy network(Set<String> names, int port) {
    Set<String> h = new TreeSet<>();
    for (String n : names) {
      h.add(n.toLowerCase(Locale.ROOT));
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
    if (hostHeader == null || starting()) {
      return false;
    }
    java.util.regex.Matcher m = HOST_HEADER.matcher(hostHeader.toLowerCase(Locale.ROOT));
    if (!m.matches() || (m.group(3) != null && Integer.parseInt(m.group(3)) > 65535)) {
      return false;
    }
    String name = m.group(1);
    if (hosts.contains(name)) {
      return true;
    }
    return literalPort >= 0 && (IPV4.matcher(name).matches() || IPV6.matcher(name).matches());
  }

  /** For the refusal message: what is accepted. */
  String describe() {
    String names = String.join(" or ", hosts);
    if (literalPort < 0) {
      return names;
    }
    return "an IP address" + (hosts.isEmpty() ? "" : " or " + names);
  }
}
