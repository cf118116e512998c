package dev.stallwatch.websocket;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The application's endpoint behind the object a container's lifecycle hook runs on, and its name in telemetry:
 * the {@code @ServerEndpoint} path template when it has one, else its class name (the names its handler methods'
 * spans carry, {@link HandlerScan}). A container's wrapper is seen through by what it holds: Tomcat's
 * {@code PojoEndpointBase.getPojo()}, Tyrus's {@code AnnotatedEndpoint.annotatedClass}, Spring's adapter's handler
 * (its decorators unwrapped), Jetty's frame handler's {@code getEndpoint()}. Reflection, once per session opened.
 */
final class ApplicationEndpoints {
  private static final int MAX_WRAPPERS = 4;

  private ApplicationEndpoints() {}

  static String name(Object endpoint) {
    Class<?> type = applicationClass(endpoint);
    return type == null ? "(unknown endpoint)" : nameOf(type);
  }

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
    Class<?> type = wrapper.getClass();
    String name = type.getName();
    if (name.startsWith("org.apache.tomcat.websocket.")) {
      return call(wrapper, "getPojo");
    }
    if (name.startsWith("org.glassfish.tyrus.")) {
      return field(wrapper, "annotatedClass");
    }
    if (name.startsWith("org.eclipse.jetty.")) {
      return call(wrapper, "getEndpoint");
    }
    if (name.startsWith("org.springframework.web.socket.")) {
      Object last = call(wrapper, "getLastHandler"); // a decorator
      return last != null ? last : field(wrapper, "handler"); // the standard adapter
    }
    return null;
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

  private static Object call(Object target, String method) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
      } catch (NoSuchMethodException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }
    return null;
  }

  private static Object field(Object target, String field) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(field);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }
    return null;
  }
}
