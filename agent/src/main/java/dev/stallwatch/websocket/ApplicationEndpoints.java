package dev.stallwatch.websocket;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The application's endpoint behind the object a container's lifecycle hook runs on, and its name in telemetry:
 * the {@code @ServerEndpoint} path template when it has one, else its class name (the names its handler methods'
 * spans carry, {@link HandlerScan}). A container's wrapper is seen through by what it holds: Tomcat's
 * {@code PojoEndpointBase.getPojo()}, Tyrus's {@code AnnotatedEndpoint.annotatedClass}, Spring's adapter's handler
 * (its decorators unwrapped), Jetty's frame handler's {@code getEndpoint()}. The members are looked up once per wrapper class ({@link #HOLDERS});
 * reading them is one reflective call per wrapper of each session opened.
 */
final class ApplicationEndpoints {
  private static final int MAX_WRAPPERS = 4;

  private ApplicationEndpoints() {}

  static String name(Object endpoint) {
    Class<?> type = applicationClass(endpoint);
    return type == null ? "(unknown endpoint)" : NAMES.get(type);
  }

  /** Each application endpoint class's name, read from its annotations once. */
  private static final ClassValue<String> NAMES = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      return nameOf(type);
    }
  };

  private static Class<?> applicationClass(Object endpoint) {
    Object current = endpoint;
    for (int depth = 0; depth < MAX_WRAPPERS && current != null; depth++) {
      Object inner = unwrap(current);
      if (inner instanceof Class<?> type) {
        return type;
      }
      if (inner == null || inner == current) {
        return current.getClass();
      }
      current = inner;
    }
    return current == null ? null : current.getClass();
  }

  /** What a container's wrapper holds, or null when {@code wrapper} is the application's own object. */
  private static Object unwrap(Object wrapper) {
    return HOLDERS.get(wrapper.getClass()).heldBy(wrapper);
  }

  /**
   * How each wrapper class gives up what it holds, found once per class: sessions open and close all the time, and
   * looking a member up by name walks the class hierarchy and throws (a stack trace each) where it is not declared.
   */
  private static final ClassValue<Holder> HOLDERS = new ClassValue<>() {
    @Override
    protected Holder computeValue(Class<?> type) {
      String name = type.getName();
      if (name.startsWith("org.apache.tomcat.websocket.")) {
        return new Holder(method(type, "getPojo"), null);
      }
      if (name.startsWith("org.glassfish.tyrus.")) {
        return new Holder(null, field(type, "annotatedClass"));
      }
      if (name.startsWith("org.eclipse.jetty.")) {
        return new Holder(method(type, "getEndpoint"), null);
      }
      if (name.startsWith("org.springframework.web.socket.")) {
        // a decorator's last handler, else the standard adapter's handler
        return new Holder(method(type, "getLastHandler"), field(type, "handler"));
      }
      return Holder.NONE;
    }
  };

  /** A wrapper class's accessor, and the field tried when the accessor is absent or returns null. */
  private record Holder(Method accessor, Field field) {
    static final Holder NONE = new Holder(null, null);

    Object heldBy(Object wrapper) {
      try {
        Object held = accessor == null ? null : accessor.invoke(wrapper);
        return held != null || field == null ? held : field.get(wrapper);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }
  }

  static String nameOf(Class<?> type) {
    for (Annotation annotation : type.getAnnotations()) {
      String annotationName = annotation.annotationType().getName();
      if (annotationName.equals("jakarta.websocket.server.ServerEndpoint")
          || annotationName.equals("javax.websocket.server.ServerEndpoint")) {
        try {
          if (annotation.annotationType().getMethod("value").invoke(annotation) instanceof String path) {
            return path;
          }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          // named for its class
        }
      }
    }
    return type.getName();
  }

  private static Method method(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod(name);
        m.setAccessible(true);
        return m;
      } catch (NoSuchMethodException e) {
        // look in the superclass
      } catch (RuntimeException | LinkageError e) {
        return null;
      }
    }
    return null;
  }

  private static Field field(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (RuntimeException | LinkageError e) {
        return null;
      }
    }
    return null;
  }
}
