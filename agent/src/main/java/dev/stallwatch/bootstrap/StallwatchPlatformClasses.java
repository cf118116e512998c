package dev.stallwatch.bootstrap;

/**
 * The one list of "this class is the JDK's, never the application's": the lock hooks use it to name the application
 * frame that asked for a lock ({@link StallwatchCallSite}), the class-file transformers to leave JDK classes alone,
 * the reports to pick the frame a person looks at first. It lives here because the hooks may import nothing outside
 * this package; every other package may import it. Plain loops over constant arrays: it runs once per stack frame in
 * a lock slow path, so it allocates nothing and takes no lock.
 *
 * <p>The prefixes, and why each is there:
 * <ul>
 *   <li>{@code java.}: the Java SE API; no other class loader may define a class in it;
 *   <li>{@code jdk.}: the JDK's own modules and internals ({@code jdk.internal.misc.Unsafe} under every park);
 *   <li>{@code sun.}: the JDK's older internals ({@code sun.nio.ch}, {@code sun.misc});
 *   <li>{@code com.sun.}: more JDK modules ({@code com.sun.management}, {@code com.sun.net.httpserver}). Broader than
 *       the JDK: a few libraries also live there ({@code com.sun.jersey}, {@code com.sun.mail}), and they are treated
 *       as the JDK's too, as they always were.
 * </ul>
 *
 * <p>{@code javax.} is deliberately not in the list: the JDK owns some of it ({@code javax.management},
 * {@code javax.net}, {@code javax.xml.parsers}) and the application brings the rest ({@code javax.servlet},
 * {@code javax.websocket}, {@code javax.xml.bind}). So a lock taken in one of the JDK's own {@code javax} classes
 * names that frame as its site, and the transformers byte-scan such a class (it never mentions what they look for).
 * Two places treat all of {@code javax.} as not the application's own, on purpose, through
 * {@link #isPlatformOrJavaxClass}: the key frame of a report ({@code report/Stacks}), where a {@code javax.servlet}
 * or {@code javax.websocket} API frame is never the line a person acts on, and block matching
 * ({@code blocks/BlockMatcher}), where an API type is never itself a block but a pattern naming it still matches the
 * application's classes that implement it. The WebSocket transformer leaves {@code javax/websocket/} alone for a
 * third reason, next to its list of containers: the API's own classes call the handlers it instruments.
 */
public final class StallwatchPlatformClasses {
  private static final String[] DOTTED = {"java.", "jdk.", "sun.", "com.sun."};
  /** {@link #DOTTED} as internal names, for class-file transformers. */
  private static final String[] INTERNAL = {"java/", "jdk/", "sun/", "com/sun/"};
  private static final String JAVAX = "javax.";

  private StallwatchPlatformClasses() {}

  /** Whether a class named {@code java.util.concurrent.Semaphore} (binary name, dots) is the JDK's. */
  public static boolean isPlatformClass(String dottedName) {
    return startsWithAny(dottedName, DOTTED);
  }

  /** Whether a class named {@code java/util/concurrent/Semaphore} (internal name, slashes) is the JDK's. */
  public static boolean isPlatformInternalName(String internalName) {
    return startsWithAny(internalName, INTERNAL);
  }

  /** {@link #isPlatformClass}, or any {@code javax.} class: for the two places the class comment names. */
  public static boolean isPlatformOrJavaxClass(String dottedName) {
    return dottedName.startsWith(JAVAX) || startsWithAny(dottedName, DOTTED);
  }

  private static boolean startsWithAny(String name, String[] prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
