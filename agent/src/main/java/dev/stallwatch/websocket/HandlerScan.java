package dev.stallwatch.websocket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Reads a class file (no code, no frames) and finds its WebSocket handler methods, by what the class itself
 * declares, without loading anything:
 * <ul>
 *   <li>methods annotated {@code @OnOpen}, {@code @OnMessage}, {@code @OnClose}, {@code @OnError}
 *       ({@code jakarta.websocket} or {@code javax.websocket});
 *   <li>{@code onOpen}, {@code onClose}, {@code onError} of a class that extends {@code Endpoint};
 *   <li>{@code onMessage} of a class that implements {@code MessageHandler.Whole} or {@code .Partial};
 *   <li>Spring's handler methods in a class that extends {@code TextWebSocketHandler}, {@code BinaryWebSocketHandler}
 *       or {@code AbstractWebSocketHandler}, or implements {@code WebSocketHandler}.
 * </ul>
 * Directly, or at any depth when the caller can resolve supertypes
 * ({@link dev.stallwatch.instrumentation.Supertypes}): a class that declares handler-like methods but names none of
 * the APIs' types as its direct supertypes has its hierarchy read.
 * The endpoint's name is the {@code @ServerEndpoint} path template when there is one, else the class name (for a
 * message handler class nested in an endpoint, the endpoint's class).
 */
final class HandlerScan extends ClassVisitor {
  private static final Map<String, HandlerEvent> ANNOTATIONS = Map.of(
      "Ljakarta/websocket/OnOpen;", HandlerEvent.OPEN, "Ljavax/websocket/OnOpen;", HandlerEvent.OPEN,
      "Ljakarta/websocket/OnMessage;", HandlerEvent.MESSAGE, "Ljavax/websocket/OnMessage;", HandlerEvent.MESSAGE,
      "Ljakarta/websocket/OnClose;", HandlerEvent.CLOSE, "Ljavax/websocket/OnClose;", HandlerEvent.CLOSE,
      "Ljakarta/websocket/OnError;", HandlerEvent.ERROR, "Ljavax/websocket/OnError;", HandlerEvent.ERROR);
  private static final Set<String> SERVER_ENDPOINT =
      Set.of("Ljakarta/websocket/server/ServerEndpoint;", "Ljavax/websocket/server/ServerEndpoint;");
  private static final Set<String> PATH_PARAM =
      Set.of("Ljakarta/websocket/server/PathParam;", "Ljavax/websocket/server/PathParam;");
  private static final Set<String> ENDPOINTS = Set.of("jakarta/websocket/Endpoint", "javax/websocket/Endpoint");
  private static final Set<String> MESSAGE_HANDLERS = Set.of(
      "jakarta/websocket/MessageHandler$Whole", "jakarta/websocket/MessageHandler$Partial",
      "javax/websocket/MessageHandler$Whole", "javax/websocket/MessageHandler$Partial");
  private static final Set<String> SPRING_BASES = Set.of(
      "org/springframework/web/socket/handler/TextWebSocketHandler",
      "org/springframework/web/socket/handler/BinaryWebSocketHandler",
      "org/springframework/web/socket/handler/AbstractWebSocketHandler");
  private static final String SPRING_HANDLER = "org/springframework/web/socket/WebSocketHandler";
  private static final Map<String, HandlerEvent> SPRING_METHODS = Map.of(
      "afterConnectionEstablished", HandlerEvent.OPEN, "handleMessage", HandlerEvent.MESSAGE,
      "handleTextMessage", HandlerEvent.MESSAGE, "handleBinaryMessage", HandlerEvent.MESSAGE,
      "handlePongMessage", HandlerEvent.MESSAGE, "afterConnectionClosed", HandlerEvent.CLOSE,
      "handleTransportError", HandlerEvent.ERROR);
  private static final Map<String, HandlerEvent> ENDPOINT_METHODS = Map.of(
      "onOpen", HandlerEvent.OPEN, "onClose", HandlerEvent.CLOSE, "onError", HandlerEvent.ERROR);
  /** Names worth reading a class's hierarchy for. */
  private static final Set<String> HANDLER_LIKE = Stream.of(Set.of("onMessage"), ENDPOINT_METHODS.keySet(),
      SPRING_METHODS.keySet()).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());

  private String className;
  private String superName;
  private String[] interfaces;
  private boolean endpoint;
  private boolean messageHandler;
  private boolean springHandler;
  private String path;
  private final List<Candidate> candidates = new ArrayList<>();

  private HandlerScan() {
    super(Opcodes.ASM9);
  }

  /** The handler methods of the class in {@code bytes}, and its endpoint's name; null when it has none. */
  static Result scan(byte[] bytes) {
    return scan(bytes, null);
  }

  /**
   * As {@link #scan(byte[])}, resolving every supertype with {@code hierarchy} (given the direct superclass and
   * interfaces) when the class declares a handler-like method and none of its direct supertypes is an API type.
   */
  static Result scan(byte[] bytes, BiFunction<String, String[], Set<String>> hierarchy) {
    HandlerScan scan = new HandlerScan();
    new ClassReader(bytes).accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
    if (hierarchy != null && !scan.endpoint && !scan.messageHandler && !scan.springHandler
        && scan.candidates.stream().anyMatch(c -> c.annotated == null && HANDLER_LIKE.contains(c.name))) {
      scan.classify(hierarchy.apply(scan.superName, scan.interfaces));
    }
    List<HandlerMethod> methods = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Candidate c : scan.candidates) {
      HandlerEvent event = c.annotated != null ? c.annotated : scan.byInheritance(c.name);
      if (event != null && seen.add(c.name + c.descriptor)) {
        methods.add(roles(c, event));
      }
    }
    if (methods.isEmpty()) {
      return null;
    }
    return new Result(scan.endpointName(), methods);
  }

  record Result(String endpoint, List<HandlerMethod> methods) {}

  private HandlerEvent byInheritance(String name) {
    if (endpoint && ENDPOINT_METHODS.containsKey(name)) {
      return ENDPOINT_METHODS.get(name);
    }
    if (messageHandler && name.equals("onMessage")) {
      return HandlerEvent.MESSAGE;
    }
    if (springHandler) {
      return SPRING_METHODS.get(name);
    }
    return null;
  }

  private String endpointName() {
    if (path != null) {
      return path;
    }
    String name = className.replace('/', '.');
    int nested = name.lastIndexOf('$');
    return messageHandler && nested > 0 ? name.substring(0, nested) : name;
  }

  @Override
  public void visit(int version, int access, String name, String signature, String superName,
      String[] interfaces) {
    className = name;
    this.superName = superName;
    this.interfaces = interfaces;
    Set<String> direct = new HashSet<>();
    if (superName != null) {
      direct.add(superName);
    }
    direct.addAll(Arrays.asList(interfaces == null ? new String[0] : interfaces));
    classify(direct);
  }

  private void classify(Set<String> supertypes) {
    for (String type : supertypes) {
      endpoint |= ENDPOINTS.contains(type);
      springHandler |= SPRING_BASES.contains(type) || SPRING_HANDLER.equals(type);
      messageHandler |= MESSAGE_HANDLERS.contains(type);
    }
  }

  @Override
  public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
    if (!SERVER_ENDPOINT.contains(descriptor)) {
      return null;
    }
    return new AnnotationVisitor(Opcodes.ASM9) {
      @Override
      public void visit(String name, Object value) {
        if ("value".equals(name) && value instanceof String s) {
          path = s;
        }
      }
    };
  }

  @Override
  public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
      String[] exceptions) {
    if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC
        | Opcodes.ACC_STATIC)) != 0 || name.startsWith("<")) {
      return null;
    }
    Candidate candidate = new Candidate(name, descriptor);
    candidates.add(candidate);
    return new MethodVisitor(Opcodes.ASM9) {
      @Override
      public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
        HandlerEvent event = ANNOTATIONS.get(annotation);
        if (event != null) {
          candidate.annotated = event;
        }
        return null;
      }

      @Override
      public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
        if (PATH_PARAM.contains(annotation)) {
          candidate.pathParams.add(parameter);
        }
        return null;
      }
    };
  }

  /** Which argument is the session, the message, the close reason and the error, from the parameter types. */
  private static HandlerMethod roles(Candidate c, HandlerEvent event) {
    Type[] parameters = Type.getArgumentTypes(c.descriptor);
    int session = -1;
    int message = -1;
    int close = -1;
    int error = -1;
    int last = -1;
    String messageType = null;
    for (int i = 0; i < parameters.length; i++) {
      String type = parameters[i].getDescriptor();
      if (WebSocketTypes.SESSIONS.contains(type)) {
        session = session < 0 ? i : session;
      } else if (WebSocketTypes.CLOSE_REASONS.contains(type)) {
        close = i;
      } else if (event == HandlerEvent.MESSAGE && type.equals("Z") && last < 0 && !c.pathParams.contains(i)) {
        last = i;
      } else if (event == HandlerEvent.ERROR && type.equals("Ljava/lang/Throwable;")) {
        error = i;
      } else if (event == HandlerEvent.MESSAGE && message < 0 && !c.pathParams.contains(i)
          && !WebSocketTypes.NOT_A_MESSAGE.contains(type)) {
        message = i;
        messageType = WebSocketTypes.messageType(type);
      }
    }
    return new HandlerMethod(c.name, c.descriptor, event, session, message, close, error, messageType, last);
  }

  private static final class Candidate {
    final String name;
    final String descriptor;
    HandlerEvent annotated;
    final Set<Integer> pathParams = new HashSet<>();

    Candidate(String name, String descriptor) {
      this.name = name;
      this.descriptor = descriptor;
    }
  }
}
